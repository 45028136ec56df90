"""The stored copy of a period's results: written when a period has ended and rewritten, with the change
audited, whenever a review decision, a calibration change or a late actual moves a score or a grade."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.security import Caller
from core.tables import Period, PeriodResult
from workflows.results.grades import Result, period_results
from workflows.shared import audit

KEPT = ("score", "grade", "rank", "team_size", "team_mean")
# Ended months re-checked by housekeeping: late actuals arrive within weeks, not years.
RECHECK_MONTHS = 3


def _brief(row: PeriodResult | Result) -> dict[str, Any]:
    return {k: getattr(row, k) for k in KEPT}


def record_results(session: Session, period: Period, *, caller: Caller | None, cause: str) -> int:
    """Store the period's results in the open transaction; one audit event lists every person whose score or
    grade moved (before and after). Returns the number of people changed."""
    fresh = period_results(session, period)
    stored = {
        r.employee_id: r
        for r in session.execute(select(PeriodResult).where(PeriodResult.period_id == period.id)).scalars()
    }
    changes: list[dict[str, Any]] = []
    for emp, res in sorted(fresh.items()):
        row = stored.pop(emp, None)
        values = asdict(res)
        if row is None:
            session.add(PeriodResult(period_id=period.id, **values))
            changes.append({"employee_id": emp, "before": None, "after": _brief(res)})
        elif any(getattr(row, k) != v for k, v in values.items()):
            before = _brief(row)
            for k, v in values.items():
                setattr(row, k, v)
            row.version += 1
            changes.append({"employee_id": emp, "before": before, "after": _brief(res)})
    for emp, row in sorted(stored.items()):
        changes.append({"employee_id": emp, "before": _brief(row), "after": None})
        session.delete(row)
    if changes:
        session.flush()
        audit.record(
            session,
            actor=caller,
            action="record",
            entity="period_result",
            entity_id=period.id,
            after={"period": period.code, "cause": cause, "changes": changes},
        )
    return len(changes)


def ended_periods(session: Session, today: date) -> list[Period]:
    """The month periods ended within the last RECHECK_MONTHS months, oldest first."""
    rows = session.execute(
        select(Period).where(Period.kind == "month", Period.end_date < today).order_by(Period.start_date.desc())
    ).scalars()
    return sorted(list(rows)[:RECHECK_MONTHS], key=lambda p: p.start_date)


def record_ended(session: Session, today: date) -> int:
    """Housekeeping: store (or refresh) the results of recently ended months; people changed in total."""
    return sum(record_results(session, p, caller=None, cause="period ended") for p in ended_periods(session, today))
