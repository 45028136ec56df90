"""Login, who am I, and health."""

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request, Response
from fastapi.security import OAuth2PasswordRequestForm
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from api.deps import (
    CSRF_COOKIE,
    SESSION_COOKIE,
    CanChangePassword,
    CanReadMe,
    ClockDep,
    Public,
    SessionDep,
    SettingsDep,
    client_address,
    csrf_token_for,
    oauth2,
    same_origin,
    session_token,
)
from api.errors import PROBLEM_RESPONSES
from core.errors import AuthenticationFailed
from core.migrate import current_revision
from core.security import decode_session
from workflows.org import flows as org
from workflows.org.schemas import PasswordChange
from workflows.shared.schemas import BrowserSession, Health, Me, Token

router = APIRouter(prefix="/api/v1", tags=["auth"], responses=PROBLEM_RESPONSES)


@router.post(
    "/auth/token",
    response_model=Token,
    dependencies=[Depends(Public()), Depends(same_origin)],
    summary="Log in with username and password (OAuth2 password form); returns a bearer token",
)
def login(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
) -> Token:
    token = org.login(
        session, settings, username=form.username, password=form.password, address=client_address(request)
    )
    return Token(access_token=token)


def _secure(request: Request) -> bool:
    # Secure cookies over HTTPS (also behind a proxy that says so); plain-HTTP intranet demos still get a session.
    return request.url.scheme == "https" or request.headers.get("x-forwarded-proto", "") == "https"


@router.post(
    "/auth/session",
    response_model=BrowserSession,
    dependencies=[Depends(Public()), Depends(same_origin)],
    summary="Log in for the web app: sets an httpOnly session cookie and returns its CSRF token",
)
def start_session(
    request: Request,
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
) -> BrowserSession:
    token = org.login(
        session, settings, username=form.username, password=form.password, address=client_address(request)
    )
    csrf = csrf_token_for(token, settings.secret_key)
    age = settings.token_ttl_minutes * 60
    secure = _secure(request)
    response.set_cookie(SESSION_COOKIE, token, max_age=age, httponly=True, secure=secure, samesite="strict", path="/")
    response.set_cookie(CSRF_COOKIE, csrf, max_age=age, httponly=False, secure=secure, samesite="strict", path="/")
    return BrowserSession(csrf_token=csrf, expires_in=age)


@router.post(
    "/auth/logout",
    status_code=204,
    dependencies=[Depends(Public()), Depends(same_origin)],
    summary="Log out: ends the session (cookie and every token of it) and clears the cookies",
)
def end_session(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    clock: ClockDep,
    bearer: Annotated[str | None, Depends(oauth2)],
) -> Response:
    token = session_token(request, settings, bearer)  # a cookie needs its CSRF token here too
    if token:
        try:
            user_id, _stamp, sid = decode_session(token, secret=settings.secret_key, now=clock.now())
        except AuthenticationFailed:  # an expired or foreign token: nothing left to end
            sid = None
        if sid is not None:
            org.end_session(session, user_id, sid)
    response = Response(status_code=204)
    for name in (SESSION_COOKIE, CSRF_COOKIE):
        response.delete_cookie(
            name, path="/", secure=_secure(request), httponly=name == SESSION_COOKIE, samesite="strict"
        )
    return response


@router.post(
    "/me/password",
    status_code=204,
    summary="Change your own password (give the current one); your other tokens stop working",
)
def change_password(
    request: Request, body: PasswordChange, session: SessionDep, settings: SettingsDep, caller: CanChangePassword
) -> Response:
    org.change_password(
        session,
        settings,
        caller,
        current=body.current_password,
        new=body.new_password,
        address=client_address(request),
    )
    return Response(status_code=204)


@router.get("/me", response_model=Me, summary="The logged-in user")
def me(caller: CanReadMe) -> Me:
    return Me.model_validate(caller, from_attributes=True)  # validates the role string against `Role`


@router.get(
    "/health",
    response_model=Health,
    dependencies=[Depends(Public())],
    tags=["health"],
    summary="Database reachability, schema revision, background threads and the configured LLM provider",
)
def health(request: Request, session: SessionDep, settings: SettingsDep) -> Health:
    try:
        session.execute(text("SELECT 1"))
        revision = current_revision(settings.database_url)
        database = "ok"
    except SQLAlchemyError:  # health reports the failure instead of raising it
        revision, database = None, "unreachable"
    backend = "sqlite" if settings.is_sqlite else "postgresql"
    threads = getattr(request.app.state, "background", {})
    background: dict[str, Literal["ok", "off", "dead"]] = {
        str(name): "off" if t is None else "ok" if t.alive else "dead" for name, t in threads.items()
    }
    return Health(
        status="ok" if database == "ok" and "dead" not in background.values() else "degraded",
        database=f"{backend}: {database}",
        background=background,
        migration=revision,
        llm_provider=settings.llm_provider,
        version="0.1.0",
    )
