"""Pay routes (issue 16): key-position inventories, ratings, bonus pools and allocations, second review,
calibration. Employees read only their own bonus lines and ratings about them in aggregate."""

from typing import Annotated

from fastapi import APIRouter, Query, Response

from api.deps import (
    CanManagePay,
    CanRate,
    CanReadOwnPay,
    CanReadPositions,
    CanReviewScores,
    IdempotencyKey,
    IfMatch,
    SessionDep,
)
from api.errors import PROBLEM_RESPONSES
from api.routes._util import Id, Paging, answer, page, reply
from workflows.pay import flows as pay
from workflows.pay.schemas import (
    AllocationApprove,
    AllocationEdit,
    AllocationPublic,
    CalibrationPublic,
    InventoryCreate,
    InventoryPublic,
    InventoryUpdate,
    MyBonus,
    PoolCreate,
    PoolProposed,
    PoolPublic,
    Ratee,
    RatingCreate,
    RatingReceipt,
    RatingsAbout,
    ReviewDecision,
    ReviewPublic,
)
from workflows.results import flows as results
from workflows.results.schemas import GradeChange, GradeChangePublic
from workflows.shared.schemas import Page

router = APIRouter(prefix="/api/v1/pay", responses=PROBLEM_RESPONSES, tags=["pay"])
OptionalId = Annotated[int | None, Query(ge=1, le=2_147_483_647)]


# --- key positions -----------------------------------------------------------------------------------------
@router.get("/position-inventories", response_model=Page[InventoryPublic], summary="Key-position inventories")
def list_inventories(
    session: SessionDep,
    caller: CanReadPositions,
    p: Paging,
    quarter: Annotated[str | None, Query(pattern=r"^\d{4}-Q[1-4]$")] = None,
) -> Page[InventoryPublic]:
    return page(InventoryPublic, pay.list_inventories(session, quarter=quarter, limit=p.limit, offset=p.offset))


@router.post(
    "/position-inventories",
    response_model=InventoryPublic,
    status_code=201,
    summary="Rate positions for a quarter (and campaign season): classes A / B / baseline (HR/admin)",
)
def create_inventory(
    response: Response, body: InventoryCreate, session: SessionDep, caller: CanManagePay, key: IdempotencyKey = None
) -> InventoryPublic:
    return answer(response, InventoryPublic, pay.add_inventory(session, caller, body, key))


@router.get("/position-inventories/{inventory_id}", response_model=InventoryPublic, summary="One inventory (ETag)")
def get_inventory(
    response: Response, inventory_id: Id, session: SessionDep, caller: CanReadPositions
) -> InventoryPublic:
    return reply(response, InventoryPublic, pay.get_inventory(session, inventory_id))


@router.patch(
    "/position-inventories/{inventory_id}",
    response_model=InventoryPublic,
    summary="Re-rate positions or change the company stage (If-Match)",
)
def update_inventory(
    response: Response,
    inventory_id: Id,
    body: InventoryUpdate,
    session: SessionDep,
    caller: CanManagePay,
    if_match: IfMatch = None,
) -> InventoryPublic:
    return reply(response, InventoryPublic, pay.change_inventory(session, caller, inventory_id, body, if_match))


# --- ratings -----------------------------------------------------------------------------------------------
@router.post(
    "/ratings",
    response_model=RatingReceipt,
    status_code=201,
    summary="Rate yourself, a colleague, someone in another department or a direct report (1-5)",
)
def create_rating(
    response: Response, body: RatingCreate, session: SessionDep, caller: CanRate, key: IdempotencyKey = None
) -> RatingReceipt:
    return answer(response, RatingReceipt, pay.add_rating(session, caller, body, key))


@router.get(
    "/ratees",
    response_model=list[Ratee],
    summary="Whom I may rate and with which kinds (names and departments only; for the rating form)",
)
def list_ratees(session: SessionDep, caller: CanRate) -> list[Ratee]:
    return [Ratee.model_validate(r) for r in pay.ratees(session, caller)]


@router.get(
    "/ratings/summary",
    response_model=RatingsAbout,
    summary="Ratings about me (or a person I may see) in aggregate: never who rated what",
)
def ratings_summary(
    session: SessionDep,
    caller: CanReadOwnPay,
    period_id: Annotated[int, Query(ge=1, le=2_147_483_647)],
    employee_id: OptionalId = None,
) -> RatingsAbout:
    return RatingsAbout.model_validate(pay.summary(session, caller, employee_id, period_id))


# --- pools and allocations ---------------------------------------------------------------------------------
@router.post(
    "/pools",
    response_model=PoolProposed,
    status_code=201,
    summary="Create a bonus pool for a period: the allocation is proposed and flags raised (HR/admin)",
)
def create_pool(
    response: Response, body: PoolCreate, session: SessionDep, caller: CanManagePay, key: IdempotencyKey = None
) -> PoolProposed:
    return answer(response, PoolProposed, pay.add_pool(session, caller, body, key))


