"""Object-level access: whose records a caller may see. "Not yours" and "missing" both raise NotFound."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.errors import NotFound, coded
from core.security import MANAGER, Caller
from core.tables import Department, Employee


def subtree_employee_ids(session: Session, root_employee_id: int) -> set[int]:
    """The employee and everyone reporting to them, directly or indirectly (recursive query)."""
    tree = select(Employee.id).where(Employee.id == root_employee_id).cte("reports", recursive=True)
    tree = tree.union(select(Employee.id).where(Employee.manager_id == tree.c.id))
    return set(session.execute(select(tree.c.id)).scalars())


def visible_employee_ids(session: Session, caller: Caller) -> set[int] | None:
    """None when the caller sees everyone; otherwise the ids they may see."""
    if caller.sees_everything:
        return None
    if caller.employee_id is None:
        return set()
    if caller.role == MANAGER:
        return subtree_employee_ids(session, caller.employee_id)
    return {caller.employee_id}


def can_see_employee(session: Session, caller: Caller, employee_id: int | None) -> bool:
    """Whether the caller may read records of `employee_id`."""
    if employee_id is None:
        return False
    visible = visible_employee_ids(session, caller)
    return visible is None or employee_id in visible


def managed_department_ids(session: Session, caller: Caller) -> set[int] | None:
    """Departments a caller may plan for: None = all (HR/admin); a manager's own department and its children."""
    if caller.sees_everything:
        return None
    if caller.role != MANAGER or caller.employee_id is None:
        return set()
    own = session.execute(select(Employee.department_id).where(Employee.id == caller.employee_id)).scalar_one()
    tree = select(Department.id).where(Department.id == own).cte("depts", recursive=True)
    tree = tree.union(select(Department.id).where(Department.parent_id == tree.c.id))
    return set(session.execute(select(tree.c.id)).scalars())


def get_visible_employee(session: Session, caller: Caller, employee_id: int) -> Employee:
    """The employee if the caller may see them; NotFound otherwise (same answer as a missing id)."""
    emp = session.get(Employee, employee_id)
    if emp is None or not can_see_employee(session, caller, emp.id):
        raise coded(NotFound(f"Employee {employee_id} not found."), "not_found", thing="employee")
    return emp
