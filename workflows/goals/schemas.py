"""Goal schemas: periods, the indicator catalogue, objectives and key results, KPI assignments and actuals,
imports, shops and daily sales (XCreate / XUpdate / XPublic)."""

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

from core.vocab import DirectionName
from workflows.shared.schemas import Block, Day, DbId, Level, Num, PeriodKind, Public, Strict

SalesFormulaName = Literal["net_sales", "orders", "visitors", "aov", "conversion", "refund_rate"]


class PeriodCreate(Strict):
    code: str = Field(min_length=1, max_length=40)
    kind: PeriodKind
    start_date: Day
    end_date: Day
    name_zh: str = Field(min_length=1, max_length=100)
    name_en: str = Field(min_length=1, max_length=100)


class PeriodUpdate(Strict):
    name_zh: str | None = Field(default=None, min_length=1, max_length=100)
    name_en: str | None = Field(default=None, min_length=1, max_length=100)
    start_date: Day | None = None
    end_date: Day | None = None


class PeriodPublic(Public):
    id: int
    code: str
    kind: PeriodKind
    start_date: date
    end_date: date
    name_zh: str
    name_en: str
    locked_at: datetime | None = Field(description="When the period's review cycle locked it (read-only since).")
    version: int


class PeriodDefaults(BaseModel):
    """Which period a selector opens on, by the service's clock: the running one for reading and scoring, the
    next quarter for goal drafts (None when no such period exists yet)."""

    today: date
    running_month: int | None = Field(description="The month running today.")
    running_quarter: int | None = Field(description="The quarter running today.")
    running: int | None = Field(description="The shortest period running today (a campaign, else the month, ...).")
    next_quarter: int | None = Field(description="The first quarter starting after today: where goal drafts start.")


class KrReadingRequest(Strict):
    title: str = Field(min_length=1, max_length=2000, description="A key result as the company writes it.")
    lang: Literal["zh", "en"] = "zh"


class KrReadingPublic(BaseModel):
    """How kpilot reads a key result: what a goal draft will make of it."""

    indicator_code: str | None = Field(description="The catalogue indicator it measures; None: not in the catalogue.")
    indicator_name: str
    needs_indicator: bool = Field(description="True: HR adds the indicator (publishing a draft adds it too).")
    target: float | None
    change_pct: float | None
    change_pp: float | None
    unit: str | None
    direction: Literal["higher", "lower"]
    deadline: str | None = Field(description="The period or day the KR names, as written.")
    department: str = Field(description="Catalogue code of the department that will carry it.")
    department_name: str
    text: str = Field(description="The reading in words, e.g. '销售额(GMV) ≥ 3,000 万元，6月20日'.")


class IndicatorCreate(Strict):
    code: str = Field(min_length=1, max_length=60, pattern=r"^[a-z0-9_]+$")
    name_zh: str = Field(min_length=1, max_length=200)
    name_en: str = Field(min_length=1, max_length=200)
    unit: str = Field(min_length=1, max_length=20)
    direction: DirectionName
    definition_zh: str = Field(default="", max_length=2000)
    definition_en: str = Field(default="", max_length=2000)
    sales_formula: SalesFormulaName | None = Field(
        default=None, description="Measure it from stored shop sales with this formula (HR's mapping)."
    )


class IndicatorUpdate(Strict):
    name_zh: str | None = Field(default=None, min_length=1, max_length=200)
    name_en: str | None = Field(default=None, min_length=1, max_length=200)
    unit: str | None = Field(default=None, min_length=1, max_length=20)
    direction: DirectionName | None = None
    definition_zh: str | None = Field(default=None, max_length=2000)
    definition_en: str | None = Field(default=None, max_length=2000)
    sales_formula: SalesFormulaName | None = None


class IndicatorPublic(Public):
    id: int
    code: str
    name_zh: str
    name_en: str
    unit: str
    direction: DirectionName
    definition_zh: str
    definition_en: str
    sales_formula: str | None = None
    version: int


class KeyResultIn(Strict):
    code: str = Field(min_length=1, max_length=20)
    title: str = Field(min_length=1, max_length=2000)
    indicator_code: str | None = Field(default=None, max_length=60)
    baseline: Num | None = None
    target: Num | None = None
    unit: str | None = Field(default=None, max_length=20)
    direction: DirectionName | None = None
    parent_kr_id: DbId | None = None


class KeyResultPublic(Public):
    id: int
    code: str
    title: str
    indicator_code: str | None
    baseline: float | None
    target: float | None
    unit: str | None
    direction: str | None
    parent_kr_id: int | None


class ObjectiveCreate(Strict):
    level: Level
    period_id: DbId
    department_id: DbId | None = None
    employee_id: DbId | None = None
    code: str = Field(min_length=1, max_length=20)
    title: str = Field(min_length=1, max_length=2000)
    language: Literal["zh", "en"] = "zh"
    key_results: list[KeyResultIn] = Field(default_factory=list, max_length=5)


class ObjectivePublic(Public):
    id: int
    level: Level
    period_id: int
    department_id: int | None
    employee_id: int | None
    code: str
    title: str
    language: str
    version: int
    key_results: list[KeyResultPublic] = Field(default_factory=list)


class AssignmentCreate(Strict):
    period_id: DbId
    indicator_code: str = Field(min_length=1, max_length=60)
    employee_id: DbId | None = None
    department_id: DbId | None = None
    parent_kr_id: DbId | None = None
    block: Block = "fixed"
    weight: float = Field(ge=0, le=100)
    target: Num | None = None
    target_low: Num | None = None
    target_high: Num | None = None


class AssignmentUpdate(Strict):
    weight: float | None = Field(default=None, ge=0, le=100)
    target: Num | None = None
    target_low: Num | None = None
    target_high: Num | None = None
    block: Block | None = None
    status: Literal["active", "closed"] | None = None


class AssignmentPublic(Public):
    id: int
    period_id: int
    indicator_id: int
    employee_id: int | None
    department_id: int | None
    parent_kr_id: int | None
    block: str
    weight: float
    target: float | None
    target_low: float | None
    target_high: float | None
    status: str
    version: int


class ActualCreate(Strict):
    as_of: Day
    value: Num


class ActualPublic(Public):
    id: int
    assignment_id: int
    as_of: date
    value: float
    source: str


class ImportReport(BaseModel):
    imported: int
    file: str
    errors: list[dict[str, object]] = Field(default_factory=list)


class ShopPublic(Public):
    id: int
    code: str
    name_zh: str
    name_en: str
    channel: str
    department_id: int | None = None
    active: bool = True
    opened_on: date | None = None
    version: int = 1


class SalesDayPublic(Public):
    ds: date
    sales: float
    orders: int | None
    visitors: int | None
    is_open: bool
    promo: bool


class ScorecardRules(BaseModel):
    """The rules a page checks as the user types, served from the code that enforces them (never copied)."""

    weight_total: float = Field(description="KPI weights of one scorecard sum to this.")
    weight_sum_tolerance: float = Field(description="How far the sum may be from the total (float noise).")
    min_kpis: int = Field(description="Fewest KPIs on one scorecard.")
    max_kpis: int = Field(description="Most KPIs on one scorecard.")


# KPIs measured from sales live in sales_schemas.py (routes import only this module).
from workflows.goals.sales_schemas import OverrideCreate as OverrideCreate  # noqa: E402
from workflows.goals.sales_schemas import OverrideDecision as OverrideDecision  # noqa: E402
from workflows.goals.sales_schemas import OverridePublic as OverridePublic  # noqa: E402
from workflows.goals.sales_schemas import SalesActualView as SalesActualView  # noqa: E402
