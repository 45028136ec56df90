"""Weekly check-ins (过程跟踪): an employee posts, per KPI and week, a progress note, a confidence of 1-5 and a blocker;
their manager chain (or HR) comments. The last check-ins sit beside the self-assessment and the review; a missing
check-in is a reminder (one per person and week), never a penalty."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.clock import clock_of
from core.errors import InvalidInput, NotFound, coded
from core.security import Caller
from core.tables import CheckIn, Employee, KpiAssignment, Period
from workflows.cycles.schemas import CheckInComment, CheckInCreate, CheckInPublic
from workflows.shared import common, decisions
from workflows.shared.access import can_see_employee, visible_employee_ids
from workflows.shared.period_lock import ensure_open


def week_start(day: date) -> date:
    """The Monday of the week of `day`."""
    return day - timedelta(days=day.weekday())


def post(session: Session, caller: Caller, body: CheckInCreate) -> CheckIn:
    """The KPI's owner posts this week's check-in (one per KPI and week; the caller commits)."""
    a = session.get(KpiAssignment, body.assignment_id)
    if a is None or a.employee_id is None or a.employee_id != caller.employee_id:
        raise coded(NotFound(f"KPI assignment {body.assignment_id} not found."), "not_found", thing="kpi_assignment")
    ensure_open(session, a.period_id, a.employee_id)
    today = clock_of(session).today()
    period = session.get(Period, a.period_id)
    if period is None or not period.start_date <= today <= period.end_date + timedelta(days=7):
        raise coded(
            InvalidInput("Check-ins are posted while the KPI's period runs (and the week after it)."),
            "checkin.outside_period",
        )
    row = CheckIn(
        assignment_id=a.id,
        employee_id=a.employee_id,
        week_start=week_start(today),
        note=body.note,
        confidence=body.confidence,
        blocker=body.blocker,
        manager_comment="",
    )
    twin = "This KPI already has a check-in this week; comment on it or post next week."
    return common.create(session, row, caller=caller, entity="check_in", duplicate=twin)


def listing(
    session: Session, caller: Caller, *, employee_id: int | None, period_id: int | None, limit: int, offset: int
) -> tuple[list[dict[str, Any]], int]:
    """Check-ins the caller may read (own; a manager's reporting line; HR all), newest week first."""
    stmt = select(CheckIn).order_by(CheckIn.week_start.desc(), CheckIn.id.desc())
    if employee_id is not None:
        stmt = stmt.where(CheckIn.employee_id == employee_id)
    if period_id is not None:
        stmt = stmt.where(
            CheckIn.assignment_id.in_(select(KpiAssignment.id).where(KpiAssignment.period_id == period_id))
        )
    visible = visible_employee_ids(session, caller)
    if visible is not None:
        stmt = stmt.where(CheckIn.employee_id.in_(visible))
    rows, count = common.paginate(session, stmt, limit=limit, offset=offset)
    return public(session, rows), count


def public(session: Session, rows: list[CheckIn]) -> list[dict[str, Any]]:
    """Check-ins as the API shows them, each with its KPI's indicator and period (what a page names it by)."""
    ids = {r.assignment_id for r in rows}
    kpis = {
        a.id: (a.indicator_id, a.period_id)
        for a in session.execute(select(KpiAssignment).where(KpiAssignment.id.in_(ids))).scalars()
    }
    out = []
    for r in rows:
        indicator_id, period_id = kpis.get(r.assignment_id, (None, None))
        row = CheckInPublic.model_validate(r).model_dump(mode="json")
        out.append({**row, "indicator_id": indicator_id, "period_id": period_id})
    return out


def comment(session: Session, caller: Caller, check_in_id: int, body: CheckInComment, if_match: str | None) -> CheckIn:
    """The owner's manager chain or HR comments (If-Match, audited); the owner reads it."""
    row = session.get(CheckIn, check_in_id)
    if row is None or not can_see_employee(session, caller, row.employee_id) or caller.employee_id == row.employee_id:
        raise coded(NotFound(f"Check-in {check_in_id} not found."), "not_found", thing="check_in")
    expected = decisions.gate(row, if_match, entity="check-in")
    changes = {
        "manager_comment": body.comment,
        "commented_by_name": caller.username,
        "commented_at": clock_of(session).now(),
    }
    return decisions.write(session, row, expected, changes, caller=caller, action="comment", entity="check_in")


def missing_messages(session: Session, today: date) -> list[tuple[str, str, str]]:
    """Reminders for people with KPIs in a running month and no check-in this week (one per person and week)."""
    monday = week_start(today)
    if today.weekday() < 3:  # a reminder from Thursday on: the week is still young before that
        return []
    found = set(
        session.execute(
            select(KpiAssignment.employee_id)
            .join(Period, Period.id == KpiAssignment.period_id)
            .where(Period.kind == "month", Period.start_date <= today, Period.end_date >= today)
            .where(KpiAssignment.employee_id.is_not(None))
        ).scalars()
    )
    owners = {emp for emp in found if emp is not None}
    done = set(session.execute(select(CheckIn.employee_id).where(CheckIn.week_start == monday)).scalars())
    out = []
    for emp in sorted(owners - done):
        person = session.get(Employee, emp)
        if person is None or not person.active:
            continue
        out.append(
            (
                f"checkin:{emp}:{monday.isoformat()}",
                f"【kpilot 提醒】{person.name_zh}：本周还没有填写指标进展（过程跟踪），花一分钟写一下吧。",
                f"[kpilot reminder] {person.name_en}: no KPI check-in yet this week; it takes a minute.",
            )
        )
    return out
