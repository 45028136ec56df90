"""Login, who am I, and health."""

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.security import OAuth2PasswordRequestForm
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from api.deps import CanReadMe, Public, SessionDep, SettingsDep
from api.errors import PROBLEM_RESPONSES
from core.migrate import current_revision
from workflows.org import users as users_flow
from workflows.shared.schemas import Health, Me, Token

router = APIRouter(prefix="/api/v1", tags=["auth"], responses=PROBLEM_RESPONSES)


@router.post(
    "/auth/token",
    response_model=Token,
    dependencies=[Depends(Public())],
    summary="Log in with username and password (OAuth2 password form); returns a bearer token",
)
def login(session: SessionDep, settings: SettingsDep, form: Annotated[OAuth2PasswordRequestForm, Depends()]) -> Token:
    token = users_flow.login(session, settings, username=form.username, password=form.password)
    return Token(access_token=token)


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
