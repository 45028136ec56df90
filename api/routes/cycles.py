"""Review-cycle routes (issue 29): HR opens, reads, moves and extends cycles; each person's part under
`/review-cycles/{id}/items` (self-assessment, manager review, confirm, appeal); appeals for their deciders;
rubrics of qualitative KPIs. Object-level checks live in the use cases (404 for "not yours")."""

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from api.deps import (
    CanCommentCheckIns,
    CanDecideAppeals,
    CanManageCycles,
    CanReadAppeals,
    CanReadCatalogue,
    CanReadCheckIns,
    CanReadCycles,
    CanTakePartInCycles,
    CanWriteCheckIns,
    IdempotencyKey,
    IfMatch,
    SessionDep,
)
from api.errors import PROBLEM_RESPONSES
from api.routes._util import Id, Paging, answer, page, reply
from workflows.cycles import flows as cycles
from workflows.cycles.schemas import (
    AppealCreate,
    AppealDecision,
    AppealPublic,
    BesidePublic,
    CheckInComment,
    CheckInCreate,
    CheckInPublic,
    CockpitPublic,
    CycleCreate,
    CycleExtended,
    CyclePublic,
    Extension,
    ItemPublic,
    ManagerReview,
    Reopen,
    RubricPublic,
    RubricSet,
    SelfAssessment,
    StageMove,
)
from workflows.shared.schemas import Page

router = APIRouter(prefix="/api/v1", responses=PROBLEM_RESPONSES, tags=["review cycles"])
OptionalId = Annotated[int | None, Query(ge=1, le=2_147_483_647)]


@router.get("/review-cycles", response_model=Page[CyclePublic], summary="Review cycles, newest first")
def list_cycles(session: SessionDep, _caller: CanReadCycles, p: Paging) -> Page[CyclePublic]:
    return page(CyclePublic, cycles.list_cycles(session, limit=p.limit, offset=p.offset))


@router.post("/review-cycles", response_model=CyclePublic, status_code=201, summary="Open a review cycle (HR)")
def open_cycle(
    response: Response, body: CycleCreate, session: SessionDep, caller: CanManageCycles, key: IdempotencyKey = None
) -> CyclePublic:
    return answer(response, CyclePublic, cycles.open_cycle(session, caller, body, key))


@router.get("/review-cycles/{cycle_id}", response_model=CyclePublic, summary="One review cycle (ETag)")
def get_cycle(response: Response, cycle_id: Id, session: SessionDep, _caller: CanReadCycles) -> CyclePublic:
    return reply(response, CyclePublic, cycles.get_cycle(session, cycle_id))


@router.post("/review-cycles/{cycle_id}/stage", response_model=CyclePublic, summary="Move the cycle forward (HR)")
def move_stage(
    response: Response,
    cycle_id: Id,
    body: StageMove,
    session: SessionDep,
    caller: CanManageCycles,
    if_match: IfMatch = None,
    key: IdempotencyKey = None,
) -> CyclePublic:
    return answer(response, CyclePublic, cycles.move_stage(session, caller, cycle_id, body, if_match, key))


@router.post(
    "/review-cycles/{cycle_id}/extensions",
    response_model=CycleExtended,
    summary="Extend a stage for people or a team (HR, audited)",
)
def extend(
    response: Response,
    cycle_id: Id,
    body: Extension,
    session: SessionDep,
    caller: CanManageCycles,
    if_match: IfMatch = None,
    key: IdempotencyKey = None,
) -> CycleExtended:
    return answer(response, CycleExtended, cycles.extend(session, caller, cycle_id, body, if_match, key))


@router.get(
    "/review-cycles/{cycle_id}/cockpit",
    response_model=CockpitPublic,
    summary="HR's cockpit: stage, who is late, appeals, blocking reviews",
)
def cockpit(cycle_id: Id, session: SessionDep, _caller: CanManageCycles) -> CockpitPublic:
    return CockpitPublic.model_validate(cycles.cycle_cockpit(session, cycle_id))


@router.get(
    "/review-cycles/{cycle_id}/beside",
    response_model=list[BesidePublic],
    summary="Beside each person the caller reviews or oversees: pace history per KPI and the inflation checks",
)
def beside(cycle_id: Id, session: SessionDep, caller: CanReadCycles) -> list[BesidePublic]:
    return [BesidePublic.model_validate(x) for x in cycles.beside(session, caller, cycle_id)]


@router.get("/review-cycles/{cycle_id}/items", response_model=list[ItemPublic], summary="Items the caller may see")
def list_items(cycle_id: Id, session: SessionDep, caller: CanReadCycles) -> list[ItemPublic]:
    return [ItemPublic.model_validate(x) for x in cycles.list_items(session, caller, cycle_id)]


@router.get("/review-cycles/{cycle_id}/items/{item_id}", response_model=ItemPublic, summary="One item (ETag)")
def get_item(response: Response, cycle_id: Id, item_id: Id, session: SessionDep, caller: CanReadCycles) -> ItemPublic:
    return reply(response, ItemPublic, cycles.get_item(session, caller, cycle_id, item_id))


@router.put("/review-cycles/{cycle_id}/items/{item_id}/self-assessment", response_model=ItemPublic)
def self_assess(
    response: Response,
    cycle_id: Id,
    item_id: Id,
    body: SelfAssessment,
    session: SessionDep,
    caller: CanTakePartInCycles,
    if_match: IfMatch = None,
    key: IdempotencyKey = None,
) -> ItemPublic:
    return answer(response, ItemPublic, cycles.self_assess(session, caller, cycle_id, item_id, body, if_match, key))


