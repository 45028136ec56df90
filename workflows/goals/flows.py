"""Goal-system use cases: periods, the KPI catalogue, OKRs with key results, KPI assignments and actuals."""

from datetime import date
from typing import Any, TypeVar

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from assistant.guards import MAX_KPIS
from core.errors import InvalidInput, NotFound
from core.security import MANAGER, Caller
from core.tables import Employee, Indicator, KeyResult, KpiActual, KpiAssignment, Objective, Period
from kpi.rules import WEIGHT_SUM_TOLERANCE, WEIGHT_TOTAL
from workflows.goals.schemas import (
    ActualCreate,
    AssignmentCreate,
    AssignmentUpdate,
    IndicatorCreate,
    IndicatorUpdate,
    KeyResultPublic,
    ObjectiveCreate,
    ObjectivePublic,
    PeriodCreate,
    PeriodUpdate,
    ScorecardRules,
)
from workflows.imports.reader import Source
from workflows.shared import common
from workflows.shared.access import can_see_employee, managed_department_ids, visible_employee_ids

T = TypeVar("T")


def scorecard_rules() -> ScorecardRules:
    """The scorecard rules of kpi.rules and the assistant's guards, for the pages' live checks."""
    return ScorecardRules(
        weight_total=WEIGHT_TOTAL, weight_sum_tolerance=WEIGHT_SUM_TOLERANCE, min_kpis=1, max_kpis=MAX_KPIS
    )


def _get(session: Session, model: type[T], obj_id: int, what: str) -> T:
    obj = session.get(model, obj_id)
    if obj is None:
        raise NotFound(f"{what} {obj_id} not found.")
    return obj


# --- periods -------------------------------------------------------------------------------------------
def list_periods(session: Session, *, kind: str | None, limit: int, offset: int) -> tuple[list[Period], int]:
    """Periods, newest first, optionally of one kind."""
    stmt = select(Period).order_by(Period.start_date.desc(), Period.id)
    if kind:
        stmt = stmt.where(Period.kind == kind)
    return common.paginate(session, stmt, limit=limit, offset=offset)


def get_period(session: Session, period_id: int) -> Period:
    """A period or NotFound."""
    return _get(session, Period, period_id, "Period")


def _check_dates(start: date | None, end: date | None) -> None:
    if start is not None and end is not None and start > end:
        raise InvalidInput(
            "A period must not end before it starts.", [{"loc": ["end_date"], "msg": "before start_date"}]
        )


def create_period(session: Session, caller: Caller, data: PeriodCreate) -> Period:
    """Create a period (audited; caller commits)."""
    _check_dates(data.start_date, data.end_date)
    return common.create(session, Period(**data.model_dump()), caller=caller, entity="period")


def update_period(session: Session, caller: Caller, period_id: int, data: PeriodUpdate, if_match: str | None) -> Period:
    """Rename or move a period (If-Match, audited)."""
    period = get_period(session, period_id)
    changes = data.model_dump(exclude_unset=True)
    _check_dates(changes.get("start_date", period.start_date), changes.get("end_date", period.end_date))
    common.update_versioned(session, period, changes, if_match=if_match, caller=caller, entity="period")
    session.commit()
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
    session.commit()
    return ind


# --- who may see or plan what -----------------------------------------------------------------------------
def _may_read_owner(session: Session, caller: Caller, department_id: int | None, employee_id: int | None) -> bool:
    if caller.sees_everything:
        return True
    if employee_id is not None:
        return can_see_employee(session, caller, employee_id)
    if department_id is None:
        return True  # company level: everyone reads the company's goals
    managed = managed_department_ids(session, caller) or set()
    own = session.execute(select(Employee.department_id).where(Employee.id == caller.employee_id)).scalar()
    return department_id in managed or department_id == own


def ensure_not_self(caller: Caller, employee_id: int | None) -> None:
    """Separation of duties: nobody sets their own KPIs, targets or actuals, whatever their role."""
    if employee_id is not None and employee_id == caller.employee_id:
        # 404 like any record one may not write, whatever the role; the detail says why.
        raise NotFound("Not found among the records you may change: nobody sets their own KPIs, targets or actuals.")


def ensure_may_plan(session: Session, caller: Caller, department_id: int | None, employee_id: int | None) -> None:
    """Managers plan for their own department tree and their reports; HR/admin for all; nobody for themselves."""
    ensure_not_self(caller, employee_id)
    if caller.sees_everything:
        return
    allowed = caller.role == MANAGER
    if employee_id is not None:
        allowed = allowed and can_see_employee(session, caller, employee_id)
    elif department_id is not None:
        allowed = allowed and department_id in (managed_department_ids(session, caller) or set())
    else:
        allowed = False  # company-level goals are HR/admin business
    if not allowed:
        target = f"employee {employee_id}" if employee_id else f"department {department_id}"
        raise NotFound(f"{target.capitalize()} not found.")


