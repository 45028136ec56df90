"""The collaboration KPI from cross-department ratings, computed with the period's results, never written over
an actual: once a period's rating window has closed, a collaboration line without an actual of its own reads
the mean cross rating x 20 (%), and only when at least MIN_RATERS people rated (fewer would reveal a rater)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Protocol

from sqlalchemy import func, select, tuple_
from sqlalchemy.orm import Session

from core.clock import clock_of
from core.tables import Period, Rating

MIN_RATERS = 3  # below this many raters a mean is never shown nor scored
RATING_WINDOW_DAYS = 20  # ratings of a period are taken from its first day until this many days after its end
COLLABORATION_CODES = ("cross_dept_rating", "cross_dept_satisfaction")


class _Line(Protocol):
    employee_id: int
    period_id: int
    code: str
    values: list[tuple[date, float]]


def window_closes(period: Period) -> date:
    """The last day a rating of `period` is accepted."""
    return period.end_date + timedelta(days=RATING_WINDOW_DAYS)


def fill(session: Session, lines: Iterable[_Line]) -> None:
    """Give each collaboration line without an actual its rating-derived value, when the period's window closed
    and enough people rated; other lines are left as they are."""
    todo = [ln for ln in lines if ln.code in COLLABORATION_CODES and not ln.values]
    if not todo:
        return
    today = clock_of(session).today()
    periods = {
        p.id: p for p in session.execute(select(Period).where(Period.id.in_({ln.period_id for ln in todo}))).scalars()
    }
    closed = [ln for ln in todo if ln.period_id in periods and window_closes(periods[ln.period_id]) < today]
    if not closed:
        return
    pairs = {(ln.employee_id, ln.period_id) for ln in closed}
    stmt = (
        select(Rating.ratee_id, Rating.period_id, func.count(), func.avg(Rating.score))
        .where(Rating.kind == "cross", tuple_(Rating.ratee_id, Rating.period_id).in_(pairs))
        .group_by(Rating.ratee_id, Rating.period_id)
    )
    means = {(e, p): float(m) for e, p, n, m in session.execute(stmt).all() if int(n) >= MIN_RATERS}
    for ln in closed:
        mean = means.get((ln.employee_id, ln.period_id))
        if mean is not None:
            ln.values.append((periods[ln.period_id].end_date, round(mean * 20, 2)))
