"""Goal-system use cases: periods, the KPI catalogue, OKRs with key results, KPI assignments and actuals."""

from datetime import date
from typing import Any, TypeVar

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from assistant.guards import MAX_KPIS
from core.clock import clock_of
from core.errors import InvalidInput, NotFound, coded
from core.security import Caller
from core.tables import Employee, Indicator, KeyResult, Objective, Period
from kpi.rules import WEIGHT_SUM_TOLERANCE, WEIGHT_TOTAL
from workflows.goals.reach import ensure_may_plan as ensure_may_plan
from workflows.goals.reach import ensure_not_self as ensure_not_self
from workflows.goals.reach import may_read_owner, owner_check
from workflows.goals.schemas import (
    ActualCreate,
    ActualPublic,
    AssignmentCreate,
    AssignmentPublic,
    IndicatorCreate,
    IndicatorPublic,
    IndicatorUpdate,
    KeyResultPublic,
    ObjectiveCreate,
    ObjectivePublic,
    PeriodCreate,
    PeriodDefaults,
    PeriodPublic,
    PeriodUpdate,
    ScorecardRules,
)
from workflows.shared import common
from workflows.shared.access import managed_department_ids, visible_employee_ids

T = TypeVar("T")


def scorecard_rules() -> ScorecardRules:
    """The scorecard rules of kpi.rules and the assistant's guards, for the pages' live checks."""
    return ScorecardRules(
        weight_total=WEIGHT_TOTAL, weight_sum_tolerance=WEIGHT_SUM_TOLERANCE, min_kpis=1, max_kpis=MAX_KPIS
    )


def _get(session: Session, model: type[T], obj_id: int, what: str) -> T:
    obj = session.get(model, obj_id)
    if obj is None:
        raise coded(NotFound(f"{what} {obj_id} not found."), "not_found", thing=what)
    return obj


# --- periods -------------------------------------------------------------------------------------------
def list_periods(session: Session, *, kind: str | None, limit: int, offset: int) -> tuple[list[Period], int]:
    """Periods, newest first, optionally of one kind."""
    stmt = select(Period).order_by(Period.start_date.desc(), Period.id)
    if kind:
        stmt = stmt.where(Period.kind == kind)
    return common.paginate(session, stmt, limit=limit, offset=offset)


def period_defaults(session: Session) -> PeriodDefaults:
    """The periods selectors open on, by the service's clock (`PeriodDefaults`)."""
    today = clock_of(session).today()
    running = sorted(
        session.execute(select(Period).where(Period.start_date <= today, Period.end_date >= today)).scalars(),
        key=lambda p: (p.end_date - p.start_date, p.id),
    )
    nxt = session.execute(
        select(Period.id)
        .where(Period.kind == "quarter", Period.start_date > today)
        .order_by(Period.start_date, Period.id)
        .limit(1)
    ).scalar_one_or_none()

    def first(kind: str) -> int | None:
        return next((p.id for p in running if p.kind == kind), None)

    return PeriodDefaults(
        today=today,
        running_month=first("month"),
        running_quarter=first("quarter"),
        running=running[0].id if running else None,
        next_quarter=nxt,
    )


def get_period(session: Session, period_id: int) -> Period:
    """A period or NotFound."""
    return _get(session, Period, period_id, "Period")


def _check_dates(start: date | None, end: date | None) -> None:
    if start is not None and end is not None and start > end:
        raise coded(
            InvalidInput(
                "A period must not end before it starts.", [{"loc": ["end_date"], "msg": "before start_date"}]
            ),
            "period.end_before_start",
        )


def create_period(session: Session, caller: Caller, data: PeriodCreate) -> Period:
    """Create a period (audited; caller commits)."""
    _check_dates(data.start_date, data.end_date)
    return common.create(session, Period(**data.model_dump()), caller=caller, entity="period")


