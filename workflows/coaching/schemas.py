"""Pydantic I/O of the coaching feature: plans, alerts, anomaly flags and the course catalogue."""

from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, Field

from assistant.report import FeedbackReport
from assistant.report_facts import PersonFacts
from assistant.training import Recommendation
from workflows.results.schemas import ResultPublic
from workflows.shared.schemas import Num, Public, Strict

CourseFormat = Literal["online", "workshop", "coaching", "self_study", "on_the_job"]


def _utc(value: datetime) -> datetime:
    # Stored without a zone on SQLite; every timestamp the service writes is UTC.
    return value if value.tzinfo else value.replace(tzinfo=UTC)


class PeriodRef(Public):
    id: int
    code: str
    kind: str
    start_date: date
    end_date: date
    name_zh: str
    name_en: str


class PaceOut(BaseModel):
    projected_end: float | None
    projected_achievement_pct: float | None
    status: str
    explanation: str
    method: str = Field(default="straight", description="forecast (actual + forecast of the days left) or straight.")
    low: float | None = Field(default=None, description="80% range of the projected end value (forecast only).")
    high: float | None = None
    probability_pct: float | None = Field(default=None, description="Chance of reaching the target, in %.")
    conservative_pct: float | None = None
    stretch_pct: float | None = None
    days_left: int | None = None
    caveats: list[str] = Field(default_factory=list, description="Thin-data notes in the reader's language.")


class OverrideOut(BaseModel):
    """A hand-entered value for a KPI measured from sales, with its reason and HR's decision."""

    as_of: date
    value: float
    reason: str
    status: str


class MeasuredOut(BaseModel):
    """Where a KPI's actual comes from when it is computed from sales data."""

    source: str = "sales"
    shops: list[str]
    days: int
    missing_days: int
    formula: str
    counts: str = Field(description="sales: the computed value counts; manual: HR accepted a hand-entered one.")
    computed: float
    overrides: list[OverrideOut] = Field(default_factory=list, description="Hand-entered values beside it.")


class PlanKpi(BaseModel):
    assignment_id: int
    code: str
    name: str
    unit: str
    direction: str
    block: str
    weight: float
    target: float | None
    target_low: float | None
    target_high: float | None
    actual: float | None = Field(description="Latest reported value (cumulative to date for totals).")
    as_of: date | None
    progress_pct: float | None = Field(description="Achievement so far, direction-aware, uncapped.")
    pace: PaceOut | None
    measured: MeasuredOut | None = None


class AlertPublic(Public):
    id: int
    employee_id: int
    manager_id: int | None
    assignment_id: int
    period_id: int
    indicator_code: str
    kind: str
    start_date: date
    end_date: date
    days: int
    ongoing: bool
    evidence: list[Any]
    explanation_zh: str
    explanation_en: str
    created_at: Annotated[datetime, AfterValidator(_utc)] | None = None


class PlanPublic(BaseModel):
    employee_id: int
    language: Literal["zh", "en"]
    current_period: PeriodRef | None
    kpis: list[PlanKpi] = Field(description="My KPIs of the running period with targets and progress.")
    review_period: PeriodRef | None
    score: dict[str, Any] | None = Field(description="How every point of the reviewed period was computed.")
    result: ResultPublic | None = Field(
        default=None, description="The reviewed period's one result: final score, grade, rank in the department."
    )
    facts: PersonFacts | None
    report: FeedbackReport | None
    training: list[Recommendation]
    alerts: list[AlertPublic]
    notes: list[str] = Field(default_factory=list)


class AlertRunPublic(BaseModel):
    created: int
    updated: int
    ongoing: int


class EvidenceItem(BaseModel):
    """One number behind a flag, labelled for a reader (the page never shows the raw key)."""

    key: str
    label_zh: str
    label_en: str
    value: float | int | str | None
    value_text: str


class AnomalyFlagPublic(BaseModel):
    check: str
    code: str
    subject: str
    subject_name: str
    period: str | None
    severity: str
    severity_zh: str = ""
    severity_en: str = ""
    evidence: dict[str, float | int | str | None]
    evidence_items: list[EvidenceItem] = Field(default_factory=list)
    explanation_en: str
    explanation_zh: str


class CheckStatus(BaseModel):
    code: str
    status: Literal["ran", "skipped"]
    reason: str


class AnomalyReportPublic(BaseModel):
    period: PeriodRef
    flags: list[AnomalyFlagPublic]
    checks: list[CheckStatus]
    note: str = "Flags are evidence for a second review; no score or record was changed."


class CourseCreate(Strict):
    code: str = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_.\-]+$")
    title_zh: str = Field(min_length=1, max_length=200)
    title_en: str = Field(min_length=1, max_length=200)
    skills: list[str] = Field(min_length=1, max_length=10)
    kpi_codes: list[str] = Field(default_factory=list, max_length=20)
    departments: list[str] = Field(default_factory=list, max_length=20)
    duration_hours: Num = Field(gt=0, le=1000)
    format: CourseFormat
    active: bool = True


class CourseUpdate(Strict):
    title_zh: str | None = Field(default=None, min_length=1, max_length=200)
    title_en: str | None = Field(default=None, min_length=1, max_length=200)
    skills: list[str] | None = Field(default=None, min_length=1, max_length=10)
    kpi_codes: list[str] | None = Field(default=None, max_length=20)
    departments: list[str] | None = Field(default=None, max_length=20)
    duration_hours: Num | None = Field(default=None, gt=0, le=1000)
    format: CourseFormat | None = None
    active: bool | None = None


class CoursePublic(Public):
    id: int
    code: str
    title_zh: str
    title_en: str
    skills: list[str]
    kpi_codes: list[str]
    departments: list[str]
    duration_hours: float
    format: str
    active: bool
    version: int


class DepartmentGrades(BaseModel):
    department: str
    people: int
    mean_score: float
    counts: dict[str, int]


class GradeDistribution(BaseModel):
    period: str | None
    period_name_zh: str | None
    period_name_en: str | None
    people: int
    counts: dict[str, int]
    departments: list[DepartmentGrades]
    note: str = "Grades are given within each department (DOMAIN.md §5), the same grades as on every other page."


class RiskOut(BaseModel):
    """One sales KPI's forecast-based outlook on the team page."""

    assignment_id: int
    code: str
    name_zh: str
    name_en: str
    unit: str
    projected: float
    low: float | None
    high: float | None
    probability_pct: float | None


class TeamMember(BaseModel):
    employee_id: int
    name_zh: str
    name_en: str
    department_id: int
    score: float | None = Field(description="Final score of the reviewed (latest ended) period.")
    grade: str | None = Field(default=None, description="The period's one grade (excellent, good, needs_improvement).")
    rank: int | None = Field(default=None, description="Rank within the person's department.")
    team_size: int | None = Field(default=None, description="People reviewed in the person's department.")
    pace: dict[str, int] = Field(description="This period's KPIs per pace status (ahead, on_track, behind, too_early).")
    alerts: int = Field(description="Stored early-warning alerts of this period.")
    risk: list[RiskOut] = Field(default_factory=list, description="Forecast-based chances of the sales KPIs.")
    lowest_probability_pct: float | None = Field(default=None, description="The members are sorted by this.")


class TeamOverview(BaseModel):
    review_period: PeriodRef | None
    current_period: PeriodRef | None
    members: list[TeamMember]
