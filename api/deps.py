"""Injected things, one `Annotated` alias each: settings, the DB session, the caller, permissions."""

from collections.abc import Callable, Iterator
from typing import Annotated, Any

from fastapi import Depends, Header, Request
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy.orm import Session

from core.clock import Clock
from core.db import session_factory
from core.errors import AuthenticationFailed, PermissionDenied
from core.security import Caller, decode_token, role_may
from core.settings import Settings
from workflows import users as users_flow

oauth2 = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def get_app_settings(request: Request) -> Settings:
    """The settings the app was built with."""
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(get_app_settings)]


def get_app_clock(request: Request) -> Clock:
    """The clock the app was built with (business dates in the company's time zone)."""
    clock: Clock = request.app.state.clock
    return clock


ClockDep = Annotated[Clock, Depends(get_app_clock)]


def get_session(request: Request, settings: SettingsDep, clock: ClockDep) -> Iterator[Session]:
    """A session per request, carrying the app's clock; writing requests take the write lock up front on SQLite."""
    session = session_factory(settings.database_url, request.method in WRITE_METHODS, clock)()
    try:
        yield session
    finally:
        session.rollback()
        session.close()


SessionDep = Annotated[Session, Depends(get_session)]


def get_caller(
    session: SessionDep, settings: SettingsDep, clock: ClockDep, token: Annotated[str | None, Depends(oauth2)]
) -> Caller:
    """The authenticated caller, or 401."""
    if not token:
        raise AuthenticationFailed("Not authenticated: send `Authorization: Bearer <token>` from /api/v1/auth/token.")
    user_id = decode_token(token, secret=settings.secret_key, now=clock.now())
    return users_flow.caller_for(session, user_id)


CallerDep = Annotated[Caller, Depends(get_caller)]


def require(permission: str) -> Callable[..., Caller]:
    """A dependency that lets only roles holding `permission` through (403 otherwise)."""

    def _check(caller: CallerDep) -> Caller:
        if not role_may(caller.role, permission):
            raise PermissionDenied(f"Your role ({caller.role}) may not do this ({permission}).")
        return caller

    _check.kpilot_permission = permission  # type: ignore[attr-defined]  # read by the route audit test
    return _check


def public() -> Callable[..., None]:
    """Marks a route that anyone may call (login, health)."""

    def _open() -> None:
        return None

    _open.kpilot_permission = "public"  # type: ignore[attr-defined]
    return _open


def Allowed(permission: str) -> Any:  # noqa: N802 - reads like a type in signatures
    """`caller: Allowed("org:read")` injects the caller after checking the permission."""
    return Annotated[Caller, Depends(require(permission))]


IfMatch = Annotated[str | None, Header(alias="If-Match", description="The ETag (version) you last read.")]
IdempotencyKey = Annotated[
    str | None,
    Header(alias="Idempotency-Key", max_length=200, description="Makes a retried POST return the first result."),
]
