"""Position-value inventory (DOMAIN.md §10, article 000 §3.1 and table 2): which positions are key right now.

Each position is rated 1-5 on strategic relevance, skill scarcity and measurability (how well its results can
be quantified). Its key score is 0.6 x relevance + 0.4 x scarcity; a position whose key score reaches
`key_threshold` (3.6) is key: class A when measurability reaches `measurable_threshold` (3.5), class B
("relevant, hard to measure: explore indicators") otherwise; every other position gets the light baseline.

The list is dynamic:
- campaign season: during a campaign (双11, 618, ...) the functions named in `CAMPAIGN_FUNCTIONS` become key:
  their relevance is raised by `campaign_boost` (capped at 5), e.g. warehouse coordination during 双11;
- company stage (startup / expansion / mature / transformation) decides how the classes are managed:
  review cycle, share of weight on result KPIs, bonus multiplier and what the baseline holds (`stage_policy`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any

from kpi.pay.errors import InvalidPayInputError


class KeyClass(StrEnum):
    """A: relevant and measurable; B: relevant, hard to measure; C: the all-staff baseline."""

    A = "A"
    B = "B"
    C = "C"


class Stage(StrEnum):
    """Company stage of article 000, table 2."""

    STARTUP = "startup"
    EXPANSION = "expansion"
    MATURE = "mature"
    TRANSFORMATION = "transformation"


# Functions (department codes) that become key during a campaign season; HR can pass its own mapping.
CAMPAIGN_FUNCTIONS: dict[str, tuple[str, ...]] = {
    "double11": ("warehouse", "cs", "live"),
    "double12": ("warehouse", "cs"),
    "618": ("warehouse", "cs", "live"),
    "nianhuo": ("warehouse",),
    "38": ("cs",),
    "99": ("warehouse",),
}


@dataclass(frozen=True)
class PositionScores:
    """One position's ratings (1-5) and the function (department code) it belongs to."""

    position: str
    function: str
    relevance: float
    scarcity: float
    measurability: float


@dataclass(frozen=True)
class ClassPolicy:
    """How a class is managed at a company stage."""

    review_cycle: str
    result_kpi_weight: int  # percent of the scorecard on result KPIs
    bonus_multiplier: float
    baseline: tuple[str, ...]  # the baseline indicator blocks the class keeps
    note_en: str
    note_zh: str


@dataclass(frozen=True)
class PositionValue:
    """A position's class in one inventory, with the inputs and the reason."""

    position: str
    function: str
    relevance: float
    effective_relevance: float
    scarcity: float
    measurability: float
    key_score: float
    key_class: KeyClass
    campaign_key: bool
    policy: ClassPolicy
    reason_en: str
    reason_zh: str

    def to_dict(self) -> dict[str, Any]:
        """Plain dict for JSON."""
        out = asdict(self)
        out["key_class"] = str(self.key_class)
        out["policy"]["baseline"] = list(self.policy.baseline)
        return out


BASE = ("quality", "collaboration")
_POLICIES: dict[Stage, dict[KeyClass, ClassPolicy]] = {
    Stage.STARTUP: {
        KeyClass.A: ClassPolicy("month", 80, 1.3, (), "managed closely", "重点管理"),
        KeyClass.B: ClassPolicy("month", 50, 1.15, (), "explore indicators", "探索可衡量的指标"),
        KeyClass.C: ClassPolicy(
            "quarter", 0, 1.0, ("values",), "no formal KPIs: values and red lines only", "不设正式KPI，只看价值观与红线"
        ),
    },
    Stage.EXPANSION: {
        KeyClass.A: ClassPolicy(
            "month", 70, 1.25, BASE, "key positions plus the all-staff base", "关键岗位+全员基础指标"
        ),
        KeyClass.B: ClassPolicy("month", 50, 1.1, BASE, "explore indicators", "探索可衡量的指标"),
        KeyClass.C: ClassPolicy(
            "quarter", 40, 1.0, BASE, "basic quality and collaboration indicators", "基础质量与协作指标"
        ),
    },
    Stage.MATURE: {
        KeyClass.A: ClassPolicy(
            "month", 70, 1.2, BASE, "extra weight and bonus on the all-staff base", "全员基础上加权加奖"
        ),
        KeyClass.B: ClassPolicy("quarter", 50, 1.1, BASE, "explore indicators", "探索可衡量的指标"),
        KeyClass.C: ClassPolicy(
            "quarter", 50, 1.0, BASE, "all-staff base: quality and collaboration", "全员基础：质量与协作"
        ),
    },
    Stage.TRANSFORMATION: {
        KeyClass.A: ClassPolicy("month", 70, 1.25, BASE, "key positions plus short-cycle OKRs", "关键岗位+短周期OKR"),
        KeyClass.B: ClassPolicy("month", 40, 1.15, BASE, "short-cycle OKRs, explore indicators", "短周期OKR，探索指标"),
        KeyClass.C: ClassPolicy(
            "quarter", 40, 1.0, BASE, "basic quality and collaboration indicators", "基础质量与协作指标"
        ),
    },
}


