"""KPI assignments and their actuals: who carries which indicator with what weight and target range in a
period, and the values recorded against it. Everyone plans only inside their reach and never their own KPIs
(`flows.ensure_may_plan`, `flows.ensure_not_self`); every write is audited in the caller's transaction."""

from __future__ import annotations

from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from core.errors import InvalidInput, NotFound, coded
from core.security import Caller
from core.tables import Indicator, KpiActual, KpiAssignment, Period
from workflows.goals.reach import ensure_may_plan, may_read_owner, owner_check
from workflows.goals.sales_actuals import refuse_plain_actual
from workflows.goals.schemas import ActualCreate, AssignmentCreate, AssignmentUpdate
from workflows.shared import common
from workflows.shared.access import managed_department_ids, visible_employee_ids
from workflows.shared.period_lock import ensure_open


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
    if a is None or not may_read_owner(session, caller, a.department_id, a.employee_id):
        raise coded(NotFound(f"KPI assignment {assignment_id} not found."), "not_found", thing="kpi_assignment")
    return a


def create_assignment(session: Session, caller: Caller, data: AssignmentCreate) -> KpiAssignment:
    """Give a KPI to a person or department for a period (audited; caller commits)."""
    owner_check(None, data.department_id, data.employee_id)
    if data.employee_id is None and data.department_id is None:
        raise coded(
            InvalidInput("Name the owner: employee_id or department_id.", [{"loc": ["employee_id"]}]),
            "kpi.owner_required",
        )
    ensure_may_plan(session, caller, data.department_id, data.employee_id)
    _period(session, data.period_id)
    ensure_open(session, data.period_id, data.employee_id)
    ind = session.execute(select(Indicator).where(Indicator.code == data.indicator_code)).scalar_one_or_none()
    if ind is None:
        raise coded(
            InvalidInput(
                "Unknown indicator.",
                [
                    {
                        "loc": ["indicator_code"],
                        "msg": f"{data.indicator_code!r} is not in the catalogue (GET /api/v1/indicators)",
                    }
                ],
            ),
            "kpi.unknown_indicator",
        )
    _check_range(data.target_low, data.target, data.target_high)
    values = data.model_dump(exclude={"indicator_code"})
    row = KpiAssignment(indicator_id=ind.id, **values)
    twin = f"This owner already has {data.indicator_code!r} in that period; change that KPI (PATCH) instead."
    return common.create(session, row, caller=caller, entity="kpi_assignment", duplicate=twin)


def _check_range(low: float | None, mid: float | None, high: float | None) -> None:
    known = [v for v in (low, mid, high) if v is not None]
    if known != sorted(known):
        raise coded(
            InvalidInput(
                "Target range must satisfy target_low <= target <= target_high.",
                [{"loc": ["target_low"], "msg": "range out of order"}],
            ),
            "kpi.target_range_order",
        )


@common.use_case
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
    ensure_open(session, a.period_id, a.employee_id)
    changes = data.model_dump(exclude_unset=True)
    _check_range(
        changes.get("target_low", a.target_low),
        changes.get("target", a.target),
        changes.get("target_high", a.target_high),
    )
    common.update_versioned(session, a, changes, if_match=if_match, caller=caller, entity="kpi_assignment")
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
    check_as_of(_period(session, a.period_id), data.as_of, ["as_of"])
    ensure_open(session, a.period_id, a.employee_id)  # a locked period first: nothing of it changes
    refuse_plain_actual(session, a)
    actual = KpiActual(assignment_id=a.id, as_of=data.as_of, value=data.value, source="api")
    return common.create(session, actual, caller=caller, entity="kpi_actual")


def check_as_of(period: Period, as_of: date, loc: list[str | int]) -> None:
    """A measured value belongs to a day inside its assignment's period."""
    if not period.start_date <= as_of <= period.end_date:
        raise coded(
            InvalidInput(
                f"as_of {as_of} is outside period {period.code} ({period.start_date} to {period.end_date}).",
                [{"loc": loc, "msg": f"must be between {period.start_date} and {period.end_date}"}],
            ),
            "kpi.as_of_outside_period",
            start=period.start_date.isoformat(),
            end=period.end_date.isoformat(),
        )


def _period(session: Session, period_id: int) -> Period:
    period = session.get(Period, period_id)
    if period is None:
        raise coded(NotFound(f"Period {period_id} not found."), "not_found", thing="period")
    return period
