"""Logging in and passwords: throttled per (user name, client address) and per client address with a growing
back-off, as slow for a name that does not exist as for one that does, and every password change or reset audited
(never the password or its hash).

Throttling slows the guesser, never the owner: a name locked from one address still logs in from another, and
names are counted case-insensitively. The state lives in the database (`login_throttle`), so several API workers
share it; it is bounded: one row per (name, address) or address with recent failures, pruned as failures arrive.
Admins list and clear locks (`locks.py`).
"""

import hashlib
import math

from sqlalchemy import and_, case, delete, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from core.clock import clock_of
from core.errors import AuthenticationFailed, InvalidInput, NotFound, TooManyAttempts, coded
from core.passwords import DEMO_PASSWORD, password_problems
from core.security import Caller, dummy_hash, hash_password, verify_password
from core.settings import Settings
from core.tables import LoginThrottle, User
from workflows.org import sessions
from workflows.shared import audit, common

WINDOW_S = 15 * 60  # failures count within this window
LOCK_S = 60  # the first lock; each further lock of the same key doubles it ...
MAX_LOCK_S = 60 * 60  # ... up to an hour
MEMORY_S = 24 * 60 * 60  # a key's strikes are forgotten a day after its last lock ran out
USER_LIMIT = 5  # failures per (user name, address) in a window
ADDRESS_LIMIT = 20  # failures per client address in a window (spraying many names from one place)
LIMITS = {"user": USER_LIMIT, "address": ADDRESS_LIMIT}


def _digest(text: str) -> str:
    # Digests: fixed width, and the table never holds a name someone mistyped as their password.
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _keys(username: str, address: str) -> list[tuple[str, str]]:
    return [("user", _digest(f"{username.strip().lower()}\n{address}")), ("address", _digest(address))]


def lock_seconds(strikes: int) -> int:
    """How long the `strikes`-th lock of one key lasts (1: LOCK_S, then doubling up to MAX_LOCK_S)."""
    return int(min(MAX_LOCK_S, LOCK_S * 2 ** max(0, min(strikes - 1, 20))))


def _wait_s(session: Session, keys: list[tuple[str, str]], now: float) -> int:
    """Seconds until every lock on these keys has expired (0: not locked)."""
    t = LoginThrottle
    mine = or_(*[and_(t.scope == scope, t.key == key) for scope, key in keys])
    rows = session.execute(select(t.locked_until).where(mine, t.locked_until > now)).scalars()
    return max((math.ceil(until - now) for until in rows), default=0)


def _refuse_if_locked(session: Session, keys: list[tuple[str, str]], now: float) -> None:
    wait = _wait_s(session, keys, now)
    if wait > 0:
        raise coded(
            TooManyAttempts(f"Too many failed attempts; try again in {wait} seconds.", retry_after=wait),
            "login_throttled",
            f"失败次数过多，请 {wait} 秒后再试。",
        )


def _count_failure(session: Session, keys: list[tuple[str, str]], labels: list[str], now: float) -> None:
    """One more failure for each key (an upsert, safe with concurrent workers); lock keys at their limit."""
    t = LoginThrottle
    session.execute(delete(t).where(t.window_start < now - WINDOW_S, t.locked_until < now - MEMORY_S))
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stale = t.window_start < now - WINDOW_S
    for (scope, key), label in zip(keys, labels, strict=True):
        stmt = insert(t).values(
            scope=scope, key=key, failures=1, window_start=now, locked_until=0.0, strikes=0, label=label
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=[t.scope, t.key],
            set_={
                "failures": case((stale, 1), else_=t.failures + 1),
                "window_start": case((stale, now), else_=t.window_start),
                "label": label,
            },
        )
        session.execute(stmt)
        # The upsert holds the row's lock until commit, so reading and locking it here is safe.
        row = session.execute(select(t).where(t.scope == scope, t.key == key)).scalar_one()
        session.refresh(row)
        if row.failures >= LIMITS[scope]:
            row.strikes += 1
            row.failures, row.window_start, row.locked_until = 0, now, now + lock_seconds(row.strikes)
    session.flush()


def _clear_user(session: Session, keys: list[tuple[str, str]]) -> None:
    scope, key = keys[0]
    session.execute(delete(LoginThrottle).where(LoginThrottle.scope == scope, LoginThrottle.key == key))


