"""Coaching routes: plans, early-warning alerts, inflation/anomaly flags for HR, the training catalogue."""

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from api.deps import (
    CanReadAlerts,
    CanReadAnomalies,
    CanReadCourses,
    CanReadGrades,
    CanReadPlan,
    CanRunAlerts,
    CanWriteCourses,
    ClockDep,
    IdempotencyKey,
    IfMatch,
    SessionDep,
    SettingsDep,
)
from api.errors import PROBLEM_RESPONSES
from api.routes._util import Id, Paging, answer, page, reply
from workflows.coaching import flows as coaching
from workflows.coaching.schemas import (
    AlertPublic,
    AlertRunPublic,
    AnomalyReportPublic,
    CourseCreate,
    CoursePublic,
    CourseUpdate,
    GradeDistribution,
    PeriodRef,
    PlanPublic,
    TeamOverview,
)
from workflows.shared.schemas import Page

router = APIRouter(prefix="/api/v1", responses=PROBLEM_RESPONSES)

Lang = Annotated[Literal["zh", "en"], Query(description="Language of the report and names.")]
PeriodQuery = Annotated[
    int | None, Query(ge=1, le=2_147_483_647, description="Period to review (default: the latest ended one).")
]


@router.get(
    "/me/plan",
    response_model=PlanPublic,
    tags=["coaching"],
    summary="My plan: KPIs, targets, progress, score breakdown, feedback report, training (mine only)",
)
def my_plan(
    session: SessionDep,
    settings: SettingsDep,
    caller: CanReadPlan,
    lang: Lang = "zh",
    period_id: PeriodQuery = None,
) -> PlanPublic:
    return coaching.my_plan(session, caller, lang=lang, period_id=period_id, settings=settings)


@router.get(
    "/employees/{employee_id}/plan",
    response_model=PlanPublic,
    tags=["coaching"],
    summary="A person's plan (managers: their reporting line; HR/admin: everyone; others 404)",
)
def employee_plan(
    employee_id: Id,
    session: SessionDep,
    settings: SettingsDep,
    caller: CanReadPlan,
    lang: Lang = "zh",
    period_id: PeriodQuery = None,
) -> PlanPublic:
    return coaching.employee_plan(session, caller, employee_id, lang=lang, period_id=period_id, settings=settings)


@router.get(
    "/alerts",
    response_model=Page[AlertPublic],
    tags=["coaching"],
    summary="Early-warning alerts you may see: yours, your reporting line's (managers), all (HR/admin)",
)
def list_alerts(
    session: SessionDep,
    caller: CanReadAlerts,
    p: Paging,
    period_id: Annotated[int | None, Query(ge=1, le=2_147_483_647)] = None,
    employee_id: Annotated[int | None, Query(ge=1, le=2_147_483_647)] = None,
) -> Page[AlertPublic]:
    return page(
        AlertPublic,
        coaching.list_alerts(
            session, caller, period_id=period_id, employee_id=employee_id, limit=p.limit, offset=p.offset
        ),
    )


@router.post(
    "/alerts/run",
    response_model=AlertRunPublic,
    tags=["coaching"],
    summary="Run the early-warning checks for the running periods and store the alerts",
)
def run_alerts(session: SessionDep, caller: CanRunAlerts) -> AlertRunPublic:
    result = coaching.run_alert_checks(session, caller)
    return AlertRunPublic(created=result.created, updated=result.updated, ongoing=result.ongoing)


@router.get(
    "/anomalies",
    response_model=AnomalyReportPublic,
    tags=["coaching"],
    summary="Inflation and anomaly flags of a period with their evidence (HR/admin; nothing is changed)",
)
def list_anomalies(
    session: SessionDep,
    _caller: CanReadAnomalies,
    period_id: Annotated[
        int | None, Query(ge=1, le=2_147_483_647, description="Default: the latest ended period.")
    ] = None,
) -> AnomalyReportPublic:
    report = coaching.anomalies(session, period_id=period_id)
    return AnomalyReportPublic.model_validate(
        {"period": PeriodRef.model_validate(report.period), "flags": report.flags, "checks": report.checks}
    )


@router.get(
    "/team/overview",
    response_model=TeamOverview,
    tags=["coaching"],
    summary="Everyone you may see at a glance: score, pace and alerts per person (managers: their reporting line)",
)
def get_team_overview(
    session: SessionDep,
    clock: ClockDep,
    caller: CanReadPlan,
    department_id: Annotated[int | None, Query(ge=1, le=2_147_483_647)] = None,
) -> TeamOverview:
    return coaching.team_overview(session, caller, clock.today(), department_id=department_id)


@router.get(
    "/grades",
    response_model=GradeDistribution,
    tags=["coaching"],
    summary="Company-wide grade distribution of the latest ended period, per department (HR/admin)",
)
def grades(session: SessionDep, clock: ClockDep, _caller: CanReadGrades) -> GradeDistribution:
    return coaching.grade_distribution(session, clock.today())


@router.get("/courses", response_model=Page[CoursePublic], tags=["coaching"], summary="The training catalogue")
def list_courses(
    session: SessionDep,
    _caller: CanReadCourses,
    p: Paging,
    active: Annotated[bool | None, Query()] = None,
) -> Page[CoursePublic]:
    return page(CoursePublic, coaching.list_courses(session, active=active, limit=p.limit, offset=p.offset))


@router.get("/courses/{course_id}", response_model=CoursePublic, tags=["coaching"], summary="One course")
def get_course(response: Response, course_id: Id, session: SessionDep, _caller: CanReadCourses) -> CoursePublic:
    return reply(response, CoursePublic, coaching.get_course(session, course_id))


@router.post(
    "/courses",
    response_model=CoursePublic,
    status_code=201,
    tags=["coaching"],
    summary="Add a course to the catalogue (HR/admin)",
)
def create_course(
    response: Response,
    body: CourseCreate,
    session: SessionDep,
    caller: CanWriteCourses,
    key: IdempotencyKey = None,
) -> CoursePublic:
    return answer(response, CoursePublic, coaching.create_course_once(session, caller, body, key))


@router.patch(
    "/courses/{course_id}", response_model=CoursePublic, tags=["coaching"], summary="Edit a course (HR/admin, If-Match)"
)
def update_course(
    response: Response,
    course_id: Id,
    body: CourseUpdate,
    session: SessionDep,
    caller: CanWriteCourses,
    if_match: IfMatch = None,
) -> CoursePublic:
    return reply(response, CoursePublic, coaching.update_course(session, caller, course_id, body, if_match))
