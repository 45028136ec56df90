"""Coaching use cases: plans (mine / my reports' / anyone's for HR), alerts, anomaly flags, the course catalogue.

Flow of a plan: pick the periods (the one running today, the latest ended one to review, three before it
for the trend) -> compute the facts -> write the report (offline templates, or the configured LLM behind
the same guards) -> recommend catalogue courses -> attach the stored alerts.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.courses import load_training_catalogue
from assistant.llm import LLMConfig, LLMProvider
from assistant.providers import make_provider
from assistant.schemas import Lang
from core.clock import clock_of
from core.errors import InvalidInput, NotFound, coded
from core.security import Caller
from core.settings import Settings
from core.tables import Course, Department, Employee, Indicator
from workflows.coaching.alerts import AlertRun, list_alerts, run_alerts

__all__ = ["AlertRun", "list_alerts", "run_alerts"]
from workflows.coaching.anomalies import AnomalyReport, anomaly_report
from workflows.coaching.data import choose_periods, person_period_ids
from workflows.coaching.plan import build_plan
from workflows.coaching.schemas import CourseCreate, CoursePublic, CourseUpdate, PlanPublic
from workflows.shared import common
from workflows.shared.access import get_visible_employee


def provider_for(settings: Settings | None) -> LLMProvider | None:
    """A provider for one request's report wording (its own deadline and token budget; answers are cached
    process-wide by input hash); None means the offline templates."""
    if settings is None or settings.llm_provider != "openai":
        return None
    return make_provider(
        LLMConfig(
            provider="openai",
            base_url=settings.llm_base_url,
            api_key=settings.llm_api_key or None,
            model=settings.llm_model,
            timeout_s=settings.llm_timeout_s,
            max_retries=settings.llm_max_retries,
            max_tokens=settings.llm_max_tokens,
            # A person waits for this page: the model gets at most KPILOT_LLM_TIMEOUT_S of it in total, and
            # wording that arrives later is cached for the next view.
            deadline_s=min(settings.llm_deadline_s, settings.llm_timeout_s),
            token_budget=settings.llm_request_token_budget,
            person_waits=True,
            background_s=settings.llm_deadline_s,
        )
    )


def plan_for(
    session: Session,
    employee: Employee,
    *,
    lang: Lang,
    period_id: int | None = None,
    today: date | None = None,
    settings: Settings | None = None,
) -> PlanPublic:
    """The plan of `employee` (no access check: callers check first)."""
    today = today or clock_of(session).today()
    periods = person_period_ids(session, employee.id)
    choice = choose_periods(periods, today, period_id)
    if period_id is not None and choice.review is None:
        raise coded(NotFound(f"Period {period_id} not found among this person's periods."), "not_found", thing="period")
    return build_plan(session, employee, choice, lang=lang, today=today, provider=provider_for(settings))


def my_plan(
    session: Session,
    caller: Caller,
    *,
    lang: Lang,
    period_id: int | None = None,
    today: date | None = None,
    settings: Settings | None = None,
) -> PlanPublic:
    """The caller's own plan."""
    if caller.employee_id is None:
        raise coded(
            NotFound("Your login is not linked to an employee record, so there is no plan to show."),
            "no_employee_record",
        )
    emp = session.get(Employee, caller.employee_id)
    if emp is None:
        raise coded(NotFound("Your employee record was not found."), "no_employee_record")
    return plan_for(session, emp, lang=lang, period_id=period_id, today=today, settings=settings)


def employee_plan(
    session: Session,
    caller: Caller,
    employee_id: int,
    *,
    lang: Lang,
    period_id: int | None = None,
    today: date | None = None,
    settings: Settings | None = None,
) -> PlanPublic:
    """A plan the caller may read: managers their reporting line, HR/admin everyone; others 404."""
    emp = get_visible_employee(session, caller, employee_id)
    return plan_for(session, emp, lang=lang, period_id=period_id, today=today, settings=settings)


@common.use_case
def run_alert_checks(session: Session, caller: Caller | None, *, today: date | None = None) -> AlertRun:
    """Detect and store early warnings for the periods running today, then commit."""
    result = run_alerts(session, actor=caller, today=today or clock_of(session).today())
    return result


def anomalies(session: Session, *, period_id: int | None, today: date | None = None) -> AnomalyReport:
    """Inflation/anomaly flags of one period for HR (read-only)."""
    return anomaly_report(session, period_id, today=today or clock_of(session).today())


# --- the course catalogue -------------------------------------------------------------------------------------
def list_courses(session: Session, *, active: bool | None, limit: int, offset: int) -> tuple[list[Course], int]:
    """Catalogue courses by code."""
    stmt = select(Course).order_by(Course.code)
    if active is not None:
        stmt = stmt.where(Course.active.is_(active))
    return common.paginate(session, stmt, limit=limit, offset=offset)


def get_course(session: Session, course_id: int) -> Course:
    """A course or NotFound."""
    course = session.get(Course, course_id)
    if course is None:
        raise coded(NotFound(f"Course {course_id} not found."), "not_found", thing="course")
    return course


def _validate(
    session: Session, skills: list[str] | None, kpi_codes: list[str] | None, departments: list[str] | None
) -> None:
    errors: list[dict[str, object]] = []
    known_skills = set(load_training_catalogue().skills)
    for s in skills or []:
        if s not in known_skills:
            errors.append({"loc": ["skills"], "msg": f"unknown skill {s!r}; use one of {sorted(known_skills)}"})
    if kpi_codes:
        known = set(session.execute(select(Indicator.code).where(Indicator.code.in_(kpi_codes))).scalars())
        errors += [
            {"loc": ["kpi_codes"], "msg": f"{c!r} is not in the KPI catalogue"} for c in kpi_codes if c not in known
        ]
    if departments:
        known = set(session.execute(select(Department.code).where(Department.code.in_(departments))).scalars())
        errors += [{"loc": ["departments"], "msg": f"unknown department {d!r}"} for d in departments if d not in known]
    if errors:
        raise coded(
            InvalidInput("The course names unknown skills, KPIs or departments.", errors), "course.unknown_refs"
        )


def create_course(session: Session, caller: Caller, data: CourseCreate) -> Course:
    """Add a course to the catalogue (audited; caller commits)."""
    _validate(session, data.skills, data.kpi_codes, data.departments)
    return common.create(session, Course(**data.model_dump()), caller=caller, entity="course")


@common.use_case
def update_course(session: Session, caller: Caller, course_id: int, data: CourseUpdate, if_match: str | None) -> Course:
    """Edit a course (If-Match, audited)."""
    course = get_course(session, course_id)
    changes = data.model_dump(exclude_unset=True)
    for key in changes:
        if key in changes and changes[key] is None:
            raise coded(
                InvalidInput(f"{key} cannot be null.", [{"loc": [key], "msg": "null"}]), "field_not_null", field=key
            )
    _validate(session, changes.get("skills"), changes.get("kpi_codes"), changes.get("departments"))
    common.update_versioned(session, course, changes, if_match=if_match, caller=caller, entity="course")
    return course


# Overviews for the web app (routes import only this module).
from workflows.coaching.overview import grade_distribution as grade_distribution  # noqa: E402
from workflows.coaching.overview import team_overview as team_overview  # noqa: E402


def create_course_once(session: Session, caller: Caller, data: CourseCreate, key: str | None) -> common.Answer:
    """Add a course once per Idempotency-Key."""
    return common.create_once(session, caller, key, data, CoursePublic, lambda: create_course(session, caller, data))
