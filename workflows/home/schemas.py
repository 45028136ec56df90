"""Pydantic output of the home summary: one section per kind of thing waiting, each entry naming what a page needs
to link to it (ids) and to say it in words (names in both languages, no codes)."""

from datetime import UTC, date, datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, Field

from workflows.coaching.schemas import PeriodRef, PlanKpi


def _utc(value: datetime) -> datetime:
    # Stored without a zone (SQLite drops it); every timestamp the service writes is UTC.
    return value if value.tzinfo else value.replace(tzinfo=UTC)


Stamp = Annotated[datetime, AfterValidator(_utc)]


class Named(BaseModel):
    """A person or department by name in both languages."""

    id: int
    name_zh: str
    name_en: str


class PendingWeights(BaseModel):
    proposal_id: int
    department: Named
    effective_from: date
    created_at: Stamp | None = None


class LateCycle(BaseModel):
    cycle_id: int
    period: PeriodRef
    stage: str
    people: int = Field(description="Everyone in the cycle.")
    late: list[Named] = Field(description="People whose part of the current stage is missing (extensions honoured).")
    open_appeals: int


class PoolWaiting(BaseModel):
    pool_id: int
    allocation_id: int
    period: PeriodRef
    amount_fen: int
    waiting_for_reviews: list[int] = Field(description="Open second reviews the approval waits for.")


class ImportProblem(BaseModel):
    job_id: int
    kind: str
    filename: str
    bad_rows: int
    created_at: Stamp | None = None


class AnomalyEntry(BaseModel):
    code: str
    severity: str
    subject: "Named"
    explanation_zh: str
    explanation_en: str


class AtRisk(BaseModel):
    person: Named
    behind: int = Field(description="KPIs of the running period whose pace is behind (kpi.pace).")
    lowest_probability_pct: float | None = Field(description="The lowest forecast chance of a sales KPI, in %.")


class DraftToFinish(BaseModel):
    draft_id: int
    department: Named
    period: PeriodRef
    updated_at: Stamp | None = None


class CycleTask(BaseModel):
    """One's own part of an open review cycle, or a review one must write."""

    cycle_id: int
    item_id: int
    stage: str
    status: str
    mine: bool = Field(description="True: one's own item; false: a review one writes for `person`.")
    person: Named
    period: PeriodRef
    due: date = Field(description="The day the current stage ends for this part.")


class HomePublic(BaseModel):
    role: str
    today: date
    weights: list[PendingWeights] = Field(default_factory=list)
    cycles: list[LateCycle] = Field(default_factory=list)
    pools: list[PoolWaiting] = Field(default_factory=list)
    imports: list[ImportProblem] = Field(default_factory=list)
    at_risk: list[AtRisk] = Field(default_factory=list)
    drafts: list[DraftToFinish] = Field(default_factory=list)
    plan_period: PeriodRef | None = None
    kpis: list[PlanKpi] = Field(default_factory=list, description="My KPIs of the running period with pace.")
    cycle_tasks: list[CycleTask] = Field(default_factory=list)


class HomeAnomalies(BaseModel):
    """The anomaly flags for HR's home page, asked separately: the checks take a second or two, the rest does not."""

    period: PeriodRef | None = Field(description="The period the 异常 page opens on (the latest ended one with KPIs).")
    flags: list[AnomalyEntry]