@router.get("/pools", response_model=Page[PoolPublic], summary="Bonus pools (HR/admin)")
def list_pools(session: SessionDep, caller: CanManagePay, p: Paging) -> Page[PoolPublic]:
    return page(PoolPublic, pay.list_pools(session, limit=p.limit, offset=p.offset))


@router.get("/pools/{pool_id}", response_model=PoolPublic, summary="One bonus pool")
def get_pool(response: Response, pool_id: Id, session: SessionDep, caller: CanManagePay) -> PoolPublic:
    return reply(response, PoolPublic, pay.get_pool(session, pool_id))


@router.get("/pools/{pool_id}/allocation", response_model=AllocationPublic, summary="The allocation of a pool")
def get_pool_allocation(response: Response, pool_id: Id, session: SessionDep, caller: CanManagePay) -> AllocationPublic:
    return reply(response, AllocationPublic, pay.pool_allocation(session, pool_id))


@router.get(
    "/allocations/{allocation_id}",
    response_model=AllocationPublic,
    summary="An allocation with every line's trace; the ETag is what edit/approve need",
)
def get_allocation(
    response: Response, allocation_id: Id, session: SessionDep, caller: CanManagePay
) -> AllocationPublic:
    return reply(response, AllocationPublic, pay.get_allocation(session, allocation_id))


@router.patch(
    "/allocations/{allocation_id}",
    response_model=AllocationPublic,
    summary="Edit amounts (If-Match): lines + retained must still equal the pool to the fen",
)
def edit_allocation(
    response: Response,
    allocation_id: Id,
    body: AllocationEdit,
    session: SessionDep,
    caller: CanManagePay,
    if_match: IfMatch = None,
    key: IdempotencyKey = None,
) -> AllocationPublic:
    return answer(response, AllocationPublic, pay.edit_allocation(session, caller, allocation_id, body, if_match, key))


@router.post(
    "/allocations/{allocation_id}/approve",
    response_model=AllocationPublic,
    summary="Approve once (If-Match); waits while a review questions a paid score (409)",
)
def approve_allocation(
    response: Response,
    allocation_id: Id,
    body: AllocationApprove,
    session: SessionDep,
    caller: CanManagePay,
    if_match: IfMatch = None,
    key: IdempotencyKey = None,
) -> AllocationPublic:
    return answer(
        response, AllocationPublic, pay.approve_allocation(session, caller, allocation_id, body, if_match, key)
    )


@router.get("/me/bonuses", response_model=list[MyBonus], summary="My own approved bonus lines with their trace")
def my_bonuses(session: SessionDep, caller: CanReadOwnPay) -> list[MyBonus]:
    return [MyBonus.model_validate(b) for b in pay.my_bonuses(session, caller)]


# --- second review and calibration -------------------------------------------------------------------------
@router.get(
    "/reviews",
    response_model=Page[ReviewPublic],
    summary="Scores waiting for a second review that the caller may decide",
)
def list_reviews(
    session: SessionDep,
    caller: CanReviewScores,
    p: Paging,
    status: Annotated[str | None, Query(pattern="^(open|confirmed|adjusted)$")] = None,
    period_id: OptionalId = None,
) -> Page[ReviewPublic]:
    rows = pay.list_reviews(session, caller, status=status, period_id=period_id, limit=p.limit, offset=p.offset)
    return page(ReviewPublic, rows)


@router.get("/reviews/{item_id}", response_model=ReviewPublic, summary="One review item with its evidence (ETag)")
def get_review(response: Response, item_id: Id, session: SessionDep, caller: CanReviewScores) -> ReviewPublic:
    return reply(response, ReviewPublic, pay.get_review(session, caller, item_id))


@router.post(
    "/reviews/{item_id}/decide",
    response_model=ReviewPublic,
    summary="Confirm or adjust the questioned scores with a reason (If-Match, audited)",
)
def decide_review(
    response: Response,
    item_id: Id,
    body: ReviewDecision,
    session: SessionDep,
    caller: CanReviewScores,
    if_match: IfMatch = None,
    key: IdempotencyKey = None,
) -> ReviewPublic:
    return answer(response, ReviewPublic, pay.decide_review(session, caller, item_id, body, if_match, key))


@router.get(
    "/calibration",
    response_model=CalibrationPublic,
    summary="Grade distribution against the 20/50/30 guide, team by team, with reasons (HR/admin)",
)
def calibration(session: SessionDep, caller: CanManagePay, period_id: OptionalId = None) -> CalibrationPublic:
    return CalibrationPublic.model_validate(pay.calibration(session, period_id))


@router.post(
    "/calibration/changes",
    status_code=201,
    response_model=GradeChangePublic,
    summary="Change one person's grade for a period at calibration, with a reason (HR/admin, audited; not your own)",
)
def change_grade(
    response: Response, body: GradeChange, session: SessionDep, caller: CanManagePay, key: IdempotencyKey = None
) -> GradeChangePublic:
    return answer(response, GradeChangePublic, results.change_grade(session, caller, body, key))
