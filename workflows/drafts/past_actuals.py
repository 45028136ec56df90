"""Last period's actuals, as a goal draft starts from them: the team's mean level per indicator and each person's
own latest value (level units only; the sales drivers come from daily sales, `sales_facts`)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import case, select
from sqlalchemy.orm import Session

from assistant.catalogue import indicator_map
from core.tables import Indicator, KpiActual, KpiAssignment, Period

# Units whose level does not depend on the period's length: a month's value is a fair baseline for a quarter.
LEVEL_UNITS = frozenset({"%", "ratio", "score", "s", "min", "h"})
# The sales drivers come from daily sales (same dates a year earlier), never from per-person KPI actuals.
SALES_DRIVER_CODES = frozenset({"gmv", "visitors", "conversion_rate", "aov"})


def previous_latest(session: Session, period: Period) -> list[tuple[int | None, str, float]]:
    """(employee id, indicator code, latest value) of every assignment of the last period with actuals before
    `period` (a period of the same kind preferred)."""
    has_actuals = (
        select(KpiActual.id)
        .join(KpiAssignment, KpiAssignment.id == KpiActual.assignment_id)
        .where(KpiAssignment.period_id == Period.id)
        .exists()
    )
    prev = session.execute(  # periods newest first, each checked for actuals until one has them
        select(Period)
        .where(Period.end_date < period.start_date, has_actuals)
        .order_by(Period.end_date.desc(), case((Period.kind == period.kind, 0), else_=1), Period.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    if prev is None:
        return []
    rows = session.execute(
        select(KpiActual.assignment_id, KpiAssignment.employee_id, Indicator.code, KpiActual.as_of, KpiActual.value)
        .join(KpiAssignment, KpiAssignment.id == KpiActual.assignment_id)
        .join(Indicator, Indicator.id == KpiAssignment.indicator_id)
        .where(KpiAssignment.period_id == prev.id)
    ).all()
    latest: dict[int, tuple[int | None, str, date, float]] = {}
    for aid, emp, code, as_of, value in rows:
        if aid not in latest or as_of > latest[aid][2]:
            latest[aid] = (emp, code, as_of, float(value))
    cat = indicator_map()
    return [
        (emp, code, value)
        for emp, code, _, value in latest.values()
        if (ind := cat.get(code)) is not None and ind.unit in LEVEL_UNITS and code not in SALES_DRIVER_CODES
    ]


Latest = list[tuple[int | None, str, float]]


def kpi_actuals(session: Session, period: Period, latest: Latest | None = None) -> dict[str, float]:
    """Mean latest actual per indicator in the last period with actuals before `period` (level units only);
    `latest`: `previous_latest` already read."""
    values: dict[str, list[float]] = {}
    for _, code, value in previous_latest(session, period) if latest is None else latest:
        values.setdefault(code, []).append(value)
    return {code: round(sum(v) / len(v), 2) for code, v in sorted(values.items())}


def person_histories(session: Session, period: Period, latest: Latest | None = None) -> dict[str, dict[str, float]]:
    """Each person's own latest actual per indicator last period: their individual targets start from it."""
    out: dict[str, dict[str, float]] = {}
    for emp, code, value in previous_latest(session, period) if latest is None else latest:
        if emp is not None:
            out.setdefault(str(emp), {})[code] = round(value, 4)
    return out
