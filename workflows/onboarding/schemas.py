"""Onboarding I/O: the company, shops and promotion events (XCreate / XUpdate / XPublic)."""

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field, field_validator, model_validator

from core.clock import ClockError, zone
from core.vocab import DirectionName
from workflows.goals.schemas import ObjectivePublic
from workflows.shared.schemas import Day, DbId, Public, Strict

StageName = Literal["startup", "expansion", "mature", "transformation"]
PromoKind = Literal["platform", "shop", "live", "launch"]  # platform event / own campaign / live session / launch
Code = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_.\-]+$")


def _known_zone(value: str | None) -> str | None:
    if value is None:
        return value
    try:
        zone(value)
    except ClockError as exc:
        raise ValueError(str(exc)) from exc
    return value


class CompanyCreate(Strict):
    name_zh: str = Field(min_length=1, max_length=200)
    name_en: str = Field(min_length=1, max_length=200)
    timezone: str = Field(default="Asia/Shanghai", max_length=60)
    currency: Literal["CNY"] = "CNY"
    fiscal_year_start_month: int = Field(default=1, ge=1, le=12)
    stage: StageName = "mature"

    _zone = field_validator("timezone")(_known_zone)


class CompanyUpdate(Strict):
    name_zh: str | None = Field(default=None, min_length=1, max_length=200)
    name_en: str | None = Field(default=None, min_length=1, max_length=200)
    timezone: str | None = Field(default=None, max_length=60)
    currency: Literal["CNY"] | None = None
    fiscal_year_start_month: int | None = Field(default=None, ge=1, le=12)
    stage: StageName | None = None
    forecast_alert_below: float | None = Field(
        default=None, ge=0, le=1, description="Warn when the forecast's chance of a sales KPI's target is below this."
    )
    appeal_decider: Literal["hr", "skip_level"] | None = Field(
        default=None, description="Who decides appeals of review results: HR, or the person's skip-level manager."
    )

    _zone = field_validator("timezone")(_known_zone)


class CompanyPublic(Public):
    id: int
    name_zh: str
    name_en: str
    timezone: str
    currency: str
    fiscal_year_start_month: int
    stage: str
    forecast_alert_below: float = 0.3
    appeal_decider: str = "hr"
    version: int


class ShopCreate(Strict):
    code: str = Code
    name_zh: str = Field(min_length=1, max_length=200)
    name_en: str = Field(min_length=1, max_length=200)
    channel: str = Field(min_length=1, max_length=40, description="The platform: tmall, jd, douyin, pdd, ...")
    opened_on: Day | None = None
    department_id: DbId | None = None


class ShopUpdate(Strict):
    name_zh: str | None = Field(default=None, min_length=1, max_length=200)
    name_en: str | None = Field(default=None, min_length=1, max_length=200)
    channel: str | None = Field(default=None, min_length=1, max_length=40)
    opened_on: Day | None = None
    department_id: DbId | None = None
    active: bool | None = Field(default=None, description="false closes the shop; its history stays.")


class PromotionCreate(Strict):
    name: str = Field(min_length=1, max_length=200)
    kind: PromoKind = "shop"
    shop_id: DbId | None = Field(default=None, description="null: every shop.")
    start_date: Day
    end_date: Day
    discount: float | None = Field(default=None, ge=0, le=1, description="Planned discount, 0.2 = 20 % off.")
    intensity: float | None = Field(default=None, ge=0, le=1, description="0..1; default 1 for own campaigns.")
    builtin_key: str | None = Field(
        default=None, max_length=40, description="Corrects a built-in platform event, e.g. `double11:2026`."
    )

    @model_validator(mode="after")
    def _ordered(self) -> "PromotionCreate":
        if self.end_date < self.start_date:
            raise ValueError("end_date must not be before start_date")
        return self


class PromotionUpdate(Strict):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    kind: PromoKind | None = None
    shop_id: DbId | None = None
    start_date: Day | None = None
    end_date: Day | None = None
    discount: float | None = Field(default=None, ge=0, le=1)
    intensity: float | None = Field(default=None, ge=0, le=1)


class PromotionPublic(Public):
    id: int | None = Field(description="null for a built-in platform event nobody has corrected yet.")
    name: str
    kind: str
    shop_id: int | None
    start_date: date
    end_date: date
    discount: float | None = None
    intensity: float | None = None
    builtin_key: str | None = None
    version: int | None = None


class KeyResultEdit(Strict):
    code: str = Field(min_length=1, max_length=20, description="Existing code: changed; a new code: added.")
    title: str | None = Field(default=None, min_length=1, max_length=2000)
    indicator_code: str | None = Field(default=None, max_length=60)
    baseline: float | None = Field(default=None, allow_inf_nan=False, ge=-1e15, le=1e15)
    target: float | None = Field(default=None, allow_inf_nan=False, ge=-1e15, le=1e15)
    unit: str | None = Field(default=None, max_length=20)
    direction: DirectionName | None = None


class ObjectiveEdited(ObjectivePublic):
    """An objective after a correction, with the open drafts made from its old text (now flagged stale)."""

    stale_drafts: list[int] = Field(default_factory=list, description="Ids of open drafts made from the old text.")


class ObjectiveEdit(Strict):
    title: str | None = Field(default=None, min_length=1, max_length=2000)
    key_results: list[KeyResultEdit] = Field(default_factory=list, max_length=5)


class ChecklistStep(BaseModel):
    """One set-up step: whether it is done and the count that says so."""

    step: str
    done: bool
    count: int
