"""Set-up routes: the company (once), shops and the promotion calendar."""

from typing import Annotated

from fastapi import APIRouter, Query, Response

from api.deps import CanReadCompany, CanWriteCompany, CanWriteOkr, IdempotencyKey, IfMatch, SessionDep
from api.errors import PROBLEM_RESPONSES
from api.routes._util import Id, answer, reply
from workflows.goals.schemas import ShopPublic
from workflows.onboarding import flows as onboarding
from workflows.onboarding.schemas import (
    ChecklistStep,
    CompanyCreate,
    CompanyPublic,
    CompanyUpdate,
    ObjectiveEdit,
    ObjectiveEdited,
    PromotionCreate,
    PromotionPublic,
    PromotionUpdate,
    ShopCreate,
    ShopUpdate,
)

router = APIRouter(prefix="/api/v1", tags=["set-up"], responses=PROBLEM_RESPONSES)


@router.get("/company", response_model=CompanyPublic, summary="The company (404 `company.missing` before set-up)")
def get_company(response: Response, session: SessionDep, _caller: CanReadCompany) -> CompanyPublic:
    return reply(response, CompanyPublic, onboarding.get_company(session))


@router.post("/company", response_model=CompanyPublic, status_code=201, summary="Create the company, once (409 after)")
def create_company(
    response: Response, body: CompanyCreate, session: SessionDep, caller: CanWriteCompany, key: IdempotencyKey = None
) -> CompanyPublic:
    return answer(response, CompanyPublic, onboarding.create_company_once(session, caller, body, key))


@router.get(
    "/setup/checklist",
    response_model=list[ChecklistStep],
    summary="What is still missing before the first goal draft (HR/admin)",
)
def setup_checklist(session: SessionDep, _caller: CanWriteCompany) -> list[ChecklistStep]:
    return [ChecklistStep.model_validate(step) for step in onboarding.checklist(session)]


@router.patch("/company", response_model=CompanyPublic, summary="Correct the company (If-Match)")
def update_company(
    response: Response, body: CompanyUpdate, session: SessionDep, caller: CanWriteCompany, if_match: IfMatch = None
) -> CompanyPublic:
    return reply(response, CompanyPublic, onboarding.update_company(session, caller, body, if_match))


@router.post("/shops", response_model=ShopPublic, status_code=201, summary="Add a shop or channel")
def create_shop(
    response: Response, body: ShopCreate, session: SessionDep, caller: CanWriteCompany, key: IdempotencyKey = None
) -> ShopPublic:
    return answer(response, ShopPublic, onboarding.create_shop_once(session, caller, body, key))


@router.patch("/shops/{shop_id}", response_model=ShopPublic, summary="Change or deactivate a shop (If-Match)")
def update_shop(
    response: Response,
    shop_id: Id,
    body: ShopUpdate,
    session: SessionDep,
    caller: CanWriteCompany,
    if_match: IfMatch = None,
) -> ShopPublic:
    return reply(response, ShopPublic, onboarding.update_shop(session, caller, shop_id, body, if_match))


@router.get(
    "/promotions",
    response_model=list[PromotionPublic],
    summary="The promotion calendar: stored events, and for a year the built-in platform events with their dates",
)
def list_promotions(
    session: SessionDep,
    _caller: CanReadCompany,
    year: Annotated[
        int | None,
        Query(
            ge=2014,
            le=2035,
            description="Built-in events need the lunar new year of the year before (table 2013-2035).",
        ),
    ] = None,
    shop_id: Annotated[int | None, Query(ge=1, le=2_147_483_647)] = None,
    lang: Annotated[str, Query(pattern="^(zh|en)$")] = "zh",
) -> list[PromotionPublic]:
    return onboarding.list_promotions(session, year=year, shop_id=shop_id, lang=lang)


@router.post(
    "/promotions",
    response_model=PromotionPublic,
    status_code=201,
    summary="Add a campaign, or correct a built-in platform event (`builtin_key`)",
)
def create_promotion(
    response: Response, body: PromotionCreate, session: SessionDep, caller: CanWriteCompany, key: IdempotencyKey = None
) -> PromotionPublic:
    return answer(response, PromotionPublic, onboarding.create_promotion_once(session, caller, body, key))


@router.patch("/promotions/{promo_id}", response_model=PromotionPublic, summary="Change a campaign (If-Match)")
def update_promotion(
    response: Response,
    promo_id: Id,
    body: PromotionUpdate,
    session: SessionDep,
    caller: CanWriteCompany,
    if_match: IfMatch = None,
) -> PromotionPublic:
    return reply(response, PromotionPublic, onboarding.update_promotion(session, caller, promo_id, body, if_match))


@router.delete("/promotions/{promo_id}", status_code=204, summary="Remove a campaign (a correction: built-in dates)")
def delete_promotion(promo_id: Id, session: SessionDep, caller: CanWriteCompany) -> Response:
    onboarding.delete_promotion(session, caller, promo_id)
    return Response(status_code=204)


@router.patch(
    "/objectives/{objective_id}",
    response_model=ObjectiveEdited,
    tags=["okr"],
    summary="Correct an objective and its key results (If-Match; open drafts made from the old text flagged stale)",
)
def edit_objective(
    response: Response,
    objective_id: Id,
    body: ObjectiveEdit,
    session: SessionDep,
    caller: CanWriteOkr,
    if_match: IfMatch = None,
) -> ObjectiveEdited:
    return reply(response, ObjectiveEdited, onboarding.edit_objective(session, caller, objective_id, body, if_match))
