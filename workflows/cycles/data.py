"""Reads of review cycles: who is in a cycle (population, cadence by role), who reviews whom, who may see an
item or an appeal. No business decisions here beyond those rules; the stage and item modules decide."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.errors import NotFound, coded
from core.security import Caller
from core.tables import CycleAppeal, CycleItem, Department, Employee, IndicatorRubric, Period, Position, ReviewCycleRow
from kpi.cycles import ReviewCycle, review_cycle
from workflows.shared.access import subtree_employee_ids


def cycle_or_404(session: Session, cycle_id: int) -> ReviewCycleRow:
    """The cycle (every role may read a cycle's dates and stage), or NotFound."""
    cycle = session.get(ReviewCycleRow, cycle_id)
    if cycle is None:
        raise coded(NotFound(f"Review cycle {cycle_id} not found."), "not_found", thing="review_cycle")
    return cycle


def cadence(position: Position | None, department_code: str) -> ReviewCycle:
    """How often a person is reviewed: their position's cycle, else the role table's cycle for the department."""
    if position is not None and position.review_cycle in {c.value for c in ReviewCycle}:
        return ReviewCycle(position.review_cycle)
    return review_cycle(department_code)


def population(
    session: Session, period: Period, kind: str, department_ids: list[int], all_cadences: bool
) -> list[Employee]:
    """Active people of the population reviewed on the period's cadence (all of them with `all_cadences`)."""
    stmt = select(Employee, Position, Department.code).join(Department, Department.id == Employee.department_id)
    stmt = stmt.outerjoin(Position, Position.id == Employee.position_id).where(Employee.active.is_(True))
    if kind == "departments":
        stmt = stmt.where(Employee.department_id.in_(department_ids))
    out = []
    for emp, pos, dept_code in session.execute(stmt.order_by(Employee.id)).all():
        if kind == "key_positions" and (pos is None or pos.key_class not in ("A", "B")):
            continue
        if all_cadences or cadence(pos, dept_code).value == period.kind:
            out.append(emp)
    return out


def manages_others(session: Session, employee_id: int) -> bool:
    """Whether anyone reports to this person."""
    return session.execute(select(Employee.id).where(Employee.manager_id == employee_id).limit(1)).first() is not None


def reviewer_of(session: Session, emp: Employee) -> tuple[int | None, bool]:
    """(reviewer, skip level): the manager; for a manager, the manager's manager. Never the person themselves;
    None when nobody is above (HR reviews)."""
    if emp.manager_id is None:
        return None, False
    if manages_others(session, emp.id):
        boss = session.get(Employee, emp.manager_id)
        if boss is not None and boss.manager_id is not None and boss.manager_id != emp.id:
            return boss.manager_id, True
    return (emp.manager_id, False) if emp.manager_id != emp.id else (None, False)


def may_see_item(session: Session, caller: Caller, item: CycleItem) -> bool:
    """The person, their reviewer, their reporting line above them, HR and admin."""
    if caller.sees_everything or caller.employee_id in (item.employee_id, item.reviewer_id):
        return True
    if caller.employee_id is None or caller.role != "manager":
        return False
    return item.employee_id in subtree_employee_ids(session, caller.employee_id)


def item_or_404(session: Session, caller: Caller, cycle_id: int, item_id: int) -> CycleItem:
    """An item of the cycle the caller may see; others answer like a missing id."""
    item = session.get(CycleItem, item_id)
    if item is None or item.cycle_id != cycle_id or not may_see_item(session, caller, item):
        raise coded(NotFound(f"Review cycle item {item_id} not found."), "not_found", thing="review_cycle_item")
    return item


def items_for(session: Session, caller: Caller, cycle_id: int) -> list[CycleItem]:
    """The cycle's items the caller may see: one's own, those one reviews, one's reporting line; HR all."""
    stmt = select(CycleItem).where(CycleItem.cycle_id == cycle_id).order_by(CycleItem.id)
    if not caller.sees_everything:
        if caller.employee_id is None:
            return []
        mine = {caller.employee_id}
        if caller.role == "manager":
            mine |= subtree_employee_ids(session, caller.employee_id)
        stmt = stmt.where(CycleItem.employee_id.in_(mine) | (CycleItem.reviewer_id == caller.employee_id))
    return list(session.execute(stmt).scalars())


def may_see_appeal(caller: Caller, appeal: CycleAppeal) -> bool:
    """The appellant, the decider and HR/admin."""
    return caller.sees_everything or caller.employee_id in (appeal.employee_id, appeal.decider_id)


def appeal_or_404(session: Session, caller: Caller, appeal_id: int) -> CycleAppeal:
    """An appeal the caller may see, or NotFound."""
    appeal = session.get(CycleAppeal, appeal_id)
    if appeal is None or not may_see_appeal(caller, appeal):
        raise coded(NotFound(f"Appeal {appeal_id} not found."), "not_found", thing="appeal")
    return appeal


def appeals_for(session: Session, caller: Caller, status: str | None) -> list[CycleAppeal]:
    """Appeals the caller may see: their own, those they decide; HR all."""
    stmt = select(CycleAppeal).order_by(CycleAppeal.id)
    if status:
        stmt = stmt.where(CycleAppeal.status == status)
    if not caller.sees_everything:
        who = caller.employee_id or -1
        stmt = stmt.where((CycleAppeal.employee_id == who) | (CycleAppeal.decider_id == who))
    return list(session.execute(stmt).scalars())


def rubric_levels(session: Session, indicator_id: int) -> list[dict[str, object]] | None:
    """The rubric levels of an indicator (a qualitative KPI), None when it has none."""
    row = session.execute(
        select(IndicatorRubric).where(IndicatorRubric.indicator_id == indicator_id)
    ).scalar_one_or_none()
    return list(row.levels) if row is not None else None
