"""Who may see or plan whose goals: reach by role and reporting line, and nobody plans their own KPIs."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.errors import InvalidInput, NotFound, coded
from core.security import MANAGER, Caller
from core.tables import Employee
from workflows.shared.access import can_see_employee, managed_department_ids


def may_read_owner(session: Session, caller: Caller, department_id: int | None, employee_id: int | None) -> bool:
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
        raise coded(
            NotFound("Not found among the records you may change: nobody sets their own KPIs, targets or actuals."),
            "not_yours_to_change",
        )


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
        raise coded(
            NotFound(f"{target.capitalize()} not found."),
            "not_found",
            thing="employee" if employee_id else "department",
        )


def owner_check(level: str | None, department_id: int | None, employee_id: int | None) -> None:
    if employee_id is not None and department_id is not None:
        raise coded(
            InvalidInput("Give either employee_id or department_id, not both.", [{"loc": ["employee_id"]}]),
            "okr.owner_both",
        )
    expected = {"company": (False, False), "department": (True, False), "person": (False, True)}
    if level is not None and expected[level] != (department_id is not None, employee_id is not None):
        raise coded(
            InvalidInput(
                f"A {level}-level objective needs exactly the matching owner id.",
                [{"loc": ["level"], "msg": "company: none; department: department_id; person: employee_id"}],
            ),
            "okr.owner_mismatch",
        )
