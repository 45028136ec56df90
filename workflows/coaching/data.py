"""Read side of coaching: KPI lines with their latest actuals, scores per person and period, period choice.

Everything is loaded in a few set-based queries (not one per person), so scoring a 150-person company
over several periods stays well under a second.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.report_facts import IndicatorInfo
from core.tables import Department, Indicator, KpiActual, KpiAssignment, Period
from core.vocab import Direction
from kpi.scoring import KpiInput, ScoreBreakdown, score_person
from workflows.coaching import collab


@dataclass
class Line:
    """One person-level KPI assignment with its actual values (as_of ascending)."""

    assignment_id: int
    employee_id: int
    period_id: int
    code: str
    block: str
    weight: float
    target: float | None
    target_low: float | None
    target_high: float | None
    values: list[tuple[date, float]] = field(default_factory=list)

    @property
    def latest(self) -> tuple[date, float] | None:
        """The newest (as_of, value), or None when nothing was reported."""
        return self.values[-1] if self.values else None


def indicator_info(session: Session) -> dict[str, IndicatorInfo]:
    """Names, unit and direction of every catalogue indicator, by code."""
    rows = session.execute(
        select(Indicator.code, Indicator.name_zh, Indicator.name_en, Indicator.unit, Indicator.direction)
    )
    return {c: IndicatorInfo(zh, en, unit, d) for c, zh, en, unit, d in rows}  # type: ignore[arg-type]


def load_lines(
    session: Session,
    period_ids: Iterable[int],
    employee_ids: Iterable[int] | None = None,
    *,
    with_values: bool = True,
) -> dict[tuple[int, int], list[Line]]:
    """Person KPI lines per (employee_id, period_id), in assignment order, with their actuals."""
    pids = sorted(set(period_ids))
    if not pids:
        return {}
    stmt = (
        select(KpiAssignment, Indicator.code)
        .join(Indicator, KpiAssignment.indicator_id == Indicator.id)
        .where(KpiAssignment.period_id.in_(pids), KpiAssignment.employee_id.is_not(None))
        .order_by(KpiAssignment.id)
    )
    people = sorted(set(employee_ids)) if employee_ids is not None else None
    if people is not None:
        stmt = stmt.where(KpiAssignment.employee_id.in_(people))
    by_id: dict[int, Line] = {}
    out: dict[tuple[int, int], list[Line]] = defaultdict(list)
    for a, code in session.execute(stmt):
        assert a.employee_id is not None  # the query keeps person lines only
        line = Line(a.id, a.employee_id, a.period_id, code, a.block, a.weight, a.target, a.target_low, a.target_high)
        by_id[a.id] = line
        out[(a.employee_id, a.period_id)].append(line)
    if with_values and by_id:
        acts = (
            select(KpiActual.assignment_id, KpiActual.as_of, KpiActual.value)
            .join(KpiAssignment, KpiActual.assignment_id == KpiAssignment.id)
            .where(KpiAssignment.period_id.in_(pids), KpiAssignment.employee_id.is_not(None))
            # Values an earlier version wrote from single ratings are not actuals (they revealed raters).
            .where(KpiActual.source != "ratings")
            .order_by(KpiActual.assignment_id, KpiActual.as_of)
        )
        if people is not None:  # only these people's actuals, not everyone's in the periods
            acts = acts.where(KpiAssignment.employee_id.in_(people))
        for aid, as_of, value in session.execute(acts):
            if aid in by_id:
                by_id[aid].values.append((as_of, value))
        collab.fill(session, by_id.values())  # the collaboration KPI from ratings, with the period's results
    return dict(out)


def score_lines(lines: list[Line], info: dict[str, IndicatorInfo], *, person_id: str = "") -> ScoreBreakdown:
    """Score a person's lines on their latest actuals (kpi.scoring rules)."""
    kpis = [
        KpiInput(
            code=ln.code,
            weight=ln.weight,
            target=ln.target,
            actual=ln.latest[1] if ln.latest else None,
            direction=Direction(info[ln.code].direction) if ln.code in info else Direction.HIGHER,
        )
        for ln in lines
    ]
    return score_person(kpis, person_id=person_id)


def scores(lines: dict[tuple[int, int], list[Line]], info: dict[str, IndicatorInfo]) -> dict[tuple[int, int], float]:
    """Total score per (employee_id, period_id) for every person with at least one line."""
    return {key: score_lines(ls, info).total for key, ls in lines.items() if ls}


def person_period_ids(session: Session, employee_id: int) -> list[Period]:
    """Periods in which the person holds KPIs, oldest first."""
    stmt = (
        select(Period)
        .where(Period.id.in_(select(KpiAssignment.period_id).where(KpiAssignment.employee_id == employee_id)))
        .order_by(Period.start_date, Period.id)
    )
    return list(session.execute(stmt).scalars())


@dataclass(frozen=True)
class PeriodChoice:
    """The period under review, the earlier ones for the trend, and the running one (if any)."""

    review: Period | None
    previous: list[Period]
    current: Period | None


def choose_periods(periods: list[Period], today: date, review_id: int | None = None, n_trend: int = 3) -> PeriodChoice:
    """Review = the requested period, else the latest one that has ended; current = the one running today."""
    current = next((p for p in reversed(periods) if p.start_date <= today <= p.end_date), None)
    if review_id is not None:
        review = next((p for p in periods if p.id == review_id), None)
    else:
        review = next((p for p in reversed(periods) if p.end_date < today), None)
    previous: list[Period] = []
    if review is not None:
        same_kind = [p for p in periods if p.kind == review.kind and p.end_date < review.start_date]
        previous = same_kind[-n_trend:]
    return PeriodChoice(review=review, previous=previous, current=current)


def department_code(session: Session, department_id: int) -> str:
    """A department's code."""
    return str(session.execute(select(Department.code).where(Department.id == department_id)).scalar_one())


def next_period_targets(session: Session, employee_ids: Iterable[int], review: Period) -> dict[int, dict[str, float]]:
    """Targets assigned in the period after `review` (same kind, starting the day after it ends), by person
    and indicator code: what "next period's target" means in a report."""
    nxt = session.execute(
        select(Period.id).where(Period.kind == review.kind, Period.start_date == review.end_date + timedelta(days=1))
    ).scalar()
    if nxt is None:
        return {}
    out: dict[int, dict[str, float]] = defaultdict(dict)
    for (emp, _), lines in load_lines(session, [nxt], employee_ids, with_values=False).items():
        for ln in lines:
            if ln.target is not None:
                out[emp][ln.code] = ln.target
    return out