@common.use_case
def update_period(session: Session, caller: Caller, period_id: int, data: PeriodUpdate, if_match: str | None) -> Period:
    """Rename or move a period (If-Match, audited)."""
    period = get_period(session, period_id)
    changes = data.model_dump(exclude_unset=True)
    _check_dates(changes.get("start_date", period.start_date), changes.get("end_date", period.end_date))
    common.update_versioned(session, period, changes, if_match=if_match, caller=caller, entity="period")
    return period


# --- KPI catalogue --------------------------------------------------------------------------------------
def list_indicators(session: Session, *, limit: int, offset: int) -> tuple[list[Indicator], int]:
    """The KPI catalogue."""
    return common.paginate(session, select(Indicator).order_by(Indicator.code), limit=limit, offset=offset)


def get_indicator(session: Session, indicator_id: int) -> Indicator:
    """A catalogue indicator or NotFound."""
    return _get(session, Indicator, indicator_id, "Indicator")


def create_indicator(session: Session, caller: Caller, data: IndicatorCreate) -> Indicator:
    """Add an indicator to the catalogue (audited)."""
    return common.create(session, Indicator(**data.model_dump()), caller=caller, entity="indicator")


@common.use_case
def update_indicator(
    session: Session,
    caller: Caller,
    indicator_id: int,
    data: IndicatorUpdate,
    if_match: str | None,
) -> Indicator:
    """Edit a catalogue indicator (If-Match, audited)."""
    ind = get_indicator(session, indicator_id)
    common.update_versioned(
        session, ind, data.model_dump(exclude_unset=True), if_match=if_match, caller=caller, entity="indicator"
    )
    return ind


# --- OKRs --------------------------------------------------------------------------------------------------
def list_objectives(
    session: Session,
    caller: Caller,
    *,
    period_id: int | None,
    level: str | None,
    limit: int,
    offset: int,
) -> tuple[list[Objective], int]:
    """Objectives the caller may read."""
    stmt = select(Objective).order_by(Objective.id)
    if period_id is not None:
        stmt = stmt.where(Objective.period_id == period_id)
    if level:
        stmt = stmt.where(Objective.level == level)
    if not caller.sees_everything:
        visible = visible_employee_ids(session, caller) or set()
        depts = set(managed_department_ids(session, caller) or set())
        own = session.execute(select(Employee.department_id).where(Employee.id == caller.employee_id)).scalar()
        depts |= {own} if own is not None else set()
        stmt = stmt.where(
            or_(
                Objective.level == "company",
                Objective.employee_id.in_(visible),
                (Objective.level == "department") & Objective.department_id.in_(depts),
            )
        )
    return common.paginate(session, stmt, limit=limit, offset=offset)


def get_objective(session: Session, caller: Caller, objective_id: int) -> Objective:
    """An objective the caller may read, or NotFound."""
    obj = session.get(Objective, objective_id)
    if obj is None or not may_read_owner(session, caller, obj.department_id, obj.employee_id):
        raise coded(NotFound(f"Objective {objective_id} not found."), "not_found", thing="objective")
    return obj


def key_results(session: Session, objective_id: int) -> list[KeyResult]:
    """The key results of one objective."""
    return list(
        session.execute(
            select(KeyResult).where(KeyResult.objective_id == objective_id).order_by(KeyResult.id)
        ).scalars()
    )


def create_objective(session: Session, caller: Caller, data: ObjectiveCreate) -> Objective:
    """Create an objective with its key results (audited; caller commits)."""
    owner_check(data.level, data.department_id, data.employee_id)
    get_period(session, data.period_id)
    ensure_may_plan(session, caller, data.department_id, data.employee_id)
    for kr in data.key_results:
        if kr.parent_kr_id is not None and session.get(KeyResult, kr.parent_kr_id) is None:
            raise coded(
                InvalidInput(
                    "A key result names a parent that does not exist.",
                    [{"loc": ["key_results", kr.code, "parent_kr_id"], "msg": f"{kr.parent_kr_id}"}],
                ),
                "okr.unknown_parent_kr",
            )
    obj = common.create(
        session, Objective(**data.model_dump(exclude={"key_results"})), caller=caller, entity="objective"
    )
    for kr in data.key_results:
        common.create(session, KeyResult(objective_id=obj.id, **kr.model_dump()), caller=caller, entity="key_result")
    return obj


