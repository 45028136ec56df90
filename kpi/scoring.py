"""KPI achievement and weighted scores with a breakdown that shows how every point was computed.

Policy (DOMAIN.md §5; defaults HR can change through `ScoringPolicy`):
- achievement = actual / target for higher-is-better, target / actual for lower-is-better;
- the achievement is clipped to [floor, cap] (default [0, 1.2]); points = weight x achievement, so
  weight 30 at 120% gives 36 points;
- zero target (the one policy, in `kpi.rules.achievement_ratio`): higher-is-better -> any actual > 0 beats
  it (cap), actual 0 meets it (100%); lower-is-better ("zero complaints") -> actual 0 meets it (100%), any
  actual > 0 gives 0/actual = 0 -> floor; lower-is-better with target > 0 and actual 0 -> target/0 is
  unbounded -> cap. Never a ZeroDivisionError;
- negative targets or actuals are refused (express growth as an index, e.g. 105% of last year);
- missing actual: policy `exclude` (default) drops the line and spreads its weight over the scored lines in
  proportion to their weights, `zero` scores it 0; missing target: always excluded (nothing to compare);
- a KPI added mid-period (active_fraction < 1) keeps weight x active_fraction; the freed weight goes to the
  full-period KPIs in proportion to their weights so the total stays the same. Its target should cover only
  its active days (`prorate_target` for cumulative targets such as sales).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, replace
from enum import StrEnum
from typing import Any

from core.vocab import Direction as Direction  # re-exported (kpi.scoring.Direction is the core vocabulary)
from kpi.errors import InvalidKpiValueError, InvalidPolicyError
from kpi.rules import achievement_ratio, check_value, ratio_terms


class MissingPolicy(StrEnum):
    """What a missing actual does to the score."""

    EXCLUDE = "exclude"
    ZERO = "zero"


class LineStatus(StrEnum):
    """Whether a KPI line earned points or was left out (and why)."""

    SCORED = "scored"
    MISSING_ACTUAL = "missing_actual"
    MISSING_TARGET = "missing_target"


@dataclass(frozen=True)
class ScoringPolicy:
    """Cap, floor and missing-value rule applied to every KPI line."""

    cap: float = 1.2
    floor: float = 0.0
    missing_actual: MissingPolicy = MissingPolicy.EXCLUDE

    def validate(self) -> None:
        """Raise InvalidPolicyError unless 0 <= floor <= 1 <= cap and both are finite."""
        if not (math.isfinite(self.cap) and math.isfinite(self.floor)):
            raise InvalidPolicyError("cap and floor must be finite numbers")
        if not 0.0 <= self.floor <= 1.0 <= self.cap:
            raise InvalidPolicyError(f"need 0 <= floor <= 1 <= cap, got floor={self.floor}, cap={self.cap}")


@dataclass(frozen=True)
class KpiInput:
    """One KPI of one person for one period: weight in points (all weights usually sum to 100)."""

    code: str
    weight: float
    target: float | None
    actual: float | None
    direction: Direction = Direction.HIGHER
    name: str = ""
    active_fraction: float = 1.0


@dataclass(frozen=True)
class Achievement:
    """Achievement of one KPI before and after the cap/floor, with the formula used."""

    raw: float
    value: float
    capped: bool
    floored: bool
    formula: str


@dataclass(frozen=True)
class KpiLine:
    """How the points of one KPI were computed."""

    code: str
    name: str
    direction: Direction
    weight: float
    effective_weight: float
    target: float | None
    actual: float | None
    status: LineStatus
    achievement_raw: float | None
    achievement: float | None
    capped: bool
    floored: bool
    points: float
    formula: str
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ScoreBreakdown:
    """A person's total score and one line per KPI; `to_dict` is JSON-ready."""

    total: float
    total_weight: float
    max_points: float
    policy: ScoringPolicy
    lines: list[KpiLine]
    notes: list[str] = field(default_factory=list)
    person_id: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Plain dict (enums as strings) for JSON responses."""
        out = asdict(self)
        out["policy"]["missing_actual"] = str(self.policy.missing_actual)
        for line in out["lines"]:
            line["direction"] = str(line["direction"])
            line["status"] = str(line["status"])
        return out


def achievement(
    target: float, actual: float, direction: Direction = Direction.HIGHER, policy: ScoringPolicy | None = None
) -> Achievement:
    """Achievement rate of one KPI (1.0 = target met), direction-aware, clipped to the policy's floor/cap."""
    policy = policy or ScoringPolicy()
    policy.validate()
    raw = achievement_ratio(actual=actual, target=target, direction=direction)
    formula = "actual / target" if direction is Direction.HIGHER else "target / actual (lower is better)"
    if ratio_terms(actual=actual, target=target, direction=direction)[1] == 0:
        formula += " with zero denominator: " + ("met exactly" if raw == 1.0 else "unbounded, capped")
    value = min(max(raw, policy.floor), policy.cap)
    # A tolerance keeps 0.06 / 0.05 = 1.2000000000000002 from reading as "capped".
    capped, floored = raw > policy.cap + 1e-12, raw < policy.floor - 1e-12
    return Achievement(raw=raw, value=value, capped=capped, floored=floored, formula=formula)


