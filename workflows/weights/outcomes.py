"""Department outcomes (what weights should predict) and the demo step that seeds the weights feature."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.errors import Conflict, InvalidInput, NotFound, PermissionDenied, coded
from core.security import Caller
from core.tables import Department, DepartmentOutcome, Employee, Period, SalesDaily, Shop
from kpi.periods import year_before
from workflows.shared import audit, common
from workflows.shared.access import managed_department_ids
from workflows.weights.schemas import OutcomesPut


def _department(session: Session, caller: Caller, department_id: int) -> Department:
    visible = managed_department_ids(session, caller)
    dept = session.get(Department, department_id)
    if dept is None or (visible is not None and department_id not in visible):
        raise coded(NotFound(f"Department {department_id} not found."), "not_found", thing="department")
    return dept


def list_outcomes(session: Session, caller: Caller, department_id: int) -> list[tuple[DepartmentOutcome, str]]:
    """A department's stored outcomes with their period codes, oldest first (managers: own departments)."""
    _department(session, caller, department_id)
    rows = session.execute(
        select(DepartmentOutcome, Period.code)
        .join(Period, Period.id == DepartmentOutcome.period_id)
        .where(DepartmentOutcome.department_id == department_id)
        .order_by(Period.start_date)
    ).all()
    return [(o, code) for o, code in rows]


def _refuse_own_pay(session: Session, caller: Caller, department_id: int) -> None:
    """Nobody sets an input that moves their own pay: the outcome of their department or of one above it."""
    me = session.get(Employee, caller.employee_id) if caller.employee_id is not None else None
    dept_id, seen = me.department_id if me is not None else None, set()
    while dept_id is not None and dept_id not in seen:
        if dept_id == department_id:
            raise coded(
                PermissionDenied(
                    "This outcome moves your own bonus (it is your department's); another HR officer or an admin "
                    "sets it."
                ),
                "own_pay_input",
                "该部门业绩影响您本人的奖金，需由其他 HR 或管理员录入。",
            )
        seen.add(dept_id)
        dept = session.get(Department, dept_id)
        dept_id = dept.parent_id if dept is not None else None


@common.use_case
def put_outcomes(session: Session, caller: Caller, department_id: int, data: OutcomesPut) -> int:
    """Insert or replace a department's outcome per period (audited, one commit); returns the count."""
    _department(session, caller, department_id)
    _refuse_own_pay(session, caller, department_id)
    period_ids = [o.period_id for o in data.outcomes]
    if len(set(period_ids)) != len(period_ids):
        raise coded(
            InvalidInput("Each period may appear once.", [{"loc": ["outcomes"], "msg": "duplicate period_id"}]),
            "outcomes.duplicate_period",
        )
    known = set(session.execute(select(Period.id).where(Period.id.in_(period_ids))).scalars())
    missing = [i for i, p in enumerate(period_ids) if p not in known]
    if missing:
        raise coded(
            InvalidInput(
                "Unknown period.", [{"loc": ["outcomes", i, "period_id"], "msg": "no such period"} for i in missing]
            ),
            "outcomes.unknown_period",
        )
    existing = {
        o.period_id: o
        for o in session.execute(
            select(DepartmentOutcome).where(
                DepartmentOutcome.department_id == department_id, DepartmentOutcome.period_id.in_(period_ids)
            )
        ).scalars()
    }
    for item in data.outcomes:
        row = existing.get(item.period_id)
        before = common.snapshot(row) if row is not None else None
        if row is None:
            row = DepartmentOutcome(
                department_id=department_id, period_id=item.period_id, value=item.value, source="api"
            )
            session.add(row)
        else:
            row.value, row.source = item.value, "api"
        try:
            session.flush()
        except IntegrityError as exc:  # another request stored the same period at the same moment
            session.rollback()
            raise coded(
                Conflict("Outcomes of this department changed at the same moment; send them again."),
                "outcomes.changed_meanwhile",
            ) from exc
        audit.record(
            session,
            actor=caller,
            action="update" if before else "create",
            entity="department_outcome",
            entity_id=row.id,
            before=before,
            after=common.snapshot(row),
        )
    return len(data.outcomes)


def derive_outcomes(session: Session, today: date) -> int:
    """Closed months get their business outcome without a manual export: for a department that owns shops,
    100 x its shops' sales in the month / the same month a year earlier (a growth index, like the demo's).
    Departments without shops keep HR's own figures (PUT .../outcomes). Audited; the caller commits."""
    owners = sorted({d for d in session.execute(select(Shop.department_id)).scalars() if d is not None})
    months = list(
        session.execute(
            select(Period).where(
                Period.kind == "month", Period.end_date < today, Period.end_date >= today - timedelta(days=400)
            )
        ).scalars()
    )
    made = 0
    for dept in owners:
        have = set(
            session.execute(
                select(DepartmentOutcome.period_id).where(DepartmentOutcome.department_id == dept)
            ).scalars()
        )
        for month in months:
            if month.id in have:
                continue
            now, before = (
                _shop_sales(session, dept, month.start_date, month.end_date),
                _shop_sales(session, dept, year_before(month.start_date), year_before(month.end_date)),
            )
            if now <= 0 or before <= 0:
                continue
            row = DepartmentOutcome(
                department_id=dept, period_id=month.id, value=round(100 * now / before, 2), source="sales"
            )
            common.create(session, row, caller=None, entity="department_outcome")
            made += 1
    return made


def _shop_sales(session: Session, department_id: int, start: date, end: date) -> float:
    total = session.execute(
        select(func.sum(SalesDaily.sales))
        .join(Shop, Shop.id == SalesDaily.shop_id)
        .where(Shop.department_id == department_id, SalesDaily.ds >= start, SalesDaily.ds <= end)
    ).scalar()
    return float(total or 0)
