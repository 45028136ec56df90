"""Forecast routes: request target ranges (background job), follow the job, read ranges, fetch fan charts."""

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from api.deps import CanReadForecast, CanRunForecast, IdempotencyKey, SessionDep
from api.errors import PROBLEM_RESPONSES
from api.routes._util import Id, Paging, answer, page
from workflows.forecasts import flows as forecasts
from workflows.forecasts.schemas import ForecastCreate, ForecastJobPublic, TargetRangePublic
from workflows.shared.schemas import Page

router = APIRouter(prefix="/api/v1", tags=["forecasts"], responses=PROBLEM_RESPONSES)
MaybeId = Annotated[int | None, Query(ge=1, le=2_147_483_647)]


@router.post(
    "/forecasts",
    response_model=ForecastJobPublic,
    status_code=202,
    summary="Forecast a period's target range (conservative/base/stretch) for a shop or all your shops; "
    "runs on the job queue (follow it at Location)",
)
def request_forecast(
    response: Response, body: ForecastCreate, session: SessionDep, caller: CanRunForecast, key: IdempotencyKey = None
) -> ForecastJobPublic:
    job = answer(response, ForecastJobPublic, forecasts.request(session, caller, body, key))
    response.headers["Location"] = f"/api/v1/forecasts/{job.id}"
    return job


@router.get("/forecasts", response_model=Page[ForecastJobPublic], summary="Forecast jobs you may read")
def list_forecasts(session: SessionDep, caller: CanReadForecast, p: Paging) -> Page[ForecastJobPublic]:
    items, count = forecasts.list_jobs(session, caller, limit=p.limit, offset=p.offset)
    return page(ForecastJobPublic, ([forecasts.job_view(session, j, caller) for j in items], count))


@router.get("/forecasts/{job_id}", response_model=ForecastJobPublic, summary="A forecast job's status and ranges")
def get_forecast(job_id: Id, session: SessionDep, caller: CanReadForecast) -> ForecastJobPublic:
    return ForecastJobPublic.model_validate(
        forecasts.job_view(session, forecasts.get_job(session, caller, job_id), caller)
    )


@router.get(
    "/forecasts/{job_id}/chart.png",
    response_class=Response,
    summary="Fan chart PNG of one shop",
    responses={200: {"content": {"image/png": {}}, "description": "PNG image"}},
)
def forecast_chart(
    job_id: Id,
    session: SessionDep,
    caller: CanReadForecast,
    shop_id: MaybeId = None,
    lang: Annotated[Literal["zh", "en"], Query(description="Language of the chart's text.")] = "zh",
) -> Response:
    return Response(forecasts.chart_png(session, caller, job_id, shop_id, lang), media_type="image/png")


@router.get("/target-ranges", response_model=Page[TargetRangePublic], summary="Proposed target ranges you may read")
def list_target_ranges(
    session: SessionDep,
    caller: CanReadForecast,
    p: Paging,
    period_id: MaybeId = None,
    shop_id: MaybeId = None,
) -> Page[TargetRangePublic]:
    return page(
        TargetRangePublic,
        forecasts.list_ranges(session, caller, period_id=period_id, shop_id=shop_id, limit=p.limit, offset=p.offset),
    )
