"""Goal routes: periods, the KPI catalogue and OKRs."""

from typing import Annotated

from fastapi import APIRouter, Query, Response

from api.deps import (
    CanReadCatalogue,
    CanReadOkr,
    CanReadPeriods,
    CanWriteCatalogue,
    CanWriteOkr,
    CanWritePeriods,
    IdempotencyKey,
    IfMatch,
    SessionDep,
)
from api.errors import PROBLEM_RESPONSES
from api.routes._util import Id, Paging, answer, page, reply
from workflows.goals import flows as goals
from workflows.goals.schemas import (
    IndicatorCreate,
    IndicatorPublic,
    IndicatorUpdate,
    KrReadingPublic,
    KrReadingRequest,
    ObjectiveCreate,
    ObjectivePublic,
    PeriodCreate,
    PeriodDefaults,
    PeriodPublic,
    PeriodUpdate,
    ScorecardRules,
)
from workflows.shared.schemas import Level, Page, PeriodKind

router = APIRouter(prefix="/api/v1", responses=PROBLEM_RESPONSES)


@router.get("/periods", response_model=Page[PeriodPublic], tags=["periods"], summary="List periods, newest first")
def list_periods(
    session: SessionDep,
    _caller: CanReadPeriods,
    p: Paging,
    kind: Annotated[PeriodKind | None, Query()] = None,
) -> Page[PeriodPublic]:
    return page(PeriodPublic, goals.list_periods(session, kind=kind, limit=p.limit, offset=p.offset))


@router.get(
    "/periods/defaults",
    response_model=PeriodDefaults,
    tags=["periods"],
    summary="Which period selectors open on: the running month and quarter, the next quarter for drafts",
)
def period_defaults(session: SessionDep, _caller: CanReadPeriods) -> PeriodDefaults:
    return goals.period_defaults(session)


@router.get("/periods/{period_id}", response_model=PeriodPublic, tags=["periods"], summary="One period")
def get_period(response: Response, period_id: Id, session: SessionDep, _caller: CanReadPeriods) -> PeriodPublic:
    return reply(response, PeriodPublic, goals.get_period(session, period_id))


@router.post("/periods", response_model=PeriodPublic, status_code=201, tags=["periods"], summary="Create a period")
def create_period(
    response: Response,
    body: PeriodCreate,
    session: SessionDep,
    caller: CanWritePeriods,
    key: IdempotencyKey = None,
) -> PeriodPublic:
    return answer(response, PeriodPublic, goals.create_period_once(session, caller, body, key))


@router.patch("/periods/{period_id}", response_model=PeriodPublic, tags=["periods"], summary="Change a period")
def update_period(
    response: Response,
    period_id: Id,
    body: PeriodUpdate,
    session: SessionDep,
    caller: CanWritePeriods,
    if_match: IfMatch = None,
) -> PeriodPublic:
    return reply(response, PeriodPublic, goals.update_period(session, caller, period_id, body, if_match))


@router.get(
    "/indicators", response_model=Page[IndicatorPublic], tags=["catalogue"], summary="The bilingual KPI catalogue"
)
def list_indicators(session: SessionDep, _caller: CanReadCatalogue, p: Paging) -> Page[IndicatorPublic]:
    return page(IndicatorPublic, goals.list_indicators(session, limit=p.limit, offset=p.offset))


@router.get(
    "/rules",
    response_model=ScorecardRules,
    tags=["catalogue"],
    summary="The scorecard rules pages check as you type (weights sum, KPIs per scorecard)",
)
async def get_rules(_caller: CanReadCatalogue) -> ScorecardRules:
    return goals.scorecard_rules()


@router.get("/indicators/{indicator_id}", response_model=IndicatorPublic, tags=["catalogue"], summary="One indicator")
def get_indicator(
    response: Response, indicator_id: Id, session: SessionDep, _caller: CanReadCatalogue
) -> IndicatorPublic:
    return reply(response, IndicatorPublic, goals.get_indicator(session, indicator_id))


@router.post(
    "/indicators",
    response_model=IndicatorPublic,
    status_code=201,
    tags=["catalogue"],
    summary="Add an indicator to the catalogue",
)
def create_indicator(
    response: Response,
    body: IndicatorCreate,
    session: SessionDep,
    caller: CanWriteCatalogue,
    key: IdempotencyKey = None,
) -> IndicatorPublic:
    return answer(response, IndicatorPublic, goals.create_indicator_once(session, caller, body, key))


@router.patch(
    "/indicators/{indicator_id}",
    response_model=IndicatorPublic,
    tags=["catalogue"],
    summary="Edit an indicator (If-Match)",
)
def update_indicator(
    response: Response,
    indicator_id: Id,
    body: IndicatorUpdate,
    session: SessionDep,
    caller: CanWriteCatalogue,
    if_match: IfMatch = None,
) -> IndicatorPublic:
    return reply(response, IndicatorPublic, goals.update_indicator(session, caller, indicator_id, body, if_match))


@router.get(
    "/objectives",
    response_model=Page[ObjectivePublic],
    tags=["okr"],
    summary="OKRs you may read: the company's, your department's, yours and your reports'",
)
def list_objectives(
    session: SessionDep,
    caller: CanReadOkr,
    p: Paging,
    period_id: Annotated[int | None, Query(ge=1, le=2_147_483_647)] = None,
    level: Annotated[Level | None, Query()] = None,
) -> Page[ObjectivePublic]:
    items, count = goals.list_objectives(
        session, caller, period_id=period_id, level=level, limit=p.limit, offset=p.offset
    )
    return page(ObjectivePublic, ([goals.objective_view(session, o) for o in items], count))


@router.post(
    "/objectives/reading",
    response_model=KrReadingPublic,
    tags=["okr"],
    summary="How a key result will be read: indicator, target, deadline and the department that carries it",
)
def read_key_result(body: KrReadingRequest, session: SessionDep, _caller: CanReadOkr) -> KrReadingPublic:
    return goals.read_key_result(session, body)


@router.get("/objectives/{objective_id}", response_model=ObjectivePublic, tags=["okr"], summary="One objective")
def get_objective(response: Response, objective_id: Id, session: SessionDep, caller: CanReadOkr) -> ObjectivePublic:
    obj = goals.get_objective(session, caller, objective_id)
    return reply(response, ObjectivePublic, goals.objective_view(session, obj))


@router.post(
    "/objectives",
    response_model=ObjectivePublic,
    status_code=201,
    tags=["okr"],
    summary="Create an objective with its key results (managers: own department and reports)",
)
def create_objective(
    response: Response,
    body: ObjectiveCreate,
    session: SessionDep,
    caller: CanWriteOkr,
    key: IdempotencyKey = None,
) -> ObjectivePublic:
    return answer(response, ObjectivePublic, goals.create_objective_once(session, caller, body, key))