@router.put("/review-cycles/{cycle_id}/items/{item_id}/review", response_model=ItemPublic)
def review(
    response: Response,
    cycle_id: Id,
    item_id: Id,
    body: ManagerReview,
    session: SessionDep,
    caller: CanTakePartInCycles,
    if_match: IfMatch = None,
    key: IdempotencyKey = None,
) -> ItemPublic:
    return answer(response, ItemPublic, cycles.review(session, caller, cycle_id, item_id, body, if_match, key))


@router.post("/review-cycles/{cycle_id}/items/{item_id}/confirm", response_model=ItemPublic)
def confirm(
    response: Response,
    cycle_id: Id,
    item_id: Id,
    session: SessionDep,
    caller: CanTakePartInCycles,
    if_match: IfMatch = None,
    key: IdempotencyKey = None,
) -> ItemPublic:
    return answer(response, ItemPublic, cycles.confirm(session, caller, cycle_id, item_id, if_match, key))


@router.post("/review-cycles/{cycle_id}/items/{item_id}/appeal", response_model=AppealPublic, status_code=201)
def appeal(
    response: Response,
    cycle_id: Id,
    item_id: Id,
    body: AppealCreate,
    session: SessionDep,
    caller: CanTakePartInCycles,
    if_match: IfMatch = None,
    key: IdempotencyKey = None,
) -> AppealPublic:
    status, data = cycles.appeal(session, caller, cycle_id, item_id, body, if_match, key)
    return answer(response, AppealPublic, (201 if status == 200 else status, data))


@router.post("/review-cycles/{cycle_id}/items/{item_id}/reopen", response_model=ItemPublic)
def reopen(
    response: Response,
    cycle_id: Id,
    item_id: Id,
    body: Reopen,
    session: SessionDep,
    caller: CanManageCycles,
    if_match: IfMatch = None,
    key: IdempotencyKey = None,
) -> ItemPublic:
    return answer(response, ItemPublic, cycles.reopen(session, caller, cycle_id, item_id, body, if_match, key))


@router.post("/review-cycles/{cycle_id}/items/{item_id}/relock", response_model=ItemPublic)
def relock(
    response: Response,
    cycle_id: Id,
    item_id: Id,
    body: Reopen,
    session: SessionDep,
    caller: CanManageCycles,
    if_match: IfMatch = None,
    key: IdempotencyKey = None,
) -> ItemPublic:
    return answer(response, ItemPublic, cycles.relock(session, caller, cycle_id, item_id, body, if_match, key))


@router.get("/appeals", response_model=list[AppealPublic], summary="Appeals: one's own, those one decides; HR all")
def list_appeals(
    session: SessionDep,
    caller: CanReadAppeals,
    status: Annotated[Literal["open", "upheld", "changed"] | None, Query()] = None,
) -> list[AppealPublic]:
    return [AppealPublic.model_validate(x) for x in cycles.list_appeals(session, caller, status)]


@router.post("/appeals/{appeal_id}/decision", response_model=AppealPublic, summary="Uphold or change (the decider)")
def decide_appeal(
    response: Response,
    appeal_id: Id,
    body: AppealDecision,
    session: SessionDep,
    caller: CanDecideAppeals,
    if_match: IfMatch = None,
    key: IdempotencyKey = None,
) -> AppealPublic:
    return answer(response, AppealPublic, cycles.decide_appeal(session, caller, appeal_id, body, if_match, key))


@router.get("/rubrics", response_model=list[RubricPublic], summary="Every rubric HR has defined")
def list_rubrics(session: SessionDep, _caller: CanReadCatalogue) -> list[RubricPublic]:
    return [RubricPublic.model_validate(r) for r in cycles.list_rubrics(session)]


@router.get("/indicators/{indicator_id}/rubric", response_model=RubricPublic, summary="A qualitative KPI's rubric")
def get_rubric(indicator_id: Id, session: SessionDep, _caller: CanReadCatalogue) -> RubricPublic:
    return RubricPublic.model_validate(cycles.get_rubric(session, indicator_id))


@router.put("/indicators/{indicator_id}/rubric", response_model=RubricPublic, summary="Define a rubric (HR)")
def set_rubric(
    response: Response,
    indicator_id: Id,
    body: RubricSet,
    session: SessionDep,
    caller: CanManageCycles,
    if_match: IfMatch = None,
    key: IdempotencyKey = None,
) -> RubricPublic:
    return answer(response, RubricPublic, cycles.set_rubric(session, caller, indicator_id, body, if_match, key))


@router.post(
    "/check-ins", response_model=CheckInPublic, status_code=201, tags=["check-ins"], summary="This week's check-in"
)
def post_check_in(
    response: Response, body: CheckInCreate, session: SessionDep, caller: CanWriteCheckIns, key: IdempotencyKey = None
) -> CheckInPublic:
    return answer(response, CheckInPublic, cycles.post_check_in(session, caller, body, key))


@router.get("/check-ins", response_model=Page[CheckInPublic], tags=["check-ins"], summary="Check-ins (scoped)")
def list_check_ins(
    session: SessionDep,
    caller: CanReadCheckIns,
    p: Paging,
    employee_id: OptionalId = None,
    period_id: OptionalId = None,
) -> Page[CheckInPublic]:
    rows = cycles.list_check_ins(
        session, caller, employee_id=employee_id, period_id=period_id, limit=p.limit, offset=p.offset
    )
    return page(CheckInPublic, rows)


@router.post("/check-ins/{check_in_id}/comment", response_model=CheckInPublic, tags=["check-ins"])
def comment_check_in(
    response: Response,
    check_in_id: Id,
    body: CheckInComment,
    session: SessionDep,
    caller: CanCommentCheckIns,
    if_match: IfMatch = None,
    key: IdempotencyKey = None,
) -> CheckInPublic:
    return answer(response, CheckInPublic, cycles.comment_check_in(session, caller, check_in_id, body, if_match, key))
