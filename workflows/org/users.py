"""Logins and users: authenticate, resolve the caller, create and change users (admin only)."""

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.clock import clock_of
from core.errors import AuthenticationFailed, InvalidInput, NotFound
from core.security import ADMIN, ALL_ROLES, Caller, create_token, hash_password, verify_password
from core.settings import DEMO_PASSWORD, Settings
from core.tables import Employee, User
from workflows.org.schemas import UserUpdate
from workflows.shared import common


def caller_for(session: Session, user_id: int) -> Caller:
    """The Caller for an active user id; AuthenticationFailed when the user is gone or disabled."""
    user = session.get(User, user_id)
    if user is None or not user.active:
        raise AuthenticationFailed("This account no longer exists or was disabled.")
    return Caller(user_id=user.id, username=user.username, role=user.role, employee_id=user.employee_id)


def login(session: Session, settings: Settings, *, username: str, password: str) -> str:
    """A bearer token for valid credentials; the demo password only works in demo mode."""
    user = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
    if user is None or not user.active or not verify_password(password, user.password_hash):
        raise AuthenticationFailed("Wrong username or password.")
    if password == DEMO_PASSWORD and not settings.demo:
        raise AuthenticationFailed("The demo password is refused outside demo mode; ask an admin to reset yours.")
    return create_token(
        user_id=user.id, secret=settings.secret_key, ttl_minutes=settings.token_ttl_minutes, now=clock_of(session).now()
    )


def validate_new_user(session: Session, *, role: str, employee_id: int | None, password: str) -> None:
    """Refuse unknown roles, short passwords and missing employees before anything is written."""
    problems: list[dict[str, object]] = []
    if role not in ALL_ROLES:
        problems.append({"loc": ["role"], "msg": f"unknown role {role!r}; use one of {sorted(ALL_ROLES)}"})
    if len(password) < 10:
        problems.append({"loc": ["password"], "msg": "use at least 10 characters"})
    if employee_id is not None and session.get(Employee, employee_id) is None:
        problems.append({"loc": ["employee_id"], "msg": f"employee {employee_id} does not exist"})
    if problems:
        raise InvalidInput("The user cannot be created as given.", problems)


def create_user(
    session: Session,
    *,
    caller: Caller | None,
    username: str,
    password: str,
    role: str,
    employee_id: int | None,
) -> User:
    """Create a user with a hashed password (audited; the caller commits)."""
    validate_new_user(session, role=role, employee_id=employee_id, password=password)
    user = User(username=username, password_hash=hash_password(password), role=role, employee_id=employee_id)
    system = caller or Caller(user_id=0, username="system", role=ADMIN, employee_id=None)
    created = common.create(session, user, caller=system, entity="user")
    return created


def public_view(user: User) -> dict[str, Any]:
    """A user without the password hash."""
    data = common.snapshot(user)
    data.pop("password_hash", None)
    return data


def update_user(session: Session, caller: Caller, user_id: int, data: UserUpdate, if_match: str | None) -> User:
    """An admin changes a user's role or disables them (If-Match, audited, one commit)."""
    user = get_user(session, user_id)
    common.update_versioned(
        session, user, data.model_dump(exclude_unset=True), if_match=if_match, caller=caller, entity="user"
    )
    session.commit()
    return user


def get_user(session: Session, user_id: int) -> User:
    """A user by id or NotFound."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"User {user_id} not found.")
    return user
