"""Logging in and passwords: throttled per user name and per client address, as slow for a name that does not
exist as for one that does, and every password change or reset audited (never the password or its hash).

Throttling state lives in the database (`login_throttle`), so several API workers share it; it is bounded:
one row per name or address with failures in the last window, pruned as new failures arrive.
"""

import hashlib
import math

from sqlalchemy import and_, case, delete, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from core.clock import clock_of
from core.errors import AuthenticationFailed, InvalidInput, NotFound, TooManyAttempts
from core.passwords import DEMO_PASSWORD, password_problems
from core.security import Caller, create_token, dummy_hash, hash_password, password_stamp, verify_password
from core.settings import Settings
from core.tables import LoginThrottle, User
from workflows.shared import audit

WINDOW_S = 15 * 60  # failures count within this window
LOCK_S = 15 * 60  # how long a name or address is refused after too many failures
USER_LIMIT = 5  # failures per user name in a window
ADDRESS_LIMIT = 20  # failures per client address in a window (spraying many names from one place)
LIMITS = {"user": USER_LIMIT, "address": ADDRESS_LIMIT}


def _keys(username: str, address: str) -> list[tuple[str, str]]:
    # Digests: fixed width, and the table never holds a name someone mistyped as their password.
    return [
        ("user", hashlib.sha256(username.strip().lower().encode("utf-8")).hexdigest()),
        ("address", hashlib.sha256(address.encode("utf-8")).hexdigest()),
    ]


def _wait_s(session: Session, keys: list[tuple[str, str]], now: float) -> int:
    """Seconds until every lock on these keys has expired (0: not locked)."""
    t = LoginThrottle
    mine = or_(*[and_(t.scope == scope, t.key == key) for scope, key in keys])
    rows = session.execute(select(t.locked_until).where(mine, t.locked_until > now)).scalars()
    return max((math.ceil(until - now) for until in rows), default=0)


def _refuse_if_locked(session: Session, keys: list[tuple[str, str]], now: float) -> None:
    wait = _wait_s(session, keys, now)
    if wait > 0:
        raise TooManyAttempts(f"Too many failed attempts; try again in {wait} seconds.", retry_after=wait)


def _count_failure(session: Session, keys: list[tuple[str, str]], now: float) -> None:
    """One more failure for each key (an upsert, safe with concurrent workers); lock keys at their limit."""
    t = LoginThrottle
    session.execute(delete(t).where(t.window_start < now - WINDOW_S, t.locked_until < now))  # keeps it bounded
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stale = t.window_start < now - WINDOW_S
    for scope, key in keys:
        stmt = insert(t).values(scope=scope, key=key, failures=1, window_start=now, locked_until=0.0)
        stmt = stmt.on_conflict_do_update(
            index_elements=[t.scope, t.key],
            set_={
                "failures": case((stale, 1), else_=t.failures + 1),
                "window_start": case((stale, now), else_=t.window_start),
            },
        )
        session.execute(stmt)
        session.execute(
            update(t)
            .where(and_(t.scope == scope, t.key == key, t.failures >= LIMITS[scope]))
            .values(failures=0, window_start=now, locked_until=now + LOCK_S)
        )


def _clear_user(session: Session, keys: list[tuple[str, str]]) -> None:
    scope, key = keys[0]
    session.execute(delete(LoginThrottle).where(LoginThrottle.scope == scope, LoginThrottle.key == key))


def login(session: Session, settings: Settings, *, username: str, password: str, address: str) -> str:
    """A bearer token for valid credentials; commits the throttling state either way."""
    now = clock_of(session).now()
    keys = _keys(username, address)
    _refuse_if_locked(session, keys, now.timestamp())
    user = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
    # Always one argon2 verification, so an unknown name answers as slowly as a known one.
    matches = verify_password(password, user.password_hash if user is not None else dummy_hash())
    if user is None or not user.active or not matches:
        _count_failure(session, keys, now.timestamp())
        session.commit()
        raise AuthenticationFailed("Wrong username or password.")
    if password == DEMO_PASSWORD and not settings.demo:
        raise AuthenticationFailed("The demo password is refused outside demo mode; ask an admin to reset yours.")
    _clear_user(session, keys)
    session.commit()
    return create_token(
        user_id=user.id,
        secret=settings.secret_key,
        ttl_minutes=settings.token_ttl_minutes,
        now=now,
        stamp=password_stamp(user.password_hash),
    )


def check_password(password: str, *, username: str, demo: bool) -> None:
    """InvalidInput listing every rule of the password policy that `password` breaks."""
    problems = password_problems(password, username=username, demo=demo)
    if problems:
        raise InvalidInput(
            "The password does not meet the policy.", [{"loc": ["password"], "msg": p} for p in problems]
        )


def _set_password(session: Session, actor: Caller, user: User, new_password: str, action: str) -> None:
    user.password_hash = hash_password(new_password)
    user.version += 1
    session.flush()
    # The event says who changed whose password and when; the password and its hash never enter the log.
    audit.record(session, actor=actor, action=action, entity="user", entity_id=user.id, after={"version": user.version})


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
        _count_failure(session, keys, now)
        session.commit()
        raise InvalidInput("The current password is wrong.", [{"loc": ["current_password"], "msg": "wrong"}])
    if new == current:
        raise InvalidInput("Choose a new password.", [{"loc": ["new_password"], "msg": "same as the current one"}])
    check_password(new, username=user.username, demo=settings.demo)
    user.must_change_password = False  # a one-time password is used up
    _set_password(session, caller, user, new, "password_change")
    session.commit()


def reset_password(session: Session, settings: Settings, caller: Caller, user_id: int, new: str) -> None:
    """An admin sets someone else's password (their old tokens stop working); audited, one commit."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"User {user_id} not found.")
    if user.id == caller.user_id:
        raise InvalidInput("Change your own password with POST /api/v1/me/password (it asks for the current one).")
    check_password(new, username=user.username, demo=settings.demo)
    _set_password(session, caller, user, new, "password_reset")
    session.commit()
