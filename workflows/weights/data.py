"""Data functions of the weights feature: the per-month history a proposal is fitted on, current weights.

One row per completed month of the department: `outcome` is the stored department outcome
(`department_outcome`), and each indicator column is the mean achievement of that indicator over the
department's KPI assignments of the month (latest actual in the month / target for higher-is-better,
target / actual for lower-is-better, uncapped), so every column already means "higher is better".
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from core.tables import DepartmentOutcome, Employee, Indicator, KpiActual, KpiAssignment, Period, WeightSet
from kpi.errors import InvalidKpiValueError
from kpi.rules import achievement_ratio, apportion, round_to_100

if TYPE_CHECKING:
    import pandas as pd

OUTCOME = "outcome"


@dataclass(frozen=True)
class CurrentWeights:
    """The weights a department uses today and where they come from."""

    weights: dict[str, float]
    source: str  # "weight_set v<N>" or "assignments <period code>"
    version: int | None


def latest_weight_set(session: Session, department_id: int) -> WeightSet | None:
    """The newest weight-set version of a department, or None."""
    stmt = select(WeightSet).where(WeightSet.department_id == department_id).order_by(WeightSet.version.desc())
    return session.execute(stmt.limit(1)).scalar_one_or_none()


def weight_set_in_force(session: Session, department_id: int, on: date) -> WeightSet | None:
    """The department's weight set that applies on `on`: the newest version effective by then, or None.

    An approval takes effect from the next month, so a period that started earlier keeps the older set."""
    stmt = (
        select(WeightSet)
        .where(WeightSet.department_id == department_id, WeightSet.effective_from <= on)
        .order_by(WeightSet.version.desc())
    )
    return session.execute(stmt.limit(1)).scalar_one_or_none()


def reweighted(lines: dict[str, float], weight_set: dict[str, float]) -> dict[str, float]:
    """A scorecard's weights under a department weight set: indicators in the set take its weight, the others
    keep theirs, and the whole is scaled back to 100 in whole points (largest remainder, none dropped to 0)."""
    raw = [float(weight_set.get(code, w)) for code, w in lines.items()]
    if sum(raw) <= 0:
        return dict(lines)
    return {code: float(w) for code, w in zip(lines, apportion(raw, at_least_one=True), strict=True)}


def next_weight_set_version(session: Session, department_id: int) -> int:
    """The version number the department's next weight set gets."""
    top = session.execute(select(func.max(WeightSet.version)).where(WeightSet.department_id == department_id))
    return int(top.scalar() or 0) + 1


def _owned(department_id: int) -> Any:
    """Assignments of the department itself or of anyone currently in it."""
    staff = select(Employee.id).where(Employee.department_id == department_id)
    return or_(KpiAssignment.department_id == department_id, KpiAssignment.employee_id.in_(staff))


def current_weights(session: Session, department_id: int) -> CurrentWeights | None:
    """The latest weight set; without one, each indicator's share of the weight in the newest assigned month."""
    ws = latest_weight_set(session, department_id)
    if ws is not None:
        return CurrentWeights({k: float(v) for k, v in ws.weights.items()}, f"weight_set v{ws.version}", ws.version)
    newest = session.execute(
        select(Period.id, Period.code)
        .join(KpiAssignment, KpiAssignment.period_id == Period.id)
        .where(_owned(department_id), Period.kind == "month")
        .order_by(Period.start_date.desc())
        .limit(1)
    ).first()
    if newest is None:
        return None
    rows = session.execute(
        select(Indicator.code, func.sum(KpiAssignment.weight))
        .join(Indicator, Indicator.id == KpiAssignment.indicator_id)
        .where(_owned(department_id), KpiAssignment.period_id == newest.id)
        .group_by(Indicator.code)
    ).all()
    total = sum(float(w) for _, w in rows)
    if total <= 0:
        return None
    shares = round_to_100({code: float(w) * 100.0 / total for code, w in rows})
    return CurrentWeights(shares, f"assignments {newest.code}", None)


def _achievement(value: float, target: float | None, direction: str) -> float | None:
    """Uncapped achievement of one line for the history, None where it tells the regression nothing."""
    if target is None:
        return None
    try:
        ach = achievement_ratio(actual=value, target=target, direction=direction)
    except InvalidKpiValueError:
        return None  # a negative stored value has no achievement; the line is left out of the mean
    # An unbounded ratio (x / 0) would swamp the monthly mean, so the line is left out instead.
    return ach if math.isfinite(ach) else None


def history_frame(session: Session, department_id: int, indicators: list[str]) -> pd.DataFrame:
    """Completed months with a stored outcome: `period_code`, `outcome` and one mean-achievement column each."""
    import pandas as pd

    months = session.execute(
        select(Period.id, Period.code, Period.start_date, Period.end_date, DepartmentOutcome.value)
        .join(DepartmentOutcome, DepartmentOutcome.period_id == Period.id)
        .where(DepartmentOutcome.department_id == department_id, Period.kind == "month")
        .order_by(Period.start_date)
    ).all()
    frame = pd.DataFrame({"period_code": [m.code for m in months], OUTCOME: [float(m.value) for m in months]})
    for code in indicators:
        frame[code] = float("nan")
    if not months:
        return frame
    ends: dict[int, date] = {m.id: m.end_date for m in months}
    row_of = {m.id: i for i, m in enumerate(months)}
    lines = session.execute(
        select(KpiAssignment.id, KpiAssignment.period_id, KpiAssignment.target, Indicator.code, Indicator.direction)
        .join(Indicator, Indicator.id == KpiAssignment.indicator_id)
        .where(_owned(department_id), KpiAssignment.period_id.in_(list(ends)), Indicator.code.in_(indicators))
    ).all()
    latest = _latest_actuals(session, [ln.id for ln in lines], ends, {ln.id: ln.period_id for ln in lines})
    sums: dict[tuple[int, str], list[float]] = {}
    for ln in lines:
        ach = _achievement(latest[ln.id], ln.target, ln.direction) if ln.id in latest else None
        if ach is not None:
            sums.setdefault((row_of[ln.period_id], ln.code), []).append(ach)
    for (row, code), values in sums.items():
        frame.loc[row, code] = sum(values) / len(values)
    return frame


def _latest_actuals(
    session: Session,
    assignment_ids: list[int],
    ends: dict[int, date],
    period_of: dict[int, int],
) -> dict[int, float]:
    """The last value recorded on or before the period end, per assignment."""
    out: dict[int, tuple[date, float]] = {}
    chunk = 5000  # keeps the IN list well under every driver's parameter limit
    for start in range(0, len(assignment_ids), chunk):
        ids = assignment_ids[start : start + chunk]
        for aid, as_of, value in session.execute(
            select(KpiActual.assignment_id, KpiActual.as_of, KpiActual.value).where(KpiActual.assignment_id.in_(ids))
        ):
            if as_of <= ends[period_of[aid]] and (aid not in out or as_of > out[aid][0]):
                out[aid] = (as_of, float(value))
    return {aid: v for aid, (_, v) in out.items()}