def stage_policy(stage: Stage | str, key_class: KeyClass | str) -> ClassPolicy:
    """The management policy of a class at a company stage."""
    try:
        return _POLICIES[Stage(stage)][KeyClass(key_class)]
    except ValueError as exc:
        raise InvalidPayInputError(f"unknown stage or class: {stage!r}, {key_class!r}") from exc


def _check(p: PositionScores) -> None:
    for name in ("relevance", "scarcity", "measurability"):
        v = getattr(p, name)
        if not 1 <= v <= 5:
            raise InvalidPayInputError(f"{p.position}: {name} must be between 1 and 5, got {v}")


def classify(
    positions: list[PositionScores],
    *,
    stage: Stage | str = Stage.MATURE,
    campaign: str | None = None,
    campaign_functions: dict[str, tuple[str, ...]] | None = None,
    key_threshold: float = 3.6,
    measurable_threshold: float = 3.5,
    campaign_boost: float = 1.5,
) -> list[PositionValue]:
    """Classify every position for one quarter (and campaign season, if any) at the company's stage."""
    functions = (campaign_functions or CAMPAIGN_FUNCTIONS).get(campaign or "", ()) if campaign else ()
    if campaign and campaign_functions is None and campaign not in CAMPAIGN_FUNCTIONS:
        raise InvalidPayInputError(f"unknown campaign {campaign!r}; known: {sorted(CAMPAIGN_FUNCTIONS)}")
    out = []
    for p in positions:
        _check(p)
        boosted = p.function in functions
        rel = min(5.0, p.relevance + campaign_boost) if boosted else p.relevance
        key_score = round(0.6 * rel + 0.4 * p.scarcity, 4)
        if key_score >= key_threshold:
            cls = KeyClass.A if p.measurability >= measurable_threshold else KeyClass.B
        else:
            cls = KeyClass.C
        campaign_key = (
            boosted and cls is not KeyClass.C and round(0.6 * p.relevance + 0.4 * p.scarcity, 4) < key_threshold
        )
        en, zh = _reason(key_score, cls, p.measurability, campaign if campaign_key else None)
        out.append(
            PositionValue(
                position=p.position,
                function=p.function,
                relevance=p.relevance,
                effective_relevance=rel,
                scarcity=p.scarcity,
                measurability=p.measurability,
                key_score=key_score,
                key_class=cls,
                campaign_key=campaign_key,
                policy=stage_policy(stage, cls),
                reason_en=en,
                reason_zh=zh,
            )
        )
    return out


def _reason(key_score: float, cls: KeyClass, meas: float, campaign: str | None) -> tuple[str, str]:
    if cls is KeyClass.C:
        return (
            f"key score {key_score:.2f} below the key threshold: light baseline",
            f"关键度 {key_score:.2f} 低于关键岗位门槛：采用轻量基础考核",
        )
    what_en = "measurable" if cls is KeyClass.A else "hard to measure (explore indicators)"
    what_zh = "结果可量化" if cls is KeyClass.A else "结果难以量化（需探索指标）"
    en = f"key score {key_score:.2f}, measurability {meas:g}: {what_en}"
    zh = f"关键度 {key_score:.2f}，可量化程度 {meas:g}：{what_zh}"
    if campaign:
        en += f"; key during the {campaign} campaign season"
        zh += f"；{campaign} 大促期间成为关键岗位"
    return en, zh


def multipliers(values: list[PositionValue]) -> dict[str, float]:
    """Bonus multiplier per position code."""
    return {v.position: v.policy.bonus_multiplier for v in values}
