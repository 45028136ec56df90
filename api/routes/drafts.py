"""Goal-draft routes: the assistant drafts a department's OKR and personal KPIs; managers edit and publish."""

from typing import Annotated

from fastapi import APIRouter, Query, Response

from api.deps import CanPublishDrafts, CanReadDrafts, CanWriteDrafts, IdempotencyKey, IfMatch, SessionDep, SettingsDep
from api.errors import PROBLEM_RESPONSES
from api.routes._util import Id, Paging, answer, page, reply
from workflows.drafts import flows as drafts
from workflows.drafts.schemas import (
    DraftCreate,
    DraftStatus,
    DraftUpdate,
    GoalDraftDetail,
    GoalDraftPublic,
    PublishResult,
)
from workflows.shared.schemas import Page

router = APIRouter(prefix="/api/v1", tags=["goal drafts"], responses=PROBLEM_RESPONSES)


@router.post(
    "/goal-drafts",
    response_model=GoalDraftDetail,
    status_code=201,
    summary="Draft a department's OKR and personal KPIs for a period (managers: their departments)",
    responses={
        200: {
            "model": GoalDraftDetail,
            "description": "An open draft of identical inputs exists: it is returned (`existing: true`); "
            "send `again: true` to draft anew.",
        }
    },
)
def create_draft(
    response: Response,
    body: DraftCreate,
    session: SessionDep,
    settings: SettingsDep,
    caller: CanWriteDrafts,
    key: IdempotencyKey = None,
) -> GoalDraftDetail:
    # A forecast the draft starts is on the job queue (committed with the draft); a worker runs it.
    return answer(response, GoalDraftDetail, drafts.request_draft(session, caller, body, settings, key))


@router.get(
    "/goal-drafts",
    response_model=Page[GoalDraftPublic],
    summary="Goal drafts you may see: HR/admin all, managers their departments' (employees may not)",
)
def list_drafts(
    session: SessionDep,
    caller: CanReadDrafts,
    p: Paging,
    department_id: Annotated[int | None, Query(ge=1, le=2_147_483_647)] = None,
    period_id: Annotated[int | None, Query(ge=1, le=2_147_483_647)] = None,
    status: Annotated[DraftStatus | None, Query()] = None,
) -> Page[GoalDraftPublic]:
    rows, count = drafts.list_drafts(
        session, caller, department_id=department_id, period_id=period_id, status=status, limit=p.limit, offset=p.offset
    )
    return page(GoalDraftPublic, (drafts.with_person_names(session, rows), count))


@router.get(
    "/goal-drafts/{draft_id}",
    response_model=GoalDraftDetail,
    summary="One goal draft with the department's OKR, role KPIs and each member's KPIs (ETag)",
)
def get_draft(response: Response, draft_id: Id, session: SessionDep, caller: CanReadDrafts) -> GoalDraftDetail:
    return reply(response, GoalDraftDetail, drafts.detail(drafts.get_draft(session, caller, draft_id)))


@router.patch(
    "/goal-drafts/{draft_id}",
    response_model=GoalDraftDetail,
    summary="Edit KPI weights, targets or parent links (If-Match); the guards must still pass (422)",
)
def update_draft(
    response: Response,
    draft_id: Id,
    body: DraftUpdate,
    session: SessionDep,
    caller: CanWriteDrafts,
    if_match: IfMatch = None,
    key: IdempotencyKey = None,
) -> GoalDraftDetail:
    return answer(response, GoalDraftDetail, drafts.edit(session, caller, draft_id, body, if_match, key))


@router.post(
    "/goal-drafts/{draft_id}/publish",
    response_model=PublishResult,
    summary="Publish once (If-Match): the department objective, key results and everyone's KPIs",
)
def publish_draft(
    response: Response,
    draft_id: Id,
    session: SessionDep,
    caller: CanPublishDrafts,
    if_match: IfMatch = None,
    key: IdempotencyKey = None,
) -> PublishResult:
    return answer(response, PublishResult, drafts.publish(session, caller, draft_id, if_match, key))
