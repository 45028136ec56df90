"""Server-side sessions: every login starts one, every token carries its id, and revoking it (logout, a password
change, deactivation, an admin's "sign out everywhere") ends the cookie and every token minted for it at once."""

import secrets
from datetime import datetime

from sqlalchemy import delete, or_, update
from sqlalchemy.orm import Session

from core.clock import clock_of
from core.errors import AuthenticationFailed, NotFound, coded
from core.security import Caller, create_token, password_stamp
from core.settings import Settings
from core.tables import AuthSession, User
from workflows.shared import audit, common


def start(session: Session, settings: Settings, user: User, now: datetime) -> str:
    """A new session for `user` and its bearer token (the caller commits)."""
    sid = secrets.token_urlsafe(32)
    ttl_s = settings.token_ttl_minutes * 60
    # Bounded: sessions that ended more than a day ago are forgotten as new ones start.
    old = now.timestamp() - 24 * 60 * 60
    session.execute(delete(AuthSession).where(or_(AuthSession.expires_at < old, AuthSession.revoked_at < old)))
    session.add(AuthSession(id=sid, user_id=user.id, created_at=now.timestamp(), expires_at=now.timestamp() + ttl_s))
    session.flush()
    return create_token(
        user_id=user.id,
        secret=settings.secret_key,
        ttl_minutes=settings.token_ttl_minutes,
        now=now,
        stamp=password_stamp(user.password_hash),
        sid=sid,
    )


def check(session: Session, user_id: int, sid: str | None) -> None:
    """AuthenticationFailed unless `sid` is a live session of `user_id` (tokens without one are not accepted)."""
    now = clock_of(session).now().timestamp()
    row = session.get(AuthSession, sid) if sid else None
    if row is None or row.user_id != user_id or row.revoked_at is not None or row.expires_at <= now:
        raise coded(
            AuthenticationFailed("This session has ended (logged out or signed out); log in again."),
            "session_ended",
            "会话已结束（已退出或被登出），请重新登录。",
        )


@common.use_case
def end(session: Session, user_id: int, sid: str | None) -> None:
    """Revoke one session (logout); unknown or foreign ids change nothing. Commits."""
    row = session.get(AuthSession, sid) if sid else None
    if row is not None and row.user_id == user_id and row.revoked_at is None:
        row.revoked_at = clock_of(session).now().timestamp()


def revoke_all(session: Session, user_id: int) -> int:
    """Revoke every live session of `user_id` (the caller commits); returns how many."""
    now = clock_of(session).now().timestamp()
    t = AuthSession
    result = session.execute(
        update(t).where(t.user_id == user_id, t.revoked_at.is_(None), t.expires_at > now).values(revoked_at=now)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


@common.use_case
def sign_out_everywhere(session: Session, caller: Caller, user_id: int) -> int:
    """An admin ends every session of a user (audited, one commit); returns how many ended."""
    user = session.get(User, user_id)
    if user is None:
        raise coded(NotFound(f"User {user_id} not found."), "not_found", thing="user")
    ended = revoke_all(session, user.id)
    audit.record(
        session, actor=caller, action="sign_out_everywhere", entity="user", entity_id=user.id, after={"ended": ended}
    )
    return ended
