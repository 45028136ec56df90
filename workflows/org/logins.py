"""Logins an admin hands out on the admin page: a login for a person, and a new one-time password.

kpilot picks the password (never typed, never chosen by the admin), shows it once and never stores it in clear:
the owner must change it at their first login (`must_change_password`), and until then the login may only read
who it is and change its password. Handing out one-time passwords is rate-limited per login, so a stolen admin
session cannot cycle someone's password without bound; every one is audited (never the password).
"""

import secrets
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.clock import clock_of
from core.errors import Conflict, InvalidInput, NotFound, TooManyAttempts, coded
from core.security import Caller, hash_password
from core.tables import AuditEvent, Employee, User
from workflows.org import sessions
from workflows.org.schemas import LoginCreate
from workflows.shared import audit, common

RESETS_PER_HOUR = 5  # one-time passwords handed out for one login within an hour


def _one_time_password() -> str:
    # 16 URL-safe characters (96 bits): meets the password policy, easy to read out or copy once.
    return secrets.token_urlsafe(12)


def create_login(session: Session, caller: Caller, data: LoginCreate) -> dict[str, Any]:
    """A login for an active person who has none (admin); the answer carries its one-time password, once."""
    emp = session.get(Employee, data.employee_id)
    if emp is None or not emp.active:
        raise coded(
            InvalidInput(
                "Logins are made for active employees only.",
                [{"loc": ["employee_id"], "msg": f"{data.employee_id} is not an active employee"}],
            ),
            "users.person_not_active",
            "只能为在职员工创建账号。",
        )
    if session.execute(select(User.id).where(User.employee_id == emp.id)).first() is not None:
        raise coded(Conflict("This person already has a login."), "users.person_has_login", "此人已有登录账号。")
    username = data.username or emp.code.lower()
    if session.execute(select(User.id).where(User.username == username)).first() is not None:
        raise coded(
            Conflict(f"The user name {username!r} is taken; choose another."),
            "users.username_taken",
            f"用户名 {username} 已被占用，请换一个。",
        )
    password = _one_time_password()
    user = User(
        username=username,
        password_hash=hash_password(password),
        role=data.role,
        employee_id=emp.id,
        must_change_password=True,
    )
    common.create(session, user, caller=caller, entity="user")
    return {"user_id": user.id, "username": username, "one_time_password": password, "version": user.version}


def create_login_once(
    session: Session, caller: Caller, data: LoginCreate, key: str | None
) -> tuple[int, dict[str, Any]]:
    """`create_login` once per Idempotency-Key (one commit): the first answer carries the one-time password; a
    replay answers the same login without it, because the stored answer never holds a password in clear."""
    shown: dict[str, str] = {}

    def produce() -> tuple[int, dict[str, Any]]:
        made = create_login(session, caller, data)
        shown["password"] = made.pop("one_time_password")
        return 201, made

    status, body = common.run_once(
        session, caller=caller, key=key, payload=data.model_dump(mode="json"), produce=produce
    )
    return status, {**body, "one_time_password": shown.get("password")}


def _recent_resets(session: Session, user_id: int) -> int:
    since = clock_of(session).now() - timedelta(hours=1)
    stmt = (
        select(func.count())
        .select_from(AuditEvent)
        .where(
            AuditEvent.entity == "user",
            AuditEvent.entity_id == str(user_id),
            AuditEvent.action == "one_time_password",
            AuditEvent.at >= since,
        )
    )
    return int(session.execute(stmt).scalar_one())


@common.use_case
def one_time_reset(session: Session, caller: Caller, user_id: int) -> dict[str, Any]:
    """A new one-time password for someone else's login (admin): their sessions end, they must change it at
    their next login; audited, rate-limited, one commit."""
    user = session.get(User, user_id)
    if user is None:
        raise coded(NotFound(f"User {user_id} not found."), "not_found", thing="user")
    if user.id == caller.user_id:
        raise coded(
            InvalidInput("Change your own password on the password page (it asks for the current one)."),
            "users.own_password",
            "请在“修改密码”页面修改自己的密码（需要输入当前密码）。",
        )
    if _recent_resets(session, user.id) >= RESETS_PER_HOUR:
        raise coded(
            TooManyAttempts(f"At most {RESETS_PER_HOUR} one-time passwords an hour for one login.", retry_after=3600),
            "users.reset_throttled",
            f"同一账号每小时最多重置 {RESETS_PER_HOUR} 次一次性密码，请稍后再试。",
        )
    password = _one_time_password()
    user.password_hash = hash_password(password)
    user.must_change_password = True
    user.version += 1
    session.flush()
    ended = sessions.revoke_all(session, user.id)
    audit.record(session, actor=caller, action="one_time_password", entity="user", entity_id=user.id,
                 after={"version": user.version, "sessions_ended": ended})  # fmt: skip
    return {"user_id": user.id, "username": user.username, "one_time_password": password, "version": user.version}