def _labels(user: User | None, address: str) -> list[str]:
    # Only a real user's name is shown to admins, never a mistyped one (it may be someone's password).
    return [f"{user.username if user is not None else '(unknown name)'} @ {address}", address]


@common.use_case
def login(session: Session, settings: Settings, *, username: str, password: str, address: str) -> str:
    """A bearer token (bound to a new revocable session) for valid credentials; commits either way."""
    now = clock_of(session).now()
    keys = _keys(username, address)
    _refuse_if_locked(session, keys, now.timestamp())
    user = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
    # Always one argon2 verification, so an unknown name answers as slowly as a known one.
    matches = verify_password(password, user.password_hash if user is not None else dummy_hash())
    if user is None or not user.active or not matches:
        # The failure counts although the login fails: its own transaction, before the refusal.
        common.commit(session, lambda: _count_failure(session, keys, _labels(user, address), now.timestamp()))
        raise coded(AuthenticationFailed("Wrong username or password."), "auth.wrong_credentials")
    if password == DEMO_PASSWORD and not settings.demo:
        raise coded(
            AuthenticationFailed("The demo password is refused outside demo mode; ask an admin to reset yours."),
            "auth.demo_password_refused",
        )
    _clear_user(session, keys)
    token = sessions.start(session, settings, user, now)
    return token


def check_password(password: str, *, username: str, demo: bool) -> None:
    """InvalidInput listing every rule of the password policy that `password` breaks."""
    problems = password_problems(password, username=username, demo=demo)
    if problems:
        raise coded(
            InvalidInput("The password does not meet the policy.", [{"loc": ["password"], "msg": p} for p in problems]),
            "auth.weak_password",
            "密码不符合要求：至少 10 个字符、5 种不同字符，不含用户名，不能是常见的泄露密码。",
        )


def _set_password(session: Session, actor: Caller, user: User, new_password: str, action: str) -> None:
    user.password_hash = hash_password(new_password)
    user.version += 1
    session.flush()
    sessions.revoke_all(session, user.id)  # every session of the old password ends now
    # The event says who changed whose password and when; the password and its hash never enter the log.
    audit.record(session, actor=actor, action=action, entity="user", entity_id=user.id, after={"version": user.version})


@common.use_case
def change_password(
    session: Session, settings: Settings, caller: Caller, *, current: str, new: str, address: str
) -> None:
    """A user changes their own password, proving the current one (throttled like a login); one commit."""
    now = clock_of(session).now().timestamp()
    # The caller holds a token, so only their name is counted: a stolen token cannot guess the password for
    # long, and the count is the same one logins use.
    keys = _keys(caller.username, address)[:1]
    _refuse_if_locked(session, keys, now)
    user = session.get(User, caller.user_id)
    if user is None or not verify_password(current, user.password_hash):
        common.commit(session, lambda: _count_failure(session, keys, [f"{caller.username} @ {address}"], now))
        raise coded(
            InvalidInput("The current password is wrong.", [{"loc": ["current_password"], "msg": "wrong"}]),
            "auth.wrong_password",
            "当前密码不正确。",
        )
    if new == current:
        raise coded(
            InvalidInput("Choose a new password.", [{"loc": ["new_password"], "msg": "same as the current one"}]),
            "auth.same_password",
            "请设置一个与当前密码不同的新密码。",
        )
    check_password(new, username=user.username, demo=settings.demo)
    user.must_change_password = False  # a one-time password is used up
    _set_password(session, caller, user, new, "password_change")


@common.use_case
def reset_password(session: Session, settings: Settings, caller: Caller, user_id: int, new: str) -> None:
    """An admin sets someone else's password (their old tokens stop working); audited, one commit."""
    user = session.get(User, user_id)
    if user is None:
        raise coded(NotFound(f"User {user_id} not found."), "not_found", thing="user")
    if user.id == caller.user_id:
        raise coded(
            InvalidInput("Change your own password with POST /api/v1/me/password (it asks for the current one)."),
            "auth.own_password_elsewhere",
        )
    check_password(new, username=user.username, demo=settings.demo)
    _set_password(session, caller, user, new, "password_reset")
