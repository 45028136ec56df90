"""The home summary per role (GET /api/v1/home; its anomaly flags from GET /api/v1/home/anomalies, asked apart
because the checks are slow): HR and admin see what waits for them company-wide; a manager
their people at risk and drafts to finish; everyone with a person behind the login their own KPIs and their part of
an open review cycle. Read-only; every number comes from the computation its own page shows (plan, team overview,
cockpit, allocation), so the home page and that page never disagree."""

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.schemas import Lang
from core.clock import clock_of
from core.errors import NotFound
from core.security import MANAGER, Caller
from core.tables import CycleItem, Department, Employee, Period, ReviewCycleRow
from workflows.coaching import flows as coaching
from workflows.coaching.overview import team_overview
from workflows.coaching.schemas import PeriodRef
from workflows.drafts.flows import list_drafts
from workflows.home import staff
from workflows.home.schemas import AtRisk, CycleTask, DraftToFinish, HomeAnomalies, HomePublic, Named

RISKY_CHANCE = 50.0  # a sales KPI whose forecast chance is below this counts as at risk


def home(session: Session, caller: Caller, *, lang: Lang) -> HomePublic:
    """What needs the caller, scoped by role and by what the caller may see."""
    clock = clock_of(session)
    today = clock.today()
    out = HomePublic(role=caller.role, today=today)
    if caller.sees_everything:
        out.weights = staff.pending_weights(session)
        out.cycles = staff.open_cycles(session, today)
        out.pools = staff.pools_waiting(session)
        out.imports = staff.failed_imports(session, clock.now())
    if caller.role == MANAGER:
        out.at_risk = people_at_risk(session, caller, today)
        out.drafts = drafts_to_finish(session, caller)
    if caller.employee_id is not None and not caller.sees_everything:
        try:
            plan = coaching.my_plan(session, caller, lang=lang, today=today)
        except NotFound:  # no KPIs or periods yet: nothing to show, not an error
            plan = None
        if plan is not None:
            out.plan_period, out.kpis = plan.current_period, plan.kpis
    if caller.employee_id is not None:
        out.cycle_tasks = cycle_tasks(session, caller.employee_id, today)
    return out


def people_at_risk(session: Session, caller: Caller, today: date) -> list[AtRisk]:
    """The caller's reporting line (the team page's overview): anyone with a KPI behind pace or a sales KPI whose
    forecast chance is under half, riskiest first (the overview's own order)."""
    view = team_overview(session, caller, today, department_id=None)
    out = []
    for m in view.members:
        behind = m.pace.get("behind", 0)
        chance = m.lowest_probability_pct
        if behind or (chance is not None and chance < RISKY_CHANCE):
            person = Named(id=m.employee_id, name_zh=m.name_zh, name_en=m.name_en)
            out.append(AtRisk(person=person, behind=behind, lowest_probability_pct=chance))
    return out


def drafts_to_finish(session: Session, caller: Caller) -> list[DraftToFinish]:
    """Unpublished goal drafts of the caller's departments (the drafts page's scope), newest first."""
    rows, _ = list_drafts(session, caller, department_id=None, period_id=None, status="draft", limit=20, offset=0)
    out = []
    for d in rows:
        dept, period = session.get(Department, d.department_id), session.get(Period, d.period_id)
        assert dept is not None and period is not None
        out.append(
            DraftToFinish(
                draft_id=d.id,
                department=staff.named(dept),
                period=PeriodRef.model_validate(period),
                updated_at=d.updated_at,
            )
        )
    return out


def _due(cycle: ReviewCycleRow, item: CycleItem, stage: str) -> date:
    """The last day of `stage` for this person: the day before the next stage starts, or HR's extension."""
    until = item.extensions.get(stage)
    if until:
        return date.fromisoformat(until)
    ends = {
        "self_assessment": cycle.manager_review_on - timedelta(days=1),
        "manager_review": cycle.calibration_on - timedelta(days=1),
        "published": cycle.appeal_until,
    }
    return ends[stage]


def cycle_tasks(session: Session, employee_id: int, today: date) -> list[CycleTask]:
    """One's own part still to do in an open cycle (self-assessment, confirm or appeal) and the reviews one
    writes as a manager at the manager-review stage."""
    rows = session.execute(
        select(CycleItem, ReviewCycleRow)
        .join(ReviewCycleRow, ReviewCycleRow.id == CycleItem.cycle_id)
        .where((CycleItem.employee_id == employee_id) | (CycleItem.reviewer_id == employee_id))
        .where(ReviewCycleRow.stage.in_(staff.OPEN_STAGES))
        .order_by(CycleItem.id)
    ).all()
    out = []
    for item, cycle in rows:
        mine = item.employee_id == employee_id
        stage = _task_stage(cycle, item, mine=mine, today=today)
        if stage is None:
            continue
        emp, period = session.get(Employee, item.employee_id), session.get(Period, cycle.period_id)
        assert emp is not None and period is not None
        out.append(
            CycleTask(
                cycle_id=cycle.id,
                item_id=item.id,
                stage=stage,
                status=item.status,
                mine=mine,
                person=staff.named(emp),
                period=PeriodRef.model_validate(period),
                due=_due(cycle, item, stage),
            )
        )
    return out


def _open_for(cycle: ReviewCycleRow, item: CycleItem, stage: str, today: date) -> bool:
    until = item.extensions.get(stage)
    return cycle.stage == stage or (until is not None and today <= date.fromisoformat(until))


def _task_stage(cycle: ReviewCycleRow, item: CycleItem, *, mine: bool, today: date) -> str | None:
    """Which stage's work this item waits for from the reader, if any."""
    if mine and cycle.self_assessment and item.status == "open" and _open_for(cycle, item, "self_assessment", today):
        return "self_assessment"
    if mine and item.status == "published" and _open_for(cycle, item, "published", today):
        return "published"
    if not mine and item.status in ("open", "self_assessed") and _open_for(cycle, item, "manager_review", today):
        return "manager_review"
    return None


def home_anomalies(session: Session) -> HomeAnomalies:
    """HR's anomaly flags for the home page (the 异常 page's default period and computation)."""
    period, flags = staff.anomalies(session, clock_of(session).today())
    return HomeAnomalies(period=period, flags=flags)
