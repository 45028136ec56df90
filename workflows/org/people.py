"""People changes HR makes on the org pages: a department's head, and a leaver.

A leaver stays a row (DOMAIN: leavers are a status, not missing rows). Leaving, in one transaction and one
decision on the employee (If-Match): the person is marked inactive with their last day; their logins are
disabled and signed out everywhere; their direct reports move up to the leaver's own manager; a department
they headed has no head; their KPI assignments of periods still running after their last day are closed
(results recorded so far stay). Every one of these changes is its own audit event.
"""

from typing import Any, cast

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.errors import Conflict, InvalidInput, PermissionDenied, coded
from core.security import ADMIN, Caller
from core.tables import Department, Employee, KpiAssignment, Period, User
from workflows.org import sessions
from workflows.org.schemas import EmployeeLeave
from workflows.shared import common, decisions
from workflows.shared.access import get_visible_employee


def check_head(session: Session, head_id: object) -> None:
    """A department head must be an active employee."""
    if head_id is None:
        return
    emp = session.get(Employee, head_id)
    if emp is None or not emp.active:
        raise coded(
            InvalidInput(
                "The head must be an active employee.",
                [{"loc": ["head_id"], "msg": f"{head_id} is not an active employee"}],
            ),
            "org.head_not_active",
            "部门负责人必须是在职员工。",
        )


def _set(session: Session, caller: Caller, row: Any, changes: dict[str, Any], *, action: str, entity: str) -> None:
    """One audited compare-and-set of a dependent row (at the version just read, inside this transaction)."""
    before = common.snapshot(row)
    decisions.write(session, cast(decisions.VersionedRow, row), row.version, changes, caller=caller,
                    action=action, entity=entity, before=before)  # fmt: skip


def _last_admin_among(session: Session, logins: list[User]) -> bool:
    mine = {u.id for u in logins}
    admins = select(func.count()).select_from(User).where(User.role == ADMIN, User.active.is_(True))
    others = session.execute(admins.where(User.id.not_in(mine))).scalar_one()
    return any(u.role == ADMIN and u.active for u in logins) and int(others) == 0


@common.use_case
def leave(session: Session, caller: Caller, employee_id: int, data: EmployeeLeave, if_match: str | None) -> Employee:
    """Mark a leaver (If-Match on the employee) and hand on what they had open; audited, one commit."""
    emp = get_visible_employee(session, caller, employee_id)
    if emp.id == caller.employee_id:
        raise coded(
            PermissionDenied("Nobody marks themselves as a leaver; another HR officer or an admin does."),
            "own_record_locked",
            "任何人都不能把自己标记为离职，请由其他 HR 或管理员操作。",
        )
    expected = decisions.gate(emp, if_match, entity="employee")
    if not emp.active:
        raise coded(Conflict("This person has already left."), "org.already_left", "此人已离职。")
    if emp.hire_date is not None and data.left_on < emp.hire_date:
        raise coded(
            InvalidInput("The last day is before the hire date.", [{"loc": ["left_on"], "msg": "before hire date"}]),
            "org.left_before_hire",
            "最后工作日早于入职日期。",
        )
    logins = list(session.execute(select(User).where(User.employee_id == emp.id)).scalars())
    if _last_admin_among(session, logins):
        raise coded(
            Conflict("This person holds the last active admin login: make someone else admin first."),
            "users.last_admin",
            "此人持有最后一个有效的管理员账号：请先让其他人成为管理员。",
        )
    before = common.snapshot(emp)
    decisions.write(session, emp, expected, {"active": False, "left_on": data.left_on}, caller=caller,
                    action="leave", entity="employee", before=before)  # fmt: skip
    for user in logins:
        if user.active:
            _set(session, caller, user, {"active": False}, action="disable", entity="user")
        sessions.revoke_all(session, user.id)
    for report in session.execute(select(Employee).where(Employee.manager_id == emp.id)).scalars().all():
        _set(session, caller, report, {"manager_id": emp.manager_id}, action="update", entity="employee")
    for dept in session.execute(select(Department).where(Department.head_id == emp.id)).scalars().all():
        _set(session, caller, dept, {"head_id": None}, action="update", entity="department")
    still_open = (
        select(KpiAssignment)
        .join(Period, Period.id == KpiAssignment.period_id)
        .where(KpiAssignment.employee_id == emp.id, KpiAssignment.status == "active", Period.end_date > data.left_on)
    )
    for assignment in session.execute(still_open).scalars().all():
        _set(session, caller, assignment, {"status": "closed"}, action="close", entity="kpi_assignment")
    return emp
