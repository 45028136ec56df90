"""Pydantic I/O of goal drafts: the request, the edits a manager may make, and what the API answers."""

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, Field, model_validator

from workflows.shared.schemas import DbId, Num, Public, Strict

DraftStatus = Literal["draft", "published"]


def _utc(value: datetime) -> datetime:
    # SQLite drops the zone; every timestamp the service writes is UTC.
    return value if value.tzinfo else value.replace(tzinfo=UTC)


Code = Annotated[str, Field(min_length=1, max_length=60, pattern=r"^[A-Za-z0-9_.\-]+$")]


class DraftCreate(Strict):
    department_id: DbId
    period_id: DbId
    lang: Literal["zh", "en"] = Field(default="zh", description="Language of the generated texts.")
    again: bool = Field(
        default=False,
        description="Draft anew even when an open draft of identical inputs exists (default: that draft is returned).",
    )


class KpiEdit(Strict):
    """One change to a KPI of the department scorecard (`role` omitted) or of one role's scorecard."""

    role: Code | None = Field(default=None, description="Role code from the draft; omit for the department.")
    code: Code = Field(description="KPI code; a catalogue code not yet on the scorecard adds it.")
    weight: int | None = Field(default=None, ge=0, le=100)
    target: Num | None = None
    target_low: Num | None = None
    target_high: Num | None = None
    parent_kr: Code | None = Field(default=None, description="The key result this KPI serves.")
    remove: bool = False

    @model_validator(mode="after")
    def _says_something(self) -> "KpiEdit":
        fields = (self.weight, self.target, self.target_low, self.target_high, self.parent_kr)
        if not self.remove and all(v is None for v in fields):
            raise ValueError("an edit names a field to change (weight, target, target_low/high, parent_kr) or remove")
        return self


class DraftUpdate(Strict):
    kpis: list[KpiEdit] = Field(min_length=1, max_length=50)


class GoalDraftPublic(Public):
    """A goal draft without its body (lists)."""

    id: int
    department_id: int
    period_id: int
    language: Literal["zh", "en"]
    provider: str
    model: str
    status: DraftStatus
    flags: list[str]
    input_hash: str
    edited: bool
    source_draft_id: int | None = Field(description="Set when an identical earlier request's result was reused.")
    created_by_name: str
    published_by_name: str | None
    published_at: Annotated[datetime, AfterValidator(_utc)] | None
    objective_id: int | None
    version: int


class DraftNotePublic(BaseModel):
    """A flag of the draft in words, for the manager (the flags themselves stay in `flags`)."""

    code: str = Field(description="The flag's kind, stable (e.g. mid_period, target_outside_range).")
    department: str | None = Field(description="Catalogue code of the department it concerns; None: the company.")
    department_name: str = Field(description="That department's name (or the company) in the draft's language.")
    severity: Literal["warn", "info"]
    text: str = Field(description="The note in the draft's language.")


class GoalDraftDetail(GoalDraftPublic):
    """A goal draft with the department's part of the cascade: its OKR, role KPIs and each member's KPIs."""

    draft: dict[str, Any]
    forecast_job_id: int | None = Field(
        default=None,
        description="The all-shops forecast this draft started or waits for (GET /api/v1/forecasts/{id}); "
        "ask for the draft again when it is done to get target ranges.",
    )
    existing: bool = Field(
        default=False,
        description="True when the department's open draft for the period was returned instead of a new one "
        "(one open draft per department and period; send `again: true` for an alternative).",
    )
    notes: list[DraftNotePublic] = Field(default_factory=list, description="The flags in words, by department.")
    inputs_changed: bool = Field(
        default=False,
        description="True when that open draft was made from inputs that changed since (company OKRs, forecasts, "
        "org, last period's actuals): `again: true` drafts from the current ones.",
    )


class PublishResult(BaseModel):
    id: int
    status: DraftStatus
    version: int
    objective_id: int
    key_result_ids: list[int]
    assignment_ids: list[int]
    skipped_employee_ids: list[int] = Field(
        description="People not given KPIs: a manager never sets their own (their manager or HR does)."
    )
