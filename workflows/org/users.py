"""Users: resolve the caller of a token, create and change users (admin only); logins live in `login.py`."""

import hmac

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.errors import AuthenticationFailed, Conflict, InvalidInput, NotFound, coded
from core.passwords import password_problems
from core.security import ADMIN, ALL_ROLES, PERSON_ROLES, Caller, hash_password, password_stamp
from core.tables import Employee, User
from workflows.org import sessions
from workflows.org.schemas import UserUpdate
from workflows.shared import common


def caller_for_token(session: Session, user_id: int, stamp: str | None, sid: str | None) -> Caller:
    """The Caller of a token: `caller_for`, and its session `sid` must be live (logout and the like end it)."""
    caller = caller_for(session, user_id, stamp)
    sessions.check(session, user_id, sid)
    return caller


def caller_for(session: Session, user_id: int, stamp: str | None = None) -> Caller:
    """The Caller for an active user id; AuthenticationFailed when the user is gone, disabled, or changed
    their password after the token was issued (`stamp` is the token's password stamp)."""
    user = session.get(User, user_id)
    if user is None or not user.active:
        raise coded(AuthenticationFailed("This account no longer exists or was disabled."), "auth.account_gone")
    if stamp is not None and not hmac.compare_digest(stamp, password_stamp(user.password_hash)):
        raise coded(
            AuthenticationFailed("The password was changed since this token was issued; log in again."),
            "auth.password_changed",
        )
    return Caller(
        user_id=user.id,
        username=user.username,
        role=user.role,
        employee_id=user.employee_id,
        must_change_password=user.must_change_password,
    )


def validate_new_user(
    session: Session, *, username: str, role: str, employee_id: int | None, password: str, demo: bool = False
) -> None:
    """Refuse unknown roles, weak passwords (core.passwords) and missing employees before anything is written."""
    problems: list[dict[str, object]] = []
    if role not in ALL_ROLES:
        problems.append({"loc": ["role"], "msg": f"unknown role {role!r}; use one of {sorted(ALL_ROLES)}"})
    for msg in password_problems(password, username=username, demo=demo):
        problems.append({"loc": ["password"], "msg": msg})
    if employee_id is not None and session.get(Employee, employee_id) is None:
        problems.append({"loc": ["employee_id"], "msg": f"employee {employee_id} does not exist"})
    if problems:
        raise coded(InvalidInput("The user cannot be created as given.", problems), "users.invalid")


def create_user(
    session: Session,
    *,
    caller: Caller | None,
    username: str,
    password: str,
    role: str,
    employee_id: int | None,
    demo: bool = False,
) -> User:
    """Create a user with a hashed password (audited; the caller commits). An admin may not create a login
    that can score people without linking it to an employee (the console operator's bootstrap admin may)."""
    if caller is not None and role in PERSON_ROLES and employee_id is None:
        raise coded(
            InvalidInput(
                f"A {role} login can set scores, targets or pay, so it must be linked to an employee (employee_id).",
                [{"loc": ["body", "employee_id"], "msg": "required for this role", "code": "person_required"}],
            ),
            "person_required",
            "该角色可以录入分数、目标或薪酬，账号必须关联到一名员工，请选择关联的员工。",
        )
    validate_new_user(session, username=username, role=role, employee_id=employee_id, password=password, demo=demo)
    user = User(username=username, password_hash=hash_password(password), role=role, employee_id=employee_id)
    system = caller or Caller(user_id=0, username="system", role=ADMIN, employee_id=None)
    created = common.create(session, user, caller=system, entity="user")
    return created


@common.use_case
def update_user(session: Session, caller: Caller, user_id: int, data: UserUpdate, if_match: str | None) -> User:
    """An admin changes a user's role or disables them (If-Match, audited, one commit); the last active admin
    keeps the role, so the company can never lock itself out of user management."""
    user = get_user(session, user_id)
    changes = data.model_dump(exclude_unset=True)
    if "employee_id" in changes:
        _check_link(session, user, changes["employee_id"])
    person = session.get(Employee, changes.get("employee_id", user.employee_id) or 0)
    if changes.get("active") is True and person is not None and not person.active:
        raise coded(
            Conflict("This login's person has left; a leaver's login stays disabled."),
            "users.person_left",
            "此账号关联的员工已离职，离职人员的账号保持停用。",
        )
    linked = changes.get("employee_id", user.employee_id)
    if (
        ("role" in changes or "employee_id" in changes)
        and changes.get("role", user.role) in PERSON_ROLES
        and linked is None
    ):
        raise coded(
            InvalidInput(
                "This login is not linked to an employee, so it cannot hold a role that sets scores, targets or pay.",
                [{"loc": ["body", "role"], "msg": "link the login to an employee first", "code": "person_required"}],
            ),
            "person_required",
            "此账号未关联员工，不能担任可录入分数、目标或薪酬的角色。",
        )
    loses_admin = changes.get("role", user.role) != ADMIN or changes.get("active", user.active) is False
    if user.role == ADMIN and user.active and loses_admin and _other_active_admins(session, user.id) == 0:
        raise coded(
            Conflict("This is the last active admin: make someone else admin first, then change this account."),
            "users.last_admin",
        )
    common.update_versioned(session, user, changes, if_match=if_match, caller=caller, entity="user")
    if not user.active:
        sessions.revoke_all(session, user.id)  # a disabled account is signed out everywhere at once
    return user


def _check_link(session: Session, user: User, employee_id: int | None) -> None:
    """A login is linked to an active person who has no other login (the bootstrap admin links itself so)."""
    if employee_id is None:
        return
    emp = session.get(Employee, employee_id)
    if emp is None or not emp.active:
        raise coded(
            InvalidInput(
                "A login is linked to an active employee.",
                [{"loc": ["body", "employee_id"], "msg": f"{employee_id} is not an active employee"}],
            ),
            "users.person_not_active",
            "账号只能关联在职员工。",
        )
    other = session.execute(select(User.id).where(User.employee_id == employee_id, User.id != user.id)).first()
    if other is not None:
        raise coded(Conflict("This person already has a login."), "users.person_has_login", "此人已有登录账号。")


def get_user(session: Session, user_id: int) -> User:
    """A user by id or NotFound."""
    user = session.get(User, user_id)
    if user is None:
        raise coded(NotFound(f"User {user_id} not found."), "not_found", thing="user")
    return user


def _other_active_admins(session: Session, user_id: int) -> int:
    stmt = select(func.count()).select_from(User).where(User.role == ADMIN, User.active.is_(True), User.id != user_id)
    return int(session.execute(stmt).scalar_one())
