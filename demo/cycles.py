"""Demo step for review cycles (issue 29): a finished, locked cycle of the month before last and the cycle of
last month in progress, at the manager-review stage: `manager` has reviews to write and `employee` (back from
leave, HR extended the self-assessment for them) a self-assessment to write. Opened through the service's own
use case; the finished cycle's reviews and answers are generated as the demo's history."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.clock import clock_of
from core.security import Caller
from core.tables import CycleItem, Period, User
from demo.company import DemoCompany
from kpi.periods import add_months
from workflows.cycles import stages
from workflows.cycles.schemas import CycleCreate
from workflows.results.store import record_results

COMMENTS = ("本月目标基本达成，节奏稳定。", "大促期间表现突出，继续保持。", "转化率仍有提升空间，下月重点跟进。")


def _hr(session: Session) -> Caller:
    user = session.execute(select(User).where(User.username == "hr")).scalar_one()
    return Caller(user_id=user.id, username=user.username, role=user.role, employee_id=user.employee_id)


def _period(session: Session, months_back: int, demo: DemoCompany) -> Period:
    first = add_months(demo.today, -months_back)
    code = f"{first.year:04d}-{first.month:02d}"
    return session.execute(select(Period).where(Period.code == code)).scalar_one()


def _create(period: Period, start: int) -> CycleCreate:
    day = period.end_date + timedelta(days=start)
    return CycleCreate(
        period_id=period.id,
        self_assessment_on=day,
        manager_review_on=day + timedelta(days=10),
        calibration_on=day + timedelta(days=19),
        publish_on=day + timedelta(days=21),
        appeal_until=day + timedelta(days=25),
        lock_on=day + timedelta(days=28),
    )


def load_demo_cycles(session: Session, demo: DemoCompany) -> None:
    """Demo step: the locked cycle of the month before last and last month's cycle in progress."""
    hr = _hr(session)
    now = clock_of(session).now()
    done_period = _period(session, 2, demo)
    done = stages.open_cycle(session, hr, _create(done_period, 5))
    items = list(session.execute(select(CycleItem).where(CycleItem.cycle_id == done.id)).scalars())
    for i, item in enumerate(items):
        item.status, item.overall_comment = "locked", COMMENTS[i % len(COMMENTS)]
        item.reviewed_by_name, item.reviewed_at = "demo", now
        item.answer = "confirmed" if i % 4 else "confirmed_by_deadline"
        item.answered_at = now
    record_results(session, done_period, caller=None, cause=f"demo: review cycle #{done.id} locked")
    done.stage, done.published_at, done.locked_at = "locked", now, now
    done_period.locked_at = now
    running = stages.open_cycle(session, hr, _create(_period(session, 1, demo), -13))
    running.stage = "manager_review"
    employee = session.execute(select(User.employee_id).where(User.username == "employee")).scalar_one()
    mine = session.execute(
        select(CycleItem).where(CycleItem.cycle_id == running.id, CycleItem.employee_id == employee)
    ).scalar_one_or_none()
    if mine is not None:
        mine.extensions = {"self_assessment": (demo.today + timedelta(days=3)).isoformat()}
    session.flush()
