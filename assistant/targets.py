"""Target primitives: a KR's own numbers, scale ceilings, defaults, derived and improved levels. The order in
which they decide a KPI's target is `assistant/target_plan.py`."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import yaml

from assistant.catalogue import DATA_DIR
from assistant.driver_tree import DriverSplit
from assistant.schemas import Basis, Comparator, KeyResult, Target
from core.vocab import Direction


@lru_cache(maxsize=1)
def default_targets() -> dict[str, float]:
    """Template default targets (assistant/data/default_targets.yaml)."""
    return {k: float(v) for k, v in yaml.safe_load((DATA_DIR / "default_targets.yaml").read_text("utf-8")).items()}


# Indicators whose definition fixes the comparison (catalogue definitions): growth rates say what they compare with.
DEFINED_BASIS: dict[str, Basis] = {"sales_growth": "yoy", "traffic_growth": "yoy"}
# Scales with a ceiling: percentages stop at 100, CSAT is a 1-5 score.
SCALE_MAX: dict[str, float] = {"csat": 5.0}
# Percentages that are not shares of a whole: attainment and growth may pass 100%.
OPEN_PERCENTAGES = frozenset({"campaign_result", "new_product_plan", "sales_growth", "traffic_growth"})
# Share of the distance to a scale's ceiling a team near it is asked to close in one period.
GAP_SHARE = 0.25
IMPROVEMENT = 0.05
SCALE_FREE_UNITS = frozenset({"%", "score", "s", "min", "h", "day", "ratio", "times"})


def upper_bound(code: str, unit: str | None) -> float | None:
    """The ceiling of an indicator's scale, if it has one."""
    if code in SCALE_MAX:
        return SCALE_MAX[code]
    return 100.0 if unit == "%" and code not in OPEN_PERCENTAGES else None


def kr_target(kr: KeyResult) -> Target:
    """The KR's own numbers as a Target (a level, a change or both), with the comparison it states."""
    comparator: Comparator = "=" if kr.target is None else ("<=" if kr.direction == "lower" else ">=")
    return Target(
        value=kr.target,
        change_pct=kr.change_pct,
        change_pp=kr.change_pp,
        baseline=kr.baseline,
        comparator=comparator,
        source="kr",
        basis=kr.basis or DEFINED_BASIS.get(kr.metric or ""),
    )


def derived_targets(splits: list[DriverSplit], krs: Sequence[KeyResult] = ()) -> dict[str, float]:
    """Template KPIs whose target follows from the plan: traffic growth, visitors against the same period last
    year (a quarter holding 双11 or 618 differs from the next every year, so growth on the previous period says
    nothing), is a company KR's year-on-year visitors change, else the driver tree's visitors growth."""
    stated = next((kr for kr in krs if kr.metric == "visitors" and kr.basis in (None, "yoy") and kr.change_pct), None)
    if stated is not None:
        return {"traffic_growth": float(stated.change_pct or 0)}
    for split in splits:
        if split.basis != "yoy":
            continue
        for d in split.drivers:
            if d.driver == "visitors":
                return {"traffic_growth": d.growth_pct}
    return {}


def improved(code: str, actual: float, direction: str, unit: str | None) -> float:
    """A next-period target from the last actual: 5% better, or a quarter of the way to a scale's ceiling."""
    if direction != Direction.HIGHER:
        return round(actual * (1 - IMPROVEMENT), 2)
    step = actual * (1 + IMPROVEMENT)
    top = upper_bound(code, unit)
    if top is None:
        return round(step, 2)
    if actual >= top:
        return top
    gap = top - actual
    if step - actual > gap / 2:  # near the ceiling x1.05 would overshoot or nearly close it (CSAT 4.9, accuracy 99.8%)
        step = actual + GAP_SHARE * gap
    return min(round(step, 2), round(top - 0.01, 2))
