"""The home page's summary: what needs the caller, per role (issue 27)."""

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from api.deps import CanReadMe, SessionDep
from api.errors import PROBLEM_RESPONSES
from workflows.home import flows as home
from workflows.home.schemas import HomePublic

router = APIRouter(prefix="/api/v1", responses=PROBLEM_RESPONSES)


@router.get(
    "/home",
    response_model=HomePublic,
    tags=["home"],
    summary="What needs me: HR/admin the approvals, cycles, pools, imports and anomalies waiting; managers their "
    "people at risk and drafts; everyone their own KPIs and review-cycle part (each scoped to what they may see)",
)
def get_home(
    session: SessionDep,
    caller: CanReadMe,
    lang: Annotated[Literal["zh", "en"], Query(description="Language of the plan's sentences.")] = "zh",
) -> HomePublic:
    return home.home(session, caller, lang=lang)
