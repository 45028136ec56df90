"""Department scorecard templates (DOMAIN.md §3): blocks fixed / dynamic / collaboration with weights."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from assistant.catalogue import DATA_DIR, indicator_map
from assistant.errors import CatalogueError
from kpi.rules import weight_problems

TEMPLATES_PATH = DATA_DIR / "dept_templates.yaml"
Block = Literal["fixed", "dynamic", "collaboration"]
BLOCK_ORDER: tuple[Block, ...] = ("fixed", "dynamic", "collaboration")


class TemplateBlock(BaseModel):
    """One block of a scorecard: its share of the score and default KPI weights inside it."""

    model_config = ConfigDict(frozen=True)
    weight: int
    kpis: dict[str, int]

    @model_validator(mode="after")
    def _weights_add_up(self) -> TemplateBlock:
        if sum(self.kpis.values()) != self.weight:
            raise ValueError(f"block KPI weights {self.kpis} do not add up to {self.weight}")
        return self


class RoleTemplate(BaseModel):
    """A standard role of a department; `lead` roles carry the whole department scorecard."""

    model_config = ConfigDict(frozen=True)
    code: str
    name_zh: str
    name_en: str
    lead: bool = False
    focus: tuple[str, ...] = ()

    def name(self, lang: str) -> str:
        """Role name in `lang`."""
        return self.name_zh if lang == "zh" else self.name_en


class DeptTemplate(BaseModel):
    """A department's default scorecard: three blocks summing to 100 and its standard roles."""

    model_config = ConfigDict(frozen=True)
    blocks: dict[Block, TemplateBlock]
    roles: tuple[RoleTemplate, ...]

    @model_validator(mode="after")
    def _sums_to_100(self) -> DeptTemplate:
        problems = weight_problems({str(blk): b.weight for blk, b in self.blocks.items()})
        if problems:
            raise ValueError("template blocks: " + "; ".join(p.message for p in problems))
        return self

    def items(self) -> list[tuple[Block, str, int]]:
        """(block, code, weight) for every template KPI, block by block."""
        return [
            (blk, code, w) for blk in BLOCK_ORDER if blk in self.blocks for code, w in self.blocks[blk].kpis.items()
        ]


@lru_cache(maxsize=2)
def _load(path: Path) -> dict[str, DeptTemplate]:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        out = {code: DeptTemplate.model_validate(v) for code, v in raw.items()}
    except (OSError, yaml.YAMLError, ValidationError, AttributeError) as exc:
        raise CatalogueError(f"cannot load department templates {path}: {exc}") from exc
    known = indicator_map()
    for dept, tpl in out.items():
        missing = [c for _, c, _ in tpl.items() if c not in known]
        if missing:
            raise CatalogueError(f"template {dept!r} uses codes missing from the catalogue: {missing}")
    return out


def load_templates(path: Path | None = None) -> dict[str, DeptTemplate]:
    """Scorecard templates keyed by department code (ops, design, cs, warehouse, ads, live, hr)."""
    return dict(_load(path or TEMPLATES_PATH))


def get_template(dept: str) -> DeptTemplate | None:
    """The template of one department, or None when there is none."""
    return _load(TEMPLATES_PATH).get(dept)