# --- KPI assignments and actuals ------------------------------------------------------------------------------
def objective_view(session: Session, obj: Objective) -> dict[str, Any]:
    """An objective with its key results, as the API shows it."""
    data = ObjectivePublic.model_validate(obj).model_dump(mode="json")
    data["key_results"] = [
        KeyResultPublic.model_validate(k).model_dump(mode="json") for k in key_results(session, obj.id)
    ]
    return data


def create_objective_once(
    session: Session, caller: Caller, data: ObjectiveCreate, key: str | None
) -> tuple[int, dict[str, Any]]:
    """Create an objective with its key results in one transaction with the Idempotency-Key record."""

    def produce() -> tuple[int, dict[str, Any]]:
        obj = create_objective(session, caller, data)
        session.flush()
        return 201, objective_view(session, obj)

    return common.run_once(session, caller=caller, key=key, payload=data.model_dump(mode="json"), produce=produce)


# How a KR will be read (the 公司目标 page): reading.py.
# KPI assignments and actuals live in assignments.py, their file import in imports.py (routes import only this
# module).
from workflows.goals.assignments import check_as_of as check_as_of  # noqa: E402
from workflows.goals.assignments import create_assignment as create_assignment  # noqa: E402
from workflows.goals.assignments import get_assignment as get_assignment  # noqa: E402
from workflows.goals.assignments import list_actuals as list_actuals  # noqa: E402
from workflows.goals.assignments import list_assignments as list_assignments  # noqa: E402
from workflows.goals.assignments import record_actual as record_actual  # noqa: E402
from workflows.goals.assignments import update_assignment as update_assignment  # noqa: E402
from workflows.goals.imports import import_actuals_or_queue as import_actuals_or_queue  # noqa: E402
from workflows.goals.reading import read_key_result as read_key_result  # noqa: E402


# --- idempotent creates (one transaction with the Idempotency-Key record; 201 and the new object) -----------
def create_period_once(session: Session, caller: Caller, data: PeriodCreate, key: str | None) -> common.Answer:
    """Create a period once per Idempotency-Key."""
    return common.create_once(session, caller, key, data, PeriodPublic, lambda: create_period(session, caller, data))


def create_indicator_once(session: Session, caller: Caller, data: IndicatorCreate, key: str | None) -> common.Answer:
    """Add a catalogue indicator once per Idempotency-Key."""
    return common.create_once(
        session, caller, key, data, IndicatorPublic, lambda: create_indicator(session, caller, data)
    )


def create_assignment_once(session: Session, caller: Caller, data: AssignmentCreate, key: str | None) -> common.Answer:
    """Assign a KPI once per Idempotency-Key."""
    return common.create_once(
        session, caller, key, data, AssignmentPublic, lambda: create_assignment(session, caller, data)
    )


def record_actual_once(
    session: Session, caller: Caller, assignment_id: int, data: ActualCreate, key: str | None
) -> common.Answer:
    """Record an actual once per Idempotency-Key."""
    return common.create_once(
        session, caller, key, data, ActualPublic, lambda: record_actual(session, caller, assignment_id, data)
    )


# Hand-entered values for KPIs measured from sales (HR decides which value counts): `overrides.py`.
from workflows.goals.overrides import decide_override as decide_override  # noqa: E402
from workflows.goals.overrides import propose_override as propose_override  # noqa: E402
from workflows.goals.overrides import propose_override_once as propose_override_once  # noqa: E402
from workflows.goals.overrides import sales_actual as sales_actual  # noqa: E402
