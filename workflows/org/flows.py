"""Org use cases: departments and employees, each read scoped to what the caller may see."""

import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.errors import InvalidInput, NotFound, PermissionDenied, coded
from core.security import Caller
from core.tables import Company, Department, Employee, Position
from workflows.org.people import check_head
from workflows.org.schemas import (
    DepartmentCreate,
    DepartmentPublic,
    DepartmentUpdate,
    EmployeeCreate,
    EmployeePublic,
    EmployeeUpdate,
    UserCreate,
    UserPublic,
)
from workflows.shared import common
from workflows.shared.access import get_visible_employee as get_visible_employee  # also the routes' read
from workflows.shared.access import subtree_employee_ids, visible_employee_ids

# What nobody changes on their own employee record: who they report to, their department and position.
SELF_LOCKED = frozenset({"manager_id", "department_id", "position_id", "active"})


def list_departments(session: Session, *, limit: int, offset: int) -> tuple[list[Department], int]:
    """All departments (the org chart is not personal data)."""
    return common.paginate(session, select(Department).order_by(Department.id), limit=limit, offset=offset)


def get_department(session: Session, department_id: int) -> Department:
    """A department or NotFound."""
    dept = session.get(Department, department_id)
    if dept is None:
        raise coded(NotFound(f"Department {department_id} not found."), "not_found", thing="department")
    return dept


def _check_parent(session: Session, dept_id: int | None, parent_id: int | None) -> None:
    if parent_id is None:
        return
    if session.get(Department, parent_id) is None:
        raise coded(
            InvalidInput("Unknown parent department.", [{"loc": ["parent_id"], "msg": f"{parent_id} does not exist"}]),
            "org.unknown_parent",
            "上级部门不存在。",
        )
    cursor: int | None = parent_id
    while cursor is not None:  # walking up from the new parent must never reach the department itself
        if cursor == dept_id:
            raise coded(
                InvalidInput("A department cannot sit under itself.", [{"loc": ["parent_id"], "msg": "cycle"}]),
                "org.department_loop",
                "部门不能放在自己或自己的下级部门之下。",
            )
        cursor = session.execute(select(Department.parent_id).where(Department.id == cursor)).scalar_one()


def create_department(session: Session, caller: Caller, data: DepartmentCreate) -> Department:
    """Create a department in the company (audited; caller commits)."""
    company = session.execute(select(Company).order_by(Company.id)).scalars().first()
    if company is None:
        raise coded(
            InvalidInput("No company exists yet; load one first (`kpilot demo` or an import)."), "org.no_company"
        )
    _check_parent(session, None, data.parent_id)
    values = data.model_dump()
    values["code"] = values["code"] or f"D-{secrets.token_hex(4).upper()}"  # the pages never ask for a code
    return common.create(session, Department(company_id=company.id, **values), caller=caller, entity="department")


@common.use_case
def update_department(
    session: Session,
    caller: Caller,
    department_id: int,
    data: DepartmentUpdate,
    if_match: str | None,
) -> Department:
    """Rename or move a department (If-Match, audited)."""
    dept = get_department(session, department_id)
    changes = data.model_dump(exclude_unset=True)
    if "parent_id" in changes:
        _check_parent(session, dept.id, changes["parent_id"])
    if "head_id" in changes:
        check_head(session, changes["head_id"])
    common.update_versioned(session, dept, changes, if_match=if_match, caller=caller, entity="department")
    return dept


def list_positions(session: Session, *, limit: int, offset: int) -> tuple[list[Position], int]:
    """All positions."""
    return common.paginate(session, select(Position).order_by(Position.id), limit=limit, offset=offset)


def list_employees(
    session: Session,
    caller: Caller,
    *,
    department_id: int | None,
    limit: int,
    offset: int,
) -> tuple[list[Employee], int]:
    """Employees the caller may see: self (employee), reporting subtree (manager), everyone (HR/admin)."""
    stmt = select(Employee).order_by(Employee.id)
    visible = visible_employee_ids(session, caller)
    if visible is not None:
        stmt = stmt.where(Employee.id.in_(visible))
    if department_id is not None:
        stmt = stmt.where(Employee.department_id == department_id)
    return common.paginate(session, stmt, limit=limit, offset=offset)


