"""Targets of KPIs: from a KR's own numbers, the driver tree, forecasts, last period's actuals or defaults."""

from __future__ import annotations

from functools import lru_cache

import yaml

from assistant.catalogue import DATA_DIR, indicator_map
from assistant.driver_tree import DriverSplit
from assistant.forecast_targets import probability_reached
from assistant.schemas import Comparator, KeyResult, Target, TargetRange
from core.vocab import Direction


@lru_cache(maxsize=1)
def default_targets() -> dict[str, float]:
    """Template default targets (assistant/data/default_targets.yaml)."""
    return {k: float(v) for k, v in yaml.safe_load((DATA_DIR / "default_targets.yaml").read_text("utf-8")).items()}


def kr_target(kr: KeyResult) -> Target:
    """The KR's own numbers as a Target (a level, a change or both)."""
    comparator: Comparator = "=" if kr.target is None else ("<=" if kr.direction == Direction.LOWER else ">=")
    return Target(
        value=kr.target,
        change_pct=kr.change_pct,
        change_pp=kr.change_pp,
        baseline=kr.baseline,
        comparator=comparator,
        source="kr",
    )


def derived_targets(splits: list[DriverSplit]) -> dict[str, float]:
    """Template KPIs whose target follows from a driver split (traffic growth = visitors growth)."""
    for split in splits:
        for d in split.drivers:
            if d.driver == "visitors":
                return {"traffic_growth": d.growth_pct}
    return {}


def support_target(
    code: str,
    forecasts: dict[str, TargetRange],
    actuals: dict[str, float],
    derived: dict[str, float] | None = None,
) -> Target:
    """Target of a template KPI no KR speaks about: driver tree, forecast, last actual +5%, else default."""
    ind = indicator_map()[code]
    cmp_: Comparator = ">=" if ind.direction == Direction.HIGHER else "<="
    if derived and code in derived:
        return with_forecast(Target(value=derived[code], comparator=cmp_, source="driver_tree"), code, forecasts)
    if code in forecasts:
        f = forecasts[code]
        return Target(
            value=f.base,
            low=f.conservative,
            high=f.stretch,
            probability=probability_reached(f.base, f, ind.direction),
            comparator=cmp_,
            source="forecast",
        )
    if code in actuals:
        a = actuals[code]
        value = a * (1.05 if ind.direction == Direction.HIGHER else 0.95)
        if ind.unit == "%":
            value = min(value, 100.0)
        return Target(value=round(value, 2), baseline=a, comparator=cmp_, source="actual")
    return Target(value=default_targets().get(code), comparator=cmp_, source="template")


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