def prorate_target(target: float, active_days: int, period_days: int) -> float:
    """Cumulative target (e.g. sales) for a KPI active only `active_days` of a `period_days` period."""
    if period_days <= 0 or not 0 <= active_days <= period_days:
        raise InvalidKpiValueError(f"need 0 <= active_days <= period_days > 0, got {active_days}/{period_days}")
    return target * active_days / period_days


def _effective_weights(kpis: list[KpiInput], scored: list[bool]) -> tuple[list[float], list[str]]:
    """Prorate mid-period KPIs, then spread freed and excluded weight over the full-period scored KPIs."""
    notes: list[str] = []
    total = sum(k.weight for k in kpis)
    base = [k.weight * k.active_fraction if s else 0.0 for k, s in zip(kpis, scored, strict=True)]
    receivers = [i for i, k in enumerate(kpis) if scored[i] and k.active_fraction >= 1.0]
    if not receivers:  # every scored KPI is partial: spread over all scored ones instead
        receivers = [i for i in range(len(kpis)) if scored[i]]
    free = total - sum(base)
    recv_weight = sum(kpis[i].weight for i in receivers)
    if free > 1e-12 and recv_weight > 0:
        for i in receivers:
            base[i] += free * kpis[i].weight / recv_weight
        notes.append(f"{free:.2f} weight points from excluded or mid-period KPIs spread over the others")
    return base, notes


def score_person(kpis: list[KpiInput], policy: ScoringPolicy | None = None, *, person_id: str = "") -> ScoreBreakdown:
    """Score one person: points = effective weight x achievement per KPI, with a line-by-line breakdown."""
    policy = policy or ScoringPolicy()
    policy.validate()
    for k in kpis:
        check_value(f"weight of {k.code}", k.weight)
        if not 0.0 < k.active_fraction <= 1.0:
            raise InvalidKpiValueError(f"active_fraction of {k.code} must be in (0, 1], got {k.active_fraction}")
    statuses = [_status(k, policy) for k in kpis]
    weights, notes = _effective_weights(kpis, [s is LineStatus.SCORED for s in statuses])
    lines = [_line(k, s, w, policy) for k, s, w in zip(kpis, statuses, weights, strict=True)]
    total = sum(line.points for line in lines)
    total_weight = sum(k.weight for k in kpis)
    return ScoreBreakdown(
        total=total,
        total_weight=total_weight,
        max_points=total_weight * policy.cap,
        policy=policy,
        lines=lines,
        notes=notes,
        person_id=person_id,
    )


def _missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _status(k: KpiInput, policy: ScoringPolicy) -> LineStatus:
    if _missing(k.target):
        return LineStatus.MISSING_TARGET
    if _missing(k.actual) and policy.missing_actual is MissingPolicy.EXCLUDE:
        return LineStatus.MISSING_ACTUAL
    return LineStatus.SCORED


def _line(k: KpiInput, status: LineStatus, eff_weight: float, policy: ScoringPolicy) -> KpiLine:
    base = KpiLine(
        code=k.code,
        name=k.name,
        direction=k.direction,
        weight=k.weight,
        effective_weight=0.0,
        target=k.target,
        actual=k.actual,
        status=status,
        achievement_raw=None,
        achievement=None,
        capped=False,
        floored=False,
        points=0.0,
        formula="excluded",
        notes=[],
    )
    if status is not LineStatus.SCORED:
        why = "no target set" if status is LineStatus.MISSING_TARGET else "no actual reported"
        return replace(base, notes=[f"{why}: weight moved to the other KPIs"])
    assert k.target is not None
    notes = [] if k.active_fraction >= 1.0 else [f"added mid-period: active {k.active_fraction:.0%} of the period"]
    if k.actual is None or math.isnan(k.actual):  # MissingPolicy.ZERO
        return replace(
            base,
            effective_weight=eff_weight,
            achievement=0.0,
            formula="no actual reported: scored 0",
            notes=notes,
        )
    ach = achievement(k.target, k.actual, k.direction, policy)
    points = eff_weight * ach.value
    if ach.capped:
        notes.append(f"achievement {ach.raw:.1%} capped at {policy.cap:.0%}")
    if ach.floored:
        notes.append(f"achievement {ach.raw:.1%} raised to the floor {policy.floor:.0%}")
    formula = f"{eff_weight:g} x min(max({ach.formula}, {policy.floor:g}), {policy.cap:g}) = {points:.2f}"
    # An unbounded ratio (x / 0) is reported as None: JSON has no infinity.
    raw = ach.raw if math.isfinite(ach.raw) else None
    return replace(
        base,
        effective_weight=eff_weight,
        achievement_raw=raw,
        achievement=ach.value,
        capped=ach.capped,
        floored=ach.floored,
        points=points,
        formula=formula,
        notes=notes,
    )