def _check_refs(session: Session, employee_id: int | None, changes: dict[str, object]) -> None:
    problems: list[dict[str, object]] = []
    for field, model in (("department_id", Department), ("position_id", Position), ("manager_id", Employee)):
        value = changes.get(field)
        if value is not None and session.get(model, value) is None:
            problems.append({"loc": [field], "msg": f"{value} does not exist"})
    manager_id = changes.get("manager_id")
    manager = session.get(Employee, manager_id) if isinstance(manager_id, int) else None
    if manager is not None and not manager.active:
        problems.append({"loc": ["manager_id"], "msg": "the manager has left"})
    if (
        employee_id is not None
        and isinstance(manager_id, int)
        and manager_id in subtree_employee_ids(session, employee_id)
    ):
        problems.append({"loc": ["manager_id"], "msg": "a person cannot report to themselves or to their own report"})
    if problems:
        raise coded(
            InvalidInput("The employee references something that does not fit.", problems),
            "org.bad_reference",
            "部门、岗位或上级不存在，或上级已离职，或会形成汇报环路（不能向自己的下属汇报）。",
        )


def create_employee(session: Session, caller: Caller, data: EmployeeCreate) -> Employee:
    """Hire: create an employee record (audited; caller commits)."""
    company = session.execute(select(Company).order_by(Company.id)).scalars().first()
    if company is None:
        raise coded(InvalidInput("No company exists yet; load one first."), "org.no_company")
    _check_refs(session, None, data.model_dump())
    return common.create(
        session, Employee(company_id=company.id, **data.model_dump()), caller=caller, entity="employee"
    )


@common.use_case
def update_employee(
    session: Session,
    caller: Caller,
    employee_id: int,
    data: EmployeeUpdate,
    if_match: str | None,
) -> Employee:
    """Change an employee's record (If-Match, audited)."""
    emp = get_visible_employee(session, caller, employee_id)
    changes = data.model_dump(exclude_unset=True)
    own = sorted(set(changes) & SELF_LOCKED) if emp.id == caller.employee_id else []
    if own:
        raise coded(
            PermissionDenied(f"Nobody changes their own {', '.join(own)}; another HR officer or an admin does."),
            "own_record_locked",
            "任何人都不能修改自己的上级、部门、岗位或在职状态，请由其他 HR 或管理员修改。",
        )
    _check_refs(session, emp.id, changes)
    if changes.get("active") is True:
        changes["left_on"] = None  # back again (a rehire): no last day
    common.update_versioned(session, emp, changes, if_match=if_match, caller=caller, entity="employee")
    return emp


# Logins, sessions and lockouts: use cases kept in their topic modules (routes import only this module).
from workflows.org.locks import clear_lock as clear_lock  # noqa: E402
from workflows.org.locks import list_locks as list_locks  # noqa: E402
from workflows.org.login import change_password as change_password  # noqa: E402
from workflows.org.login import login as login  # noqa: E402
from workflows.org.login import reset_password as reset_password  # noqa: E402
from workflows.org.logins import create_login_once as create_login_once  # noqa: E402
from workflows.org.logins import one_time_reset as one_time_reset  # noqa: E402
from workflows.org.people import leave as leave  # noqa: E402
from workflows.org.sessions import end  # noqa: E402
from workflows.org.sessions import sign_out_everywhere as sign_out_everywhere  # noqa: E402
from workflows.org.users import create_user as create_user  # noqa: E402
from workflows.org.users import get_user as get_user  # noqa: E402
from workflows.org.users import update_user as update_user  # noqa: E402


def end_session(session: Session, user_id: int, sid: str | None) -> None:
    """Log out: end one session of the user (`sessions.end`)."""
    end(session, user_id, sid)


# --- idempotent creates (one transaction with the Idempotency-Key record; 201 and the new object) -----------
def create_department_once(session: Session, caller: Caller, data: DepartmentCreate, key: str | None) -> common.Answer:
    """Create a department once per Idempotency-Key."""
    return common.create_once(
        session, caller, key, data, DepartmentPublic, lambda: create_department(session, caller, data)
    )


def create_employee_once(session: Session, caller: Caller, data: EmployeeCreate, key: str | None) -> common.Answer:
    """Add a person once per Idempotency-Key."""
    return common.create_once(
        session, caller, key, data, EmployeePublic, lambda: create_employee(session, caller, data)
    )


def create_user_once(
    session: Session, caller: Caller, data: UserCreate, key: str | None, *, demo: bool = False
) -> common.Answer:
    """Create a login once per Idempotency-Key (the password is hashed; the key's record keeps only a digest)."""
    return common.create_once(
        session,
        caller,
        key,
        data,
        UserPublic,
        lambda: create_user(
            session,
            caller=caller,
            username=data.username,
            password=data.password,
            role=data.role,
            employee_id=data.employee_id,
            demo=demo,
        ),
    )
