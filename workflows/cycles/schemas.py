"""Pydantic I/O of review cycles, their per-person items, appeals and indicator rubrics."""

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from workflows.shared.schemas import Day, DbId, Public, Strict

Stage = Literal["self_assessment", "manager_review", "calibration", "published", "locked"]
Population = Literal["company", "departments", "key_positions"]
Text = str


class CycleCreate(Strict):
    period_id: DbId
    population: Population = "company"
    department_ids: list[DbId] = Field(default_factory=list, max_length=200)
    all_cadences: bool = Field(
        default=False, description="Include people whose role is reviewed on another cadence (kpi/cycles.py)."
    )
    self_assessment: bool = True
    self_assessment_on: Day
    manager_review_on: Day
    calibration_on: Day
    publish_on: Day
    appeal_until: Day = Field(description="The last day to confirm or appeal.")
    lock_on: Day


class StageMove(Strict):
    stage: Stage
    reason: str = Field(
        default="",
        max_length=2000,
        description="With a reason HR may publish although some manager reviews are missing.",
    )


class Extension(Strict):
    stage: Literal["self_assessment", "manager_review", "published"]
    until: Day
    employee_ids: list[DbId] = Field(default_factory=list, max_length=500)
    department_id: DbId | None = None
    reason: str = Field(min_length=2, max_length=2000)


class CyclePublic(Public):
    id: int
    period_id: int
    population: Population
    department_ids: list[int]
    self_assessment: bool
    appeal_decider: Literal["hr", "skip_level"]
    timezone: str
    self_assessment_on: date
    manager_review_on: date
    calibration_on: date
    publish_on: date
    appeal_until: date
    lock_on: date
    stage: Stage
    published_at: datetime | None
    locked_at: datetime | None
    version: int


class CycleExtended(CyclePublic):
    """A cycle after an extension, with how many people's deadlines moved."""

    extended: int


class SelfEntry(Strict):
    assignment_id: DbId
    comment: str = Field(default="", max_length=2000)
    evidence: str = Field(default="", max_length=4000, description="Links or text.")
    proposed_value: float | None = Field(default=None, description="A level value of the KPI's rubric.")


class SelfAssessment(Strict):
    entries: list[SelfEntry] = Field(max_length=20)


class ReviewEntry(Strict):
    assignment_id: DbId
    value: float | None = Field(default=None, description="Qualitative KPIs: a level value of the rubric.")
    comment: str = Field(default="", max_length=2000)


class ManagerReview(Strict):
    entries: list[ReviewEntry] = Field(default_factory=list, max_length=20)
    overall_comment: str = Field(min_length=2, max_length=4000)


class AppealCreate(Strict):
    assignment_ids: list[DbId] = Field(min_length=1, max_length=20, description="The KPIs appealed.")
    reason: str = Field(min_length=2, max_length=4000)


class AppealDecision(Strict):
    decision: Literal["uphold", "change"]
    reason: str = Field(min_length=2, max_length=2000)
    grade: Literal["excellent", "good", "needs_improvement"] | None = None


class Reopen(Strict):
    reason: str = Field(min_length=2, max_length=2000)


class ItemPublic(Public):
    id: int
    cycle_id: int
    period_id: int
    employee_id: int
    department_id: int
    reviewer_id: int | None
    skip_level: bool
    status: str
    self_entries: dict[str, Any]
    self_at: datetime | None
    review_entries: dict[str, Any]
    overall_comment: str
    reviewed_by_name: str | None
    reviewed_at: datetime | None
    answer: str | None
    answered_at: datetime | None
    extensions: dict[str, Any]
    reopen_reason: str
    version: int
    result: dict[str, Any] | None = Field(default=None, description="Once published: the score and grade.")


class AppealPublic(Public):
    id: int
    item_id: int
    cycle_id: int
    employee_id: int
    decider_id: int | None
    assignment_ids: list[int]
    reason: str
    status: Literal["open", "upheld", "changed"]
    decision_reason: str
    new_grade: str | None
    decided_by_name: str | None
    decided_at: datetime | None
    version: int


class RubricLevel(Strict):
    value: float = Field(ge=0, le=1e9)
    label_zh: str = Field(min_length=1, max_length=100)
    label_en: str = Field(min_length=1, max_length=100)
    description_zh: str = Field(default="", max_length=1000)
    description_en: str = Field(default="", max_length=1000)


class RubricSet(Strict):
    levels: list[RubricLevel] = Field(min_length=2, max_length=10)


class RubricPublic(Public):
    id: int | None = Field(description="None: HR has not defined this indicator's rubric yet.")
    indicator_id: int
    levels: list[dict[str, Any]]
    version: int | None


class CheckInCreate(Strict):
    assignment_id: DbId
    note: str = Field(min_length=1, max_length=2000, description="Progress this week.")
    confidence: int = Field(ge=1, le=5, description="How sure the target will be reached, 1-5.")
    blocker: str = Field(default="", max_length=2000)


class CheckInComment(Strict):
    comment: str = Field(min_length=1, max_length=2000)


class CheckInPublic(Public):
    id: int
    assignment_id: int
    employee_id: int
    week_start: date
    note: str
    confidence: int
    blocker: str
    manager_comment: str
    commented_by_name: str | None
    commented_at: datetime | None
    version: int
    indicator_id: int | None = Field(default=None, description="The KPI's catalogue indicator.")
    period_id: int | None = Field(default=None, description="The KPI's period.")


class LateTeam(BaseModel):
    department_id: int
    name_zh: str
    name_en: str
    employee_ids: list[int]


class CockpitPublic(BaseModel):
    """HR's cockpit of one cycle: the stage, who is late by department, open appeals, blocking second reviews."""

    cycle_id: int
    stage: str
    people: int
    late: list[LateTeam]
    open_appeals: list[int]
    blocking_reviews: list[int]


class PacePoint(BaseModel):
    """The KPI on one day an actual arrived: progress against the target and the straight-line pace then."""

    as_of: date
    actual: float
    progress_pct: float | None
    projected_pct: float | None
    status: str | None


class PaceHistory(BaseModel):
    assignment_id: int
    target: float | None
    points: list[PacePoint]


class CheckFlag(BaseModel):
    """An inflation or divergence check that concerns the person (their score, team, department or rater)."""

    code: str
    subject_name: str
    explanation_zh: str
    explanation_en: str


class SecondReviewRef(BaseModel):
    id: int
    code: str
    status: str
    explanation_zh: str
    explanation_en: str


class BesidePublic(BaseModel):
    """What the reviewer sees beside a person's self-assessment: pace history per KPI, the checks on them."""

    item_id: int
    employee_id: int
    score: float | None
    kpis: list[PaceHistory]
    checks: list[CheckFlag]
    second_reviews: list[SecondReviewRef]
