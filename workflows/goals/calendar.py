"""The calendar keeps itself ahead of the people who use it.

Flow of `keep_calendar` (run by the API at start-up and then every few minutes, and by `kpilot housekeeping`;
both then deliver reminders, alerts and approvals through workflows.process.notify, a step of its own):
0. the KPI catalogue table holds every shipped indicator (HR's own and edited ones are left as they are);
1. periods exist before they start: every month, quarter and year through the end of next quarter, so a
   manager can draft next quarter's goals in the last weeks of this one;
2. on the first day of a period people already have its KPIs: whoever has no assignment in a period that
   has started gets last period's scorecard rolled over (a published draft for the period, which creates its
   own assignments, takes precedence because the roll-over only fills gaps), weighted by the department's
   weight set in force when HR approved a newer one;
3. closed months get their business outcome from the stored sales, ready for the next weight proposal.
Every row made here is audited with the system as the actor. The caller commits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.clock import Clock, clock_of
from core.db import session_scope
from core.tables import Employee, Indicator, KeyResult, KpiAssignment, Objective, Period
from kpi import periods as calendar
from workflows.cycles.stages import advance as advance_cycles
from workflows.goals.catalogue import ensure_catalogue
from workflows.results.store import record_ended
from workflows.shared import audit, common
from workflows.weights.data import reweighted, weight_set_in_force
from workflows.weights.outcomes import derive_outcomes

ROLLED_KINDS = ("month", "quarter", "year")


@dataclass(frozen=True)
class CalendarRun:
    """What one run of the housekeeping made."""

    today: date
    periods_created: list[str]
    assignments_rolled: int
    indicators_seeded: list[str] = field(default_factory=list)
    outcomes_derived: int = 0
    results_recorded: int = 0


def ensure_periods(session: Session, today: date) -> list[str]:
    """Create the months, quarters and years from this quarter through the next one that do not exist yet."""
    wanted = calendar.calendar_periods(calendar.quarter_start(today), calendar.next_quarter_end(today))
    have = set(session.execute(select(Period.code).where(Period.code.in_([p.code for p in wanted]))).scalars())
    made = []
    for spec in wanted:
        if spec.code in have:
            continue
        common.create(session, Period(**spec.row()), caller=None, entity="period")
        made.append(spec.code)
    return made


def _covering_krs(session: Session, period: Period) -> dict[tuple[int | None, str], int]:
    """KR ids of objectives whose period covers `period`, by (department or None for company, indicator)."""
    rows = session.execute(
        select(Objective.department_id, Objective.level, KeyResult.indicator_code, KeyResult.id)
        .join(KeyResult, KeyResult.objective_id == Objective.id)
        .join(Period, Objective.period_id == Period.id)
        .where(
            Period.start_date <= period.start_date,
            Period.end_date >= period.end_date,
            Objective.level.in_(("company", "department")),
            KeyResult.indicator_code.is_not(None),
        )
        .order_by(KeyResult.id)
    ).all()
    out: dict[tuple[int | None, str], int] = {}
    for dept, level, code, kr_id in rows:
        if code is not None:  # the query only returns KRs that measure an indicator
            out.setdefault((dept if level == "department" else None, code), kr_id)
    return out


def _parent(
    old: KpiAssignment,
    krs: dict[tuple[int | None, str], int],
    kr_covers: set[int],
    dept_of: dict[int, int],
    code_of: dict[int, str],
) -> int | None:
    """The KR a rolled assignment serves: the old one if it still covers the period, else one measuring the
    same indicator (the owner's department first, then the company), else none."""
    if old.parent_kr_id in kr_covers:
        return old.parent_kr_id
    dept = old.department_id or dept_of.get(old.employee_id or 0)
    code = code_of[old.indicator_id]
    return krs.get((dept, code)) or krs.get((None, code))


def roll_over(session: Session, period: Period) -> int:
    """Copy the previous period's active scorecards into `period` for every owner who has none there yet."""
    prev_code = calendar.previous(period.start_date, period.kind).code
    prev = session.execute(select(Period).where(Period.code == prev_code)).scalar_one_or_none()
    if prev is None:
        return 0
    old_rows = list(
        session.execute(
            select(KpiAssignment).where(
                KpiAssignment.period_id == prev.id, KpiAssignment.status.in_(("active", "closed"))
            )
        ).scalars()
    )
    if not old_rows:
        return 0
    present = set(
        session.execute(
            select(KpiAssignment.employee_id, KpiAssignment.department_id).where(KpiAssignment.period_id == period.id)
        ).all()
    )
    active = dict(session.execute(select(Employee.id, Employee.department_id).where(Employee.active.is_(True))).all())
    krs = _covering_krs(session, period)
    code_of = dict(session.execute(select(Indicator.id, Indicator.code)).all())
    cards: dict[tuple[int | None, int | None], list[KpiAssignment]] = {}
    for old in old_rows:
        owner = (old.employee_id, old.department_id)
        if owner in present or (old.employee_id is not None and old.employee_id not in active):
            continue
        cards.setdefault(owner, []).append(old)
    made = 0
    for (emp, dept), lines in cards.items():
        weights, version = _weights_in_force(session, lines, dept or active.get(emp or 0), period, code_of)
        for old in lines:
            made += _roll_line(
                session,
                old,
                period,
                prev,
                weights[old.id],
                version,
                _parent(old, krs, set(krs.values()), active, code_of),
            )
    return made


def _weights_in_force(
    session: Session, lines: list[KpiAssignment], department_id: int | None, period: Period, code_of: dict[int, str]
) -> tuple[dict[int, float], int | None]:
    """A rolled scorecard's weights by assignment id: re-weighted by the department's weight set in force at the
    period's start when that set is newer than the one the old lines were made with, else unchanged."""
    ws = weight_set_in_force(session, department_id, period.start_date) if department_id else None
    made_with = {line.weight_set_version for line in lines}
    if ws is None or made_with == {ws.version}:
        return {line.id: line.weight for line in lines}, lines[0].weight_set_version
    new = reweighted({code_of[line.indicator_id]: line.weight for line in lines}, ws.weights)
    return {line.id: new[code_of[line.indicator_id]] for line in lines}, ws.version


def _roll_line(
    session: Session,
    old: KpiAssignment,
    period: Period,
    prev: Period,
    weight: float,
    version: int | None,
    parent_kr_id: int | None,
) -> int:
    """One assignment copied into `period` with its new weight, audited; returns 1."""
    new = KpiAssignment(
        period_id=period.id,
        indicator_id=old.indicator_id,
        employee_id=old.employee_id,
        department_id=old.department_id,
        parent_kr_id=parent_kr_id,
        block=old.block,
        weight=weight,
        weight_set_version=version,
        target=old.target,
        target_low=old.target_low,
        target_high=old.target_high,
        status="active",
    )
    session.add(new)
    session.flush()
    audit.record(
        session,
        actor=None,
        action="rollover",
        entity="kpi_assignment",
        entity_id=new.id,
        after={**common.snapshot(new), "from_assignment_id": old.id, "from_period": prev.code},
    )
    return 1


def started_periods(session: Session, today: date) -> list[Period]:
    """Periods of the rolled kinds running on `today`."""
    return list(
        session.execute(
            select(Period)
            .where(Period.kind.in_(ROLLED_KINDS), Period.start_date <= today, Period.end_date >= today)
            .order_by(Period.start_date)
        ).scalars()
    )


def keep_calendar(session: Session, today: date | None = None) -> CalendarRun:
    """Periods ahead, KPIs rolled into started periods and the results of recently ended months stored, on the
    session clock's today; caller commits."""
    today = today or clock_of(session).today()
    seeded = ensure_catalogue(session)
    created = ensure_periods(session, today)
    rolled = sum(roll_over(session, p) for p in started_periods(session, today))
    outcomes = derive_outcomes(session, today)
    results = record_ended(session, today)
    cycles_moved = advance_cycles(session, today)
    if created or rolled or seeded or outcomes or cycles_moved:
        audit.record(
            session,
            actor=None,
            action="housekeeping",
            entity="calendar",
            entity_id=today.isoformat(),
            after={
                "periods_created": created,
                "assignments_rolled": rolled,
                "indicators_seeded": seeded,
                "outcomes_derived": outcomes,
                "review_cycle_stages": cycles_moved,
            },
        )
    return CalendarRun(
        today=today,
        periods_created=created,
        assignments_rolled=rolled,
        indicators_seeded=seeded,
        outcomes_derived=outcomes,
        results_recorded=results,
    )


def run_calendar(url: str, clock: Clock | None = None) -> CalendarRun:
    """`keep_calendar` in its own transaction (the unit of work of the housekeeping job)."""
    with session_scope(url, clock=clock) as session:
        return keep_calendar(session)
