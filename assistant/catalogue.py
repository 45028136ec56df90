"""The bilingual KPI catalogue (assistant/data/kpi_catalogue.yaml) as typed, cached objects."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assistant.errors import CatalogueError
from core.vocab import DirectionName

DATA_DIR = Path(__file__).resolve().parent / "data"
CATALOGUE_PATH = DATA_DIR / "kpi_catalogue.yaml"

DEPARTMENT_CODES: tuple[str, ...] = ("ops", "design", "cs", "warehouse", "ads", "live", "hr")

Level = Literal["company", "department", "person"]
Driver = Literal["visitors", "conversion", "aov"]


class Synonyms(BaseModel):
    """Search words for an indicator in each language."""

    model_config = ConfigDict(frozen=True)
    zh: tuple[str, ...] = ()
    en: tuple[str, ...] = ()


class Indicator(BaseModel):
    """One catalogue KPI: what it measures, in which unit, which way is good and who controls it."""

    model_config = ConfigDict(frozen=True)
    code: str
    name_zh: str
    name_en: str
    unit: str
    direction: DirectionName
    definition_zh: str
    definition_en: str
    departments: tuple[str, ...]
    synonyms: Synonyms = Field(default_factory=Synonyms)
    level: Level
    driver: Driver | None = None

    def name(self, lang: str) -> str:
        """Indicator name in `lang` ('zh' or 'en')."""
        return self.name_zh if lang == "zh" else self.name_en

    def definition(self, lang: str) -> str:
        """Indicator definition in `lang` ('zh' or 'en')."""
        return self.definition_zh if lang == "zh" else self.definition_en


class DepartmentInfo(BaseModel):
    """A department code with its names and the words people use for it."""

    model_config = ConfigDict(frozen=True)
    code: str
    name_zh: str
    name_en: str
    synonyms: tuple[str, ...] = ()

    def name(self, lang: str) -> str:
        """Department name in `lang`."""
        return self.name_zh if lang == "zh" else self.name_en


class Catalogue(BaseModel):
    """The whole catalogue file."""

    model_config = ConfigDict(frozen=True)
    departments: tuple[DepartmentInfo, ...]
    indicators: tuple[Indicator, ...]


def _validate(cat: Catalogue) -> None:
    codes = [i.code for i in cat.indicators]
    dupes = sorted({c for c in codes if codes.count(c) > 1})
    if dupes:
        raise CatalogueError(f"duplicate indicator codes in catalogue: {dupes}")
    known = {d.code for d in cat.departments}
    for ind in cat.indicators:
        unknown = [d for d in ind.departments if d not in known]
        if unknown or not ind.departments:
            raise CatalogueError(f"indicator {ind.code!r} names unknown or no departments: {unknown}")


@lru_cache(maxsize=4)
def _load(path: Path) -> Catalogue:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        cat = Catalogue.model_validate(raw)
    except (OSError, yaml.YAMLError, ValidationError) as exc:
        raise CatalogueError(f"cannot load KPI catalogue {path}: {exc}") from exc
    _validate(cat)
    return cat


# The catalogue a caller put in force (the service's live catalogue, read from its database); None: the file.
_ACTIVE: ContextVar[tuple[Indicator, ...] | None] = ContextVar("kpi_catalogue", default=None)


@contextmanager
def catalogue_scope(indicators: Sequence[Indicator]) -> Iterator[None]:
    """Within the block, every catalogue lookup (drafts, parsing, guards) uses `indicators`, not the file."""
    token = _ACTIVE.set(tuple(indicators))
    try:
        yield
    finally:
        _ACTIVE.reset(token)


def active_catalogue() -> tuple[Indicator, ...]:
    """The indicators in force: the scoped catalogue if one is set, else the shipped file's."""
    scoped = _ACTIVE.get()
    return scoped if scoped is not None else _load(CATALOGUE_PATH).indicators


def load_catalogue(path: Path | None = None) -> list[Indicator]:
    """All catalogue indicators in order: the file at `path`, else the catalogue in force (immutable objects)."""
    return list(_load(path).indicators) if path is not None else list(active_catalogue())


def load_departments(path: Path | None = None) -> list[DepartmentInfo]:
    """The department codes known to the catalogue with bilingual names."""
    return list(_load(path or CATALOGUE_PATH).departments)


def indicator_map(path: Path | None = None) -> dict[str, Indicator]:
    """Catalogue indicators keyed by code (the file at `path`, else the catalogue in force); a fresh dict, so a
    caller may change its copy."""
    inds = _load(path).indicators if path is not None else active_catalogue()
    found = _KEYED.get(id(inds))
    if found is None or found[0] is not inds:
        if len(_KEYED) > 32:
            _KEYED.clear()
        found = _KEYED[id(inds)] = (inds, {i.code: i for i in inds})
    return dict(found[1])


# Keyed views of the catalogues seen, by the identity of their (immutable) indicator sequence.
_KEYED: dict[int, tuple[Sequence[Indicator], dict[str, Indicator]]] = {}


def get_indicator(code: str) -> Indicator:
    """One indicator by code; raises UnknownIndicatorError when it is not in the catalogue."""
    from assistant.errors import UnknownIndicatorError

    try:
        return indicator_map()[code]
    except KeyError:
        raise UnknownIndicatorError(f"indicator {code!r} is not in the KPI catalogue") from None
