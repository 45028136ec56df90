"""Goal-system use cases: periods, the KPI catalogue, OKRs with key results, KPI assignments and actuals."""

from datetime import date
from typing import Any, TypeVar

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from assistant.guards import MAX_KPIS
from core.errors import InvalidInput, NotFound
from core.security import Caller
from core.tables import ActualOverride, Employee, Indicator, KeyResult, Objective, Period
from kpi.rules import WEIGHT_SUM_TOLERANCE, WEIGHT_TOTAL
from workflows.goals.reach import ensure_may_plan as ensure_may_plan
from workflows.goals.reach import ensure_not_self as ensure_not_self
from workflows.goals.reach import may_read_owner, owner_check
from workflows.goals.sales_schemas import OverrideCreate, OverrideDecision
from workflows.goals.schemas import (
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
    owner_check(data.level, data.department_id, data.employee_id)
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


def import_actuals(session: Session, caller: Caller, *, content: Source, filename: str) -> int:
    """Upsert KPI actuals from a CSV or Excel file, all or nothing (`imports.py`)."""
    from workflows.goals import imports  # the import builds on this module's checks: imported when used

    return imports.import_actuals(session, caller, content=content, filename=filename)


# KPI assignments and actuals live in assignments.py (routes import only this module).
from workflows.goals.assignments import check_as_of as check_as_of  # noqa: E402
from workflows.goals.assignments import create_assignment as create_assignment  # noqa: E402
from workflows.goals.assignments import get_assignment as get_assignment  # noqa: E402
from workflows.goals.assignments import list_actuals as list_actuals  # noqa: E402
from workflows.goals.assignments import list_assignments as list_assignments  # noqa: E402
from workflows.goals.assignments import record_actual as record_actual  # noqa: E402
from workflows.goals.assignments import update_assignment as update_assignment  # noqa: E402


def propose_override(session: Session, caller: Caller, assignment_id: int, data: OverrideCreate) -> ActualOverride:
    """A hand-entered value with a reason for a KPI measured from sales (HR decides; `overrides.py`)."""
    from workflows.goals import overrides

    return overrides.propose(session, caller, assignment_id, data)


def decide_override(
    session: Session, caller: Caller, override_id: int, data: OverrideDecision, if_match: str | None
) -> ActualOverride:
    """HR's decision on a hand-entered value: accept (it counts) or reject (the computed one counts); commits."""
    from workflows.goals import overrides

    row = overrides.decide(session, caller, override_id, data, if_match)
    session.commit()
    return row


def sales_actual(session: Session, caller: Caller, assignment_id: int) -> dict[str, Any]:
    """The computed actual of a KPI measured from sales, with its evidence and the hand-entered values beside it."""
    from workflows.goals import overrides

    return overrides.view(session, caller, assignment_id)
