"""Pydantic I/O of pay: inventories, ratings, pools, allocations with lines, review items, calibration."""

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, Field

from workflows.shared.schemas import DbId, Public, Strict

Stage = Literal["startup", "expansion", "mature", "transformation"]
Campaign = Literal["", "double11", "double12", "618", "nianhuo", "38", "99"]
RatingKind = Literal["self", "peer", "cross", "manager"]
Level = Annotated[float, Field(ge=1, le=5, allow_inf_nan=False)]
Fen = Annotated[int, Field(ge=0, le=10**14, description="An amount in fen (1 yuan = 100 fen).")]
Quarter = Annotated[str, Field(pattern=r"^\d{4}-Q[1-4]$", description="e.g. 2026-Q4")]


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


UtcDatetime = Annotated[datetime, AfterValidator(_utc)]


# --- key positions ------------------------------------------------------------------------------------------
class PositionRating(Strict):
    position_id: DbId
    relevance: Level = Field(description="Strategic relevance, 1-5.")
    scarcity: Level = Field(description="Skill scarcity, 1-5.")
    measurability: Level = Field(description="How well results can be quantified, 1-5.")


class InventoryCreate(Strict):
    quarter: Quarter
    campaign: Campaign = Field(default="", description="A campaign season in the quarter ('' = none).")
    stage: Stage = "mature"
    positions: list[PositionRating] = Field(min_length=1, max_length=500)


class InventoryUpdate(Strict):
    stage: Stage | None = None
    positions: list[PositionRating] | None = Field(default=None, min_length=1, max_length=500)


class InventoryPublic(Public):
    id: int
    quarter: str
    campaign: str
    stage: str
    items: list[dict[str, Any]]
    version: int
    created_by_name: str


# --- ratings -----------------------------------------------------------------------------------------------
class RatingCreate(Strict):
    period_id: DbId
    ratee_id: DbId = Field(
        description="Whom you rate: yourself (self), a colleague (peer), someone in another "
        "department (cross) or one of your reports (manager)."
    )
    kind: RatingKind
    score: Level


class RatingReceipt(BaseModel):
    """What a rater gets back: never the other raters' ratings."""

    id: int
    period_id: int
    ratee_id: int
    kind: RatingKind
    score: float


class Ratee(BaseModel):
    """Someone the caller may rate and how: a name and a department, nothing about their ratings."""

    id: int
    name_zh: str
    name_en: str
    department_id: int
    kinds: list[RatingKind]


class KindSummary(BaseModel):
    kind: RatingKind
    count: int
    mean: float | None = Field(description="Hidden (null) for peer/cross ratings from fewer than 3 people.")
    shown: bool


class RatingsAbout(BaseModel):
    employee_id: int
    period_id: int
    kinds: list[KindSummary]
    min_raters: int


# --- pools and allocations ---------------------------------------------------------------------------------
class PoolCreate(Strict):
    period_id: DbId
    amount_fen: Fen
    campaign: Campaign = ""
    base: Literal["headcount", "salary"] = "headcount"
    salary_base_fen: dict[str, Fen] | None = Field(
        default=None, max_length=100, description="Department code -> monthly salary base in fen (base 'salary')."
    )
    min_payout: float = Field(default=0.5, ge=0, le=1)


class PoolPublic(Public):
    id: int
    period_id: int
    amount_fen: int
    campaign: str
    options: dict[str, Any]
    version: int
    created_by_name: str


class LinePublic(Public):
    employee_id: int
    department_id: int
    amount_fen: int
    score: float
    grade: str
    coaching_plan: bool
    trace: dict[str, Any]


class AllocationPublic(BaseModel):
    id: int
    pool_id: int
    period_id: int
    pool_fen: int
    status: str
    payout: float
    company_outcome: float | None
    payable_fen: int
    retained_fen: int
    total_fen: int = Field(description="Lines + retained: always the pool, to the fen.")
    departments: list[dict[str, Any]]
    formula: dict[str, Any]
    edited: bool
    note: str
    approved_by_name: str | None
    approved_at: UtcDatetime | None
    version: int
    waiting_for_reviews: list[int] = Field(description="Open review items the approval waits for.")
    lines: list[LinePublic]


class PoolProposed(BaseModel):
    pool: PoolPublic
    allocation: AllocationPublic
    review_items: list[int]


class LineEdit(Strict):
    employee_id: DbId
    amount_fen: Fen


class AllocationEdit(Strict):
    lines: list[LineEdit] = Field(min_length=1, max_length=2000)
    retained_fen: Fen
    note: str = Field(min_length=1, max_length=2000, description="Why the amounts were changed.")


class AllocationApprove(Strict):
    note: str = Field(default="", max_length=2000)


class MyBonus(BaseModel):
    allocation_id: int
    period_id: int
    period_code: str
    amount_fen: int
    grade: str
    coaching_plan: bool
    trace: dict[str, Any]


# --- second review -----------------------------------------------------------------------------------------
class ReviewPublic(Public):
    id: int
    period_id: int
    pool_id: int | None
    code: str
    subject: str
    subject_employee_id: int | None
    evidence: dict[str, Any]
    explanation_en: str
    explanation_zh: str
    related: list[int]
    status: str
    decided_by_name: str | None
    decided_at: UtcDatetime | None
    reason: str
    adjustments: dict[str, float] | None
    version: int


class ScoreAdjustment(Strict):
    employee_id: DbId
    score: float = Field(ge=0, le=200, allow_inf_nan=False)


class ReviewDecision(Strict):
    decision: Literal["confirm", "adjust"]
    reason: str = Field(min_length=2, max_length=2000, description="Why the scores stand or change (audited).")
    adjustments: list[ScoreAdjustment] = Field(default_factory=list, max_length=500)


# --- calibration -------------------------------------------------------------------------------------------
class TeamCalibrationPublic(BaseModel):
    team: str
    people: int
    counts: dict[str, int]
    shares: dict[str, float]
    method: str
    mean_score: float
    outcome: float | None
    above_guide: bool
    reasons_en: list[str]
    reasons_zh: list[str]


class CalibrationPublic(BaseModel):
    period_id: int
    period_code: str
    results: dict[str, str] = Field(
        default_factory=dict, description="Which results it reads: locked (and when) or computed, in en and zh."
    )
    guide: dict[str, float]
    people: int
    counts: dict[str, int]
    shares: dict[str, float]
    teams: list[TeamCalibrationPublic]
