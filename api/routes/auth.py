"""Login, who am I, and health."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.security import OAuth2PasswordRequestForm
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from api.deps import CanChangePassword, CanReadMe, Public, SessionDep, SettingsDep, client_address
from api.errors import PROBLEM_RESPONSES
from core.migrate import current_revision
from workflows.org import login as login_flow
from workflows.org.schemas import PasswordChange
from workflows.shared.schemas import Health, Me, Token

router = APIRouter(prefix="/api/v1", tags=["auth"], responses=PROBLEM_RESPONSES)


@router.post(
    "/auth/token",
    response_model=Token,
    dependencies=[Depends(Public())],
    summary="Log in with username and password (OAuth2 password form); returns a bearer token",
)
def login(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
) -> Token:
    token = login_flow.login(
        session, settings, username=form.username, password=form.password, address=client_address(request)
    )
    return Token(access_token=token)


@router.post(
    "/me/password",
    status_code=204,
    summary="Change your own password (give the current one); your other tokens stop working",
)
def change_password(
    request: Request, body: PasswordChange, session: SessionDep, settings: SettingsDep, caller: CanChangePassword
) -> Response:
    login_flow.change_password(
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
    summary="Database reachability, schema revision and the configured LLM provider",
)
def health(session: SessionDep, settings: SettingsDep) -> Health:
    try:
        session.execute(text("SELECT 1"))
        revision = current_revision(settings.database_url)
        database = "ok"
    except SQLAlchemyError:  # health reports the failure instead of raising it
        revision, database = None, "unreachable"
    backend = "sqlite" if settings.is_sqlite else "postgresql"
    return Health(
        status="ok" if database == "ok" else "degraded",
        database=f"{backend}: {database}",
        migration=revision,
        llm_provider=settings.llm_provider,
        version="0.1.0",
    )
