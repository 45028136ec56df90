"""How every KPI of a draft gets its target: one pipeline, read top to bottom.

0. `plan_inputs` gathers what targets may stand on: forecast ranges (the sales range also gives the driver KPIs
   visitors, conversion and AOV ranges whose product matches it), last period's actuals, targets the driver tree
   derives from the company's KRs, and the chance of each company KR under the forecast.
1. `kpi_target` decides one department KPI's target, first rule that applies:
   a. the company's words: a KR's level, or its change applied to last period's actual (capped at the scale);
   b. the driver tree: a target that follows from the company's plan (traffic growth from the visitors KR);
   c. the forecast's base (inside the scale);
   d. last period's actual, improved (never for a growth rate: its last value is no baseline);
   e. an industry norm for a rate or score, else the template's number (flagged: a target to set).
   The forecast's range and the chance of reaching the target are then attached: advice, never a bound.
2. `target_flags` says what the manager should look at (a target to set, one below what the team achieves).
3. `share_target`: roles and people that share an additive department KPI get their share of it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from assistant.catalogue import indicator_map
from assistant.driver_tree import DriverSplit
from assistant.forecast_targets import driver_ranges, judge_company_targets, probability_reached
from assistant.schemas import KPI, CompanyOKR, Comparator, GoalDraft, Target, TargetRange
from assistant.targets import DEFINED_BASIS, SCALE_FREE_UNITS, default_targets, derived_targets, improved, upper_bound
from core.vocab import DirectionName


@dataclass(frozen=True)
class TargetInputs:
    """What targets may stand on (step 0)."""

    forecasts: dict[str, TargetRange] = field(default_factory=dict)
    actuals: dict[str, float] = field(default_factory=dict)
    derived: dict[str, float] = field(default_factory=dict)


# --- 0. inputs ---------------------------------------------------------------------------------------------
def plan_inputs(
    company: CompanyOKR,
    splits: list[DriverSplit],
    forecasts: Mapping[str, TargetRange],
    actuals: Mapping[str, float],
    lang: str,
    flags: list[str],
) -> TargetInputs:
    """Forecast ranges (with the driver KPIs' ranges from the sales range), actuals and derived targets; each
    company KR gets its chance of being reached under the forecast."""
    fc = dict(forecasts)
    if "gmv" in fc:
        for split in splits:
            fc = {**driver_ranges(split, fc["gmv"]), **fc}
        for kr_id, p in judge_company_targets(company, fc, lang, flags).items():
            next(kr for kr in company.all_krs() if kr.id == kr_id).probability = p
    act = dict(actuals)
    return TargetInputs(forecasts=fc, actuals=act, derived=derived_targets(splits, company.all_krs()))


# --- 1. one KPI's target -----------------------------------------------------------------------------------
def kpi_target(
    dept: str,
    code: str,
    unit: str | None,
    direction: DirectionName,
    stated: Target | None,
    inputs: TargetInputs,
    flags: list[str],
) -> Target:
    """The target of department `dept`'s KPI `code`: `stated` is the company KR's target when a KR speaks about
    the KPI (rule a), None for a template KPI no KR speaks about (rules b-e)."""
    if stated is not None:
        t = _level_from_change(dept, code, unit, stated, inputs.actuals, flags)  # a
    else:
        t = data_target(code, inputs)  # b-e
    return with_forecast(t, code, inputs.forecasts)


def _level_from_change(
    dept: str, code: str, unit: str | None, t: Target, actuals: Mapping[str, float], flags: list[str]
) -> Target:
    """A KR's change ("满意度提升 5%") as a level on last period's actual, kept inside the scale: a change that
    would pass the ceiling (CSAT 4.8 x 1.05 = 5.04) stops at it and is flagged."""
    actual = actuals.get(code)
    if t.value is not None or actual is None or (t.change_pct is None and t.change_pp is None):
        return t
    level = actual * (1 + t.change_pct / 100) if t.change_pct is not None else actual + (t.change_pp or 0)
    top = upper_bound(code, unit)
    if top is not None and level > top:
        flags.append(f"target_capped_at_scale:{dept}:{code} ({level:g} > {top:g})")
        level = top
    lower = (t.change_pct if t.change_pct is not None else t.change_pp or 0) < 0
    return t.model_copy(update={"value": round(level, 4), "baseline": actual, "comparator": "<=" if lower else ">="})


def data_target(code: str, inputs: TargetInputs) -> Target:
    """Rules b-e for a template KPI no KR speaks about."""
    ind = indicator_map()[code]
    cmp_: Comparator = ">=" if ind.direction == "higher" else "<="
    basis = DEFINED_BASIS.get(code)
    if code in inputs.derived:  # b
        return Target(value=inputs.derived[code], comparator=cmp_, source="driver_tree", basis=basis)
    if code in inputs.forecasts:  # c
        f = inputs.forecasts[code]
        return Target(
            value=_bounded(f.base, code, ind.unit),
            low=_bounded(f.conservative, code, ind.unit),
            high=_bounded(f.stretch, code, ind.unit),
            comparator=cmp_,
            source="forecast",
            basis=basis,
        )
    if code in inputs.actuals and basis is None:  # d
        a = inputs.actuals[code]
        return Target(value=improved(code, a, ind.direction, ind.unit), baseline=a, comparator=cmp_, source="actual")
    # e. A rate or a score has industry norms (DOMAIN.md §3); an amount or a count depends on the company's size.
    source = "norm" if ind.unit in SCALE_FREE_UNITS else "template"
    return Target(value=default_targets().get(code), comparator=cmp_, source=source, basis=basis)


def _bounded(value: float | None, code: str, unit: str | None) -> float | None:
    top = upper_bound(code, unit)
    if value is None or top is None:
        return value
    return min(max(value, 0.0), top)


def with_forecast(t: Target, code: str, forecasts: Mapping[str, TargetRange]) -> Target:
    """`t` with the forecast's conservative / stretch range and the chance of reaching its value under it. A
    forecast-based target keeps its own (scale-bounded) range."""
    if code not in forecasts:
        return t
    f = forecasts[code]
    value = t.value if t.value is not None else f.base
    ind = indicator_map().get(code)
    chance = probability_reached(value, f, ind.direction if ind else "higher")
    if t.source == "forecast":
        return t.model_copy(update={"probability": chance})
    return t.model_copy(update={"low": f.conservative, "high": f.stretch, "probability": chance, "value": value})


# --- 2. what the manager should look at ----------------------------------------------------------------------
OUTSIDE_RANGE = "target_outside_range:"


def outside_range_flag(owner: str, kpi: KPI) -> str | None:
    """The flag of a target outside its forecast range: kept (the range is advice), and said."""
    t = kpi.target
    if t.value is None or t.low is None or t.high is None or t.low <= t.value <= t.high:
        return None
    return f"{OUTSIDE_RANGE}{owner}:{kpi.code} ({t.value:g} vs {t.low:g}-{t.high:g})"


def outside_range_flags(draft: GoalDraft, dept: str) -> list[str]:
    """One flag per KPI of the department and of its roles whose target lies outside its forecast range."""
    kpis: list[tuple[str, KPI]] = [(d.code, k) for d in draft.departments if d.code == dept for k in d.kpis]
    kpis += [(r.role, k) for r in draft.roles if r.department == dept for k in r.kpis]
    return [flag for owner, k in kpis if (flag := outside_range_flag(owner, k)) is not None]


def target_flags(dept: str, kpi: KPI, actuals: Mapping[str, float], flags: list[str]) -> None:
    """Say when a target is a template number to set, or below what the team already achieves (outside its
    range: `outside_range_flags`, once the roles exist)."""
    t, actual = kpi.target, actuals.get(kpi.code)
    if t.source == "template":
        flags.append(f"needs_target:{dept}:{kpi.code}")
    if t.value is None or actual is None:
        return
    worse = t.value < actual if kpi.direction == "higher" else t.value > actual
    if worse:
        flags.append(f"target_below_actual:{dept}:{kpi.code} ({t.value:g} vs {actual:g})")


# --- 3. shares for roles and people ----------------------------------------------------------------------------
def share_target(t: Target, share: float) -> Target:
    """A share of an additive target (its range too); growth rates and comparators stay."""

    def part(x: float | None) -> float | None:
        return None if x is None else round(x * share, 2)

    return t.model_copy(
        update={"value": part(t.value), "low": part(t.low), "high": part(t.high), "baseline": part(t.baseline)}
    )
