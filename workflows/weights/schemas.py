"""Pydantic I/O of the weights feature: proposal requests and decisions, proposals, weight sets, outcomes."""

from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, Field

from workflows.shared.schemas import DbId, Num, Public, Strict

Percent = Annotated[float, Field(ge=0, le=100, allow_inf_nan=False)]
IndicatorCode = Annotated[str, Field(min_length=1, max_length=60, pattern=r"^[a-z0-9_]+$")]
ProposalStatus = Literal["pending", "approved", "rejected"]


def _utc(value: datetime) -> datetime:
    # Stored without a zone on SQLite; every timestamp the service writes is UTC.
    return value if value.tzinfo else value.replace(tzinfo=UTC)


UtcDatetime = Annotated[datetime, AfterValidator(_utc)]


class WeightProposalCreate(Strict):
    department_id: DbId = Field(description="The department whose scorecard weights are re-estimated.")
    min_weight: Percent = Field(default=5.0, description="HR's lowest weight for any indicator, in %.")
    max_weight: Percent = Field(default=40.0, description="HR's highest weight for any indicator, in %.")


class WeightProposalApprove(Strict):
    weights: dict[IndicatorCode, Percent] | None = Field(
        default=None,
        max_length=50,
        description="Edited weights (indicator code -> %); they must name exactly the proposal's indicators, "
        "stay within its bounds and sum to 100. Omit to approve the proposal as it stands.",
    )
    note: str = Field(default="", max_length=2000)


class WeightProposalReject(Strict):
    note: str = Field(default="", max_length=2000)


class WeightProposalPublic(Public):
    id: int
    department_id: int
    template: str
    status: ProposalStatus
    effective_from: date
    effective_period: str
    min_weight: float
    max_weight: float
    proposed_weights: dict[str, float]
    current_weights: dict[str, float] | None
    approved_weights: dict[str, float] | None
    created_by_name: str
    created_at: UtcDatetime
    decided_by_name: str | None
    decided_at: UtcDatetime | None
    decision_note: str
    weight_set_version: int | None
    version: int


class WeightProposalDetail(WeightProposalPublic):
    evidence: dict[str, Any] = Field(
        description="The regression report (method in zh/en, weights with intervals, coefficients, "
        "cross-validated fit vs current and equal weights, warnings) and the monthly data used."
    )


class WeightSetPublic(Public):
    id: int
    department_id: int
    version: int
    weights: dict[str, float]
    effective_from: date
    effective_period: str
    source: str
    source_proposal_id: int | None
    created_by_name: str
    created_at: UtcDatetime


class OutcomeIn(Strict):
    period_id: DbId
    value: Num


class OutcomesPut(Strict):
    outcomes: list[OutcomeIn] = Field(min_length=1, max_length=500)


class OutcomePublic(Public):
    period_id: int
    period_code: str
    value: float
    source: str


class OutcomesPublic(BaseModel):
    department_id: int
    data: list[OutcomePublic]
    count: int
