"""The home page's summary: what needs the caller, per role (issue 27)."""

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from api.deps import CanReadAnomalies, CanReadMe, SessionDep
from api.errors import PROBLEM_RESPONSES
from workflows.home import flows as home
from workflows.home.schemas import HomeAnomalies, HomePublic

router = APIRouter(prefix="/api/v1", responses=PROBLEM_RESPONSES)


@router.get(
    "/home",
    response_model=HomePublic,
    tags=["home"],
    summary="What needs me: HR/admin the approvals, cycles, pools and imports waiting; managers their people at "
    "risk and drafts; everyone their own KPIs and review-cycle part (each scoped to what they may see)",
)
def get_home(
    session: SessionDep,
    caller: CanReadMe,
    lang: Annotated[Literal["zh", "en"], Query(description="Language of the plan's sentences.")] = "zh",
) -> HomePublic:
    return home.home(session, caller, lang=lang)


@router.get(
    "/home/anomalies",
    response_model=HomeAnomalies,
    tags=["home"],
    summary="The anomaly flags HR's home page lists (the 异常 page's default period), by subject name (HR/admin)",
)
def get_home_anomalies(session: SessionDep, _caller: CanReadAnomalies) -> HomeAnomalies:
    return home.home_anomalies(session)
