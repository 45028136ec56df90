"""Users (admin) and the audit log (HR/admin)."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Response
from sqlalchemy import select

from api.deps import CanReadAudit, CanReadUsers, CanWriteUsers, IdempotencyKey, IfMatch, SessionDep, SettingsDep
from api.errors import PROBLEM_RESPONSES
from api.routes._util import Id, Paging, answer, page, reply
from core.tables import User
from workflows.org import flows as org
from workflows.org.schemas import LoginCreate, OneTimePassword, PasswordReset, UserCreate, UserPublic, UserUpdate
from workflows.shared import audit, audit_log, common
from workflows.shared.audit_schemas import AuditEventRow, AuditFacets
from workflows.shared.schemas import EARLIEST_DAY, LATEST_DAY, AuditVerifyPublic, Page

router = APIRouter(prefix="/api/v1", responses=PROBLEM_RESPONSES)


@router.get("/users", response_model=Page[UserPublic], tags=["users"], summary="List users")
def list_users(session: SessionDep, _caller: CanReadUsers, p: Paging) -> Page[UserPublic]:
    return page(UserPublic, common.paginate(session, select(User).order_by(User.id), limit=p.limit, offset=p.offset))


@router.get("/users/{user_id}", response_model=UserPublic, tags=["users"], summary="One user")
def get_user(response: Response, user_id: Id, session: SessionDep, _caller: CanReadUsers) -> UserPublic:
    return reply(response, UserPublic, org.get_user(session, user_id))


@router.post("/users", response_model=UserPublic, status_code=201, tags=["users"], summary="Create a user (admin)")
def create_user(
    response: Response,
    body: UserCreate,
    session: SessionDep,
    settings: SettingsDep,
    caller: CanWriteUsers,
    key: IdempotencyKey = None,
) -> UserPublic:
    return answer(response, UserPublic, org.create_user_once(session, caller, body, key, demo=settings.demo))


@router.patch(
    "/users/{user_id}",
    response_model=UserPublic,
    tags=["users"],
    summary="Change a user's role or disable them (admin, If-Match)",
)
def update_user(
    response: Response,
    user_id: Id,
    body: UserUpdate,
    session: SessionDep,
    caller: CanWriteUsers,
    if_match: IfMatch = None,
) -> UserPublic:
    return reply(response, UserPublic, org.update_user(session, caller, user_id, body, if_match))


@router.post(
    "/users/{user_id}/password",
    status_code=204,
    tags=["users"],
    summary="Reset someone's password (admin, audited); their tokens stop working",
)
def reset_password(
    user_id: Id, body: PasswordReset, session: SessionDep, settings: SettingsDep, caller: CanWriteUsers
) -> Response:
    org.reset_password(session, settings, caller, user_id, body.new_password)
    return Response(status_code=204)


@router.post(
    "/logins",
    response_model=OneTimePassword,
    status_code=201,
    tags=["users"],
    summary="Create a login for a person (admin): kpilot picks a one-time password, shown once",
    description="The owner must change the password at their first login. A retry with the same Idempotency-Key "
    "answers the same login without the password (it is never stored in clear): hand out a new one instead.",
)
def create_login(
    response: Response, body: LoginCreate, session: SessionDep, caller: CanWriteUsers, key: IdempotencyKey = None
) -> OneTimePassword:
    return answer(response, OneTimePassword, org.create_login_once(session, caller, body, key))


@router.post(
    "/users/{user_id}/one-time-password",
    response_model=OneTimePassword,
    tags=["users"],
    summary="Give someone a new one-time password (admin, audited, at most 5 an hour per login)",
    description="Every session of the login ends; its owner must change the password at the next login.",
)
def one_time_password(user_id: Id, session: SessionDep, caller: CanWriteUsers) -> OneTimePassword:
    return OneTimePassword(**org.one_time_reset(session, caller, user_id))


Word = Annotated[str | None, Query(max_length=80, description="Exact match.")]
Day = Annotated[
    date | None,
    Query(ge=EARLIEST_DAY, le=LATEST_DAY, description="A day in the company's time zone (inclusive)."),
]


@router.get(
    "/audit-events",
    response_model=Page[AuditEventRow],
    tags=["audit"],
    summary="The audit log, newest first, filtered by actor (login), action, entity and company-local days",
)
def list_audit(
    session: SessionDep,
    _caller: CanReadAudit,
    p: Paging,
    actor: Word = None,
    action: Word = None,
    entity: Word = None,
    since: Day = None,
    until: Day = None,
) -> Page[AuditEventRow]:
    rows, count = audit_log.list_events(
        session, actor=actor, action=action, entity=entity, since=since, until=until, limit=p.limit, offset=p.offset
    )
    return Page[AuditEventRow](data=rows, count=count)


@router.get(
    "/audit-events/facets",
    response_model=AuditFacets,
    tags=["audit"],
    summary="Who and what appear in the audit log (the filters' choices) and the company's time zone",
)
def audit_facets(session: SessionDep, _caller: CanReadAudit) -> AuditFacets:
    return audit_log.facets(session)


@router.get(
    "/audit-events/verify",
    response_model=AuditVerifyPublic,
    tags=["audit"],
    summary="Re-hash the audit chain and report tampering",
)
def verify_audit(session: SessionDep, _caller: CanReadAudit) -> AuditVerifyPublic:
    report = audit.verify_chain(session)
    return AuditVerifyPublic(ok=report.ok, checked=report.checked, problems=report.problems, signed=report.signed)