def _owner_check(level: str | None, department_id: int | None, employee_id: int | None) -> None:
    if employee_id is not None and department_id is not None:
        raise InvalidInput("Give either employee_id or department_id, not both.", [{"loc": ["employee_id"]}])
    expected = {"company": (False, False), "department": (True, False), "person": (False, True)}
    if level is not None and expected[level] != (department_id is not None, employee_id is not None):
        raise InvalidInput(
            f"A {level}-level objective needs exactly the matching owner id.",
            [{"loc": ["level"], "msg": "company: none; department: department_id; person: employee_id"}],
        )


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
    if obj is None or not _may_read_owner(session, caller, obj.department_id, obj.employee_id):
        raise NotFound(f"Objective {objective_id} not found.")
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
    _owner_check(data.level, data.department_id, data.employee_id)
    get_period(session, data.period_id)
    ensure_may_plan(session, caller, data.department_id, data.employee_id)
    for kr in data.key_results:
        if kr.parent_kr_id is not None and session.get(KeyResult, kr.parent_kr_id) is None:
            raise InvalidInput(
                "A key result names a parent that does not exist.",
                [{"loc": ["key_results", kr.code, "parent_kr_id"], "msg": f"{kr.parent_kr_id}"}],
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


def list_assignments(
    session: Session,
    caller: Caller,
    *,
    period_id: int | None,
    employee_id: int | None,
    limit: int,
    offset: int,
) -> tuple[list[KpiAssignment], int]:
    """Assignments the caller may read."""
    stmt = select(KpiAssignment).order_by(KpiAssignment.id)
    if period_id is not None:
        stmt = stmt.where(KpiAssignment.period_id == period_id)
    if employee_id is not None:
        stmt = stmt.where(KpiAssignment.employee_id == employee_id)
    if not caller.sees_everything:
        visible = visible_employee_ids(session, caller) or set()
        depts = managed_department_ids(session, caller) or set()
        stmt = stmt.where(or_(KpiAssignment.employee_id.in_(visible), KpiAssignment.department_id.in_(depts)))
    return common.paginate(session, stmt, limit=limit, offset=offset)


def get_assignment(session: Session, caller: Caller, assignment_id: int) -> KpiAssignment:
    """An assignment the caller may read, or NotFound."""
    a = session.get(KpiAssignment, assignment_id)
    if a is None or not _may_read_owner(session, caller, a.department_id, a.employee_id):
        raise NotFound(f"KPI assignment {assignment_id} not found.")
    return a


def create_assignment(session: Session, caller: Caller, data: AssignmentCreate) -> KpiAssignment:
    """Give a KPI to a person or department for a period (audited; caller commits)."""
    _owner_check(None, data.department_id, data.employee_id)
    if data.employee_id is None and data.department_id is None:
        raise InvalidInput("Name the owner: employee_id or department_id.", [{"loc": ["employee_id"]}])
    ensure_may_plan(session, caller, data.department_id, data.employee_id)
    get_period(session, data.period_id)
    ind = session.execute(select(Indicator).where(Indicator.code == data.indicator_code)).scalar_one_or_none()
    if ind is None:
        raise InvalidInput(
            "Unknown indicator.",
            [
                {
                    "loc": ["indicator_code"],
                    "msg": f"{data.indicator_code!r} is not in the catalogue (GET /api/v1/indicators)",
                }
            ],
        )
    _check_range(data.target_low, data.target, data.target_high)
    values = data.model_dump(exclude={"indicator_code"})
    row = KpiAssignment(indicator_id=ind.id, **values)
    twin = f"This owner already has {data.indicator_code!r} in that period; change that KPI (PATCH) instead."
    return common.create(session, row, caller=caller, entity="kpi_assignment", duplicate=twin)


def _check_range(low: float | None, mid: float | None, high: float | None) -> None:
    known = [v for v in (low, mid, high) if v is not None]
    if known != sorted(known):
        raise InvalidInput(
            "Target range must satisfy target_low <= target <= target_high.",
            [{"loc": ["target_low"], "msg": "range out of order"}],
        )


def update_assignment(
    session: Session,
    caller: Caller,
    assignment_id: int,
    data: AssignmentUpdate,
    if_match: str | None,
) -> KpiAssignment:
    """Change a weight or target (If-Match, audited)."""
    a = get_assignment(session, caller, assignment_id)
    ensure_may_plan(session, caller, a.department_id, a.employee_id)
    changes = data.model_dump(exclude_unset=True)
    _check_range(
        changes.get("target_low", a.target_low),
        changes.get("target", a.target),
        changes.get("target_high", a.target_high),
    )
    common.update_versioned(session, a, changes, if_match=if_match, caller=caller, entity="kpi_assignment")
    session.commit()
    return a


def list_actuals(session: Session, caller: Caller, assignment_id: int) -> list[KpiActual]:
    """The measured values of an assignment the caller may read."""
    get_assignment(session, caller, assignment_id)
    return list(
        session.execute(
            select(KpiActual).where(KpiActual.assignment_id == assignment_id).order_by(KpiActual.as_of)
        ).scalars()
    )


def record_actual(session: Session, caller: Caller, assignment_id: int, data: ActualCreate) -> KpiActual:
    """Record a measured value (one per assignment and date; audited; caller commits)."""
    a = get_assignment(session, caller, assignment_id)
    ensure_may_plan(session, caller, a.department_id, a.employee_id)
    check_as_of(get_period(session, a.period_id), data.as_of, ["as_of"])
    actual = KpiActual(assignment_id=a.id, as_of=data.as_of, value=data.value, source="api")
    return common.create(session, actual, caller=caller, entity="kpi_actual")


def check_as_of(period: Period, as_of: date, loc: list[str | int]) -> None:
    """A measured value belongs to a day inside its assignment's period."""
    if not period.start_date <= as_of <= period.end_date:
        raise InvalidInput(
            f"as_of {as_of} is outside period {period.code} ({period.start_date} to {period.end_date}).",
            [{"loc": loc, "msg": f"must be between {period.start_date} and {period.end_date}"}],
        )


def import_actuals(session: Session, caller: Caller, *, content: Source, filename: str) -> int:
    """Upsert KPI actuals from a CSV or Excel file, all or nothing (`imports.py`)."""
    from workflows.goals import imports  # the import builds on this module's checks: imported when used

    return imports.import_actuals(session, caller, content=content, filename=filename)
