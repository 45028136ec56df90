"""Targets of KPIs: from a KR's own numbers, the driver tree, forecasts, last period's actuals or defaults."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache

import yaml

from assistant.catalogue import DATA_DIR, indicator_map
from assistant.driver_tree import DriverSplit
from assistant.forecast_targets import probability_reached
from assistant.schemas import Basis, Comparator, KeyResult, Target, TargetRange
from core.vocab import Direction

# Key of the actuals holding the previous period's visitors (the inputs add it when sales data exist).
PREV_VISITORS = "visitors_prev_period"


@lru_cache(maxsize=1)
def default_targets() -> dict[str, float]:
    """Template default targets (assistant/data/default_targets.yaml)."""
    return {k: float(v) for k, v in yaml.safe_load((DATA_DIR / "default_targets.yaml").read_text("utf-8")).items()}


# Indicators whose definition fixes the comparison (catalogue definitions): growth rates say what they compare with.
DEFINED_BASIS: dict[str, Basis] = {"sales_growth": "yoy", "traffic_growth": "pop"}
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


def derived_targets(
    splits: list[DriverSplit], actuals: Mapping[str, float] | None = None, krs: Sequence[KeyResult] = ()
) -> dict[str, float]:
    """Template KPIs whose target follows from the plan: traffic growth (defined period over period) is a
    company KR's visitors change against the last period, or the visitors target against the previous period's
    visitors; never the year-on-year growth."""
    stated = next((kr for kr in krs if kr.metric == "visitors" and kr.basis == "pop" and kr.change_pct), None)
    if stated is not None:
        return {"traffic_growth": float(stated.change_pct or 0)}
    prev = (actuals or {}).get(PREV_VISITORS)
    for split in splits:
        for d in split.drivers:
            if d.driver != "visitors":
                continue
            if split.basis == "pop":
                return {"traffic_growth": d.growth_pct}
            if d.target and prev:
                return {"traffic_growth": round((d.target / prev - 1) * 100, 1)}
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


def _bounded(value: float | None, code: str, unit: str | None) -> float | None:
    top = upper_bound(code, unit)
    if value is None or top is None:
        return value
    return min(max(value, 0.0), top)


def support_target(
    code: str,
    forecasts: dict[str, TargetRange],
    actuals: dict[str, float],
    derived: dict[str, float] | None = None,
) -> Target:
    """Target of a template KPI no KR speaks about: driver tree, forecast, last actual improved, else the
    template's number (source "template": the draft flags it as a target still to set)."""
    ind = indicator_map()[code]
    cmp_: Comparator = ">=" if ind.direction == "higher" else "<="
    basis = DEFINED_BASIS.get(code)
    if derived and code in derived:
        return with_forecast(
            Target(value=derived[code], comparator=cmp_, source="driver_tree", basis=basis), code, forecasts
        )
    if code in forecasts:
        f = forecasts[code]
        return Target(
            value=_bounded(f.base, code, ind.unit),
            low=_bounded(f.conservative, code, ind.unit),
            high=_bounded(f.stretch, code, ind.unit),
            probability=probability_reached(f.base, f, ind.direction),
            comparator=cmp_,
            source="forecast",
            basis=basis,
        )
    if code in actuals and basis is None:  # a growth rate's last value is no baseline for the next one
        a = actuals[code]
        return Target(value=improved(code, a, ind.direction, ind.unit), baseline=a, comparator=cmp_, source="actual")
    # A rate or a score has industry norms (DOMAIN.md §3); an amount or a count depends on the company's size.
    source = "norm" if ind.unit in SCALE_FREE_UNITS else "template"
    return Target(value=default_targets().get(code), comparator=cmp_, source=source, basis=basis)


def with_forecast(t: Target, code: str, forecasts: dict[str, TargetRange]) -> Target:
    """`t` with the forecast's conservative / stretch range and the chance of reaching its value under it."""
    if code not in forecasts:
        return t
    f = forecasts[code]
    value = t.value if t.value is not None else f.base
    ind = indicator_map().get(code)
    return t.model_copy(
        update={
            "low": f.conservative,
            "high": f.stretch,
            "probability": probability_reached(value, f, ind.direction if ind else "higher"),
            "value": value,
        }
    )
