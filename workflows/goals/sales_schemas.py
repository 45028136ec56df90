"""Schemas of KPIs measured from sales: the computed actual with its evidence, hand-entered overrides and
HR's decision on them."""

from datetime import date, datetime
from typing import Literal

from pydantic import Field

from workflows.shared.schemas import Day, Num, Public, Strict


class OverrideCreate(Strict):
    as_of: Day
    value: Num
    reason: str = Field(min_length=4, max_length=1000, description="Why the computed value is not right.")


class OverrideDecision(Strict):
    decision: Literal["accept", "reject"]
    note: str = Field(default="", max_length=1000)


class OverridePublic(Public):
    id: int
    assignment_id: int
    as_of: date
    value: float
    reason: str
    status: str
    computed_value: float | None
    note: str
    version: int
    created_at: datetime | None = None


class SalesActualPublic(Public):
    as_of: date
    value: float
    source: Literal["sales"] = "sales"
    formula: str
    formula_zh: str
    formula_en: str
    shop_codes: list[str]
    days: int
    missing_days: int
    sums: dict[str, float]
    counts: str
    version: int


class SalesActualView(Public):
    assignment_id: int
    measured: bool
    computed: SalesActualPublic | None
    overrides: list[OverridePublic]
