"""HR's and admin's home: weight proposals to decide, review cycles and who is late, bonus allocations waiting
for approval or a second review, imports that failed lately, and the anomaly flags the 异常 page shows by default.
Each section reads the query its own page uses (cockpit.late_items, allocations.waiting_for, anomaly_report)."""

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.errors import NotFound
from core.tables import (
    BonusAllocation,
    BonusPool,
    CycleAppeal,
    CycleItem,
    Department,
    Employee,
    ImportJob,
    Period,
    ReviewCycleRow,
    WeightProposal,
)
from workflows.coaching.anomalies import anomaly_report
from workflows.coaching.schemas import PeriodRef
from workflows.cycles.cockpit import late_items
from workflows.home.schemas import (
    AnomalyEntry,
    ImportProblem,
    LateCycle,
    Named,
    PendingWeights,
    PoolWaiting,
)
from workflows.pay.allocations import lines_of, waiting_for

IMPORT_DAYS = 14  # a failed import older than this is history, not a task
OPEN_STAGES = ("self_assessment", "manager_review", "calibration", "published")
SEVERITY_ORDER = {"critical": 0, "high": 0, "warning": 1, "info": 2}
TEAM_OF = ("{}的团队", "team of {}")


def named(row: Department | Employee) -> Named:
    """A department or person by id and names."""
    return Named(id=row.id, name_zh=row.name_zh, name_en=row.name_en)


def pending_weights(session: Session) -> list[PendingWeights]:
    """Weight proposals waiting for HR's decision, oldest first (the one waiting longest leads)."""
    rows = session.execute(
        select(WeightProposal, Department)
        .join(Department, Department.id == WeightProposal.department_id)
        .where(WeightProposal.status == "pending")
        .order_by(WeightProposal.id)
    ).all()
    return [
        PendingWeights(proposal_id=p.id, department=named(d), effective_from=p.effective_from, created_at=p.created_at)
        for p, d in rows
    ]


def open_cycles(session: Session, today: date) -> list[LateCycle]:
    """Review cycles not yet locked, with the people late at the current stage (the cockpit's rule)."""
    out = []
    cycles = session.execute(
        select(ReviewCycleRow).where(ReviewCycleRow.stage.in_(OPEN_STAGES)).order_by(ReviewCycleRow.id)
    ).scalars()
    for cycle in cycles:
        late_ids = [i.employee_id for i in late_items(session, cycle, today)]
        people = {e.id: e for e in session.execute(select(Employee).where(Employee.id.in_(late_ids))).scalars()}
        total = session.execute(select(CycleItem.id).where(CycleItem.cycle_id == cycle.id)).all()
        appeals = session.execute(
            select(CycleAppeal.id).where(CycleAppeal.cycle_id == cycle.id, CycleAppeal.status == "open")
        ).all()
        period = session.get(Period, cycle.period_id)
        assert period is not None
        out.append(
            LateCycle(
                cycle_id=cycle.id,
                period=PeriodRef.model_validate(period),
                stage=cycle.stage,
                people=len(total),
                late=[named(people[i]) for i in late_ids if i in people],
                open_appeals=len(appeals),
            )
        )
    return out


def pools_waiting(session: Session) -> list[PoolWaiting]:
    """Allocations still proposed: HR approves them, after the second reviews they wait for."""
    rows = session.execute(
        select(BonusAllocation, BonusPool, Period)
        .join(BonusPool, BonusPool.id == BonusAllocation.pool_id)
        .join(Period, Period.id == BonusPool.period_id)
        .where(BonusAllocation.status == "proposed")
        .order_by(Period.start_date)
    ).all()
    return [
        PoolWaiting(
            pool_id=pool.id,
            allocation_id=a.id,
            period=PeriodRef.model_validate(period),
            amount_fen=pool.amount_fen,
            waiting_for_reviews=waiting_for(session, a, lines_of(session, a.id)),
        )
        for a, pool, period in rows
    ]


def failed_imports(session: Session, now: datetime) -> list[ImportProblem]:
    """Imports refused or broken off in the last two weeks, newest first."""
    since = now - timedelta(days=IMPORT_DAYS)
    rows = session.execute(
        select(ImportJob).where(ImportJob.status == "failed").order_by(ImportJob.id.desc()).limit(20)
    ).scalars()
    out = []
    for job in rows:
        stamp = job.created_at if job.created_at.tzinfo else job.created_at.replace(tzinfo=now.tzinfo)
        if stamp < since:
            continue
        errors: list[Any] = (job.report or {}).get("errors") or []
        out.append(
            ImportProblem(
                job_id=job.id, kind=job.kind, filename=job.filename, bad_rows=len(errors), created_at=job.created_at
            )
        )
    return out


def anomalies(session: Session, today: date) -> tuple[PeriodRef | None, list[AnomalyEntry]]:
    """The flags of the period the 异常 page opens on (the latest ended one with KPIs), most severe first."""
    try:
        report = anomaly_report(session, None, today=today)
    except NotFound:
        return None, []
    flags = sorted(report.flags, key=lambda f: SEVERITY_ORDER.get(str(f.get("severity")), 3))
    return PeriodRef.model_validate(report.period), [
        AnomalyEntry(
            code=str(f["code"]),
            severity=str(f["severity"]),
            subject=subject_names(session, str(f["subject"])),
            explanation_zh=str(f["explanation_zh"]),
            explanation_en=str(f["explanation_en"]),
        )
        for f in flags
    ]


def subject_names(session: Session, subject: str) -> Named:
    """A flag's subject in words: a person, a team by its manager's name, or a department (no codes)."""
    code = subject.removeprefix("team:")
    emp = session.execute(select(Employee).where(Employee.code == code)).scalar_one_or_none()
    if emp is not None:
        if subject.startswith("team:"):
            return Named(id=emp.id, name_zh=TEAM_OF[0].format(emp.name_zh), name_en=TEAM_OF[1].format(emp.name_en))
        return named(emp)
    dept = session.execute(select(Department).where(Department.code == subject)).scalar_one_or_none()
    return named(dept) if dept is not None else Named(id=0, name_zh=subject, name_en=subject)
