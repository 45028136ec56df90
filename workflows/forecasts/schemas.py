"""I/O schemas of the forecasting feature."""

import json
from datetime import date
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from core import messages
from workflows.shared.schemas import DbId, Public, Strict


def status_note(
    code: str, params: dict[str, Any] | None = None, *, en: str | None = None, zh: str | None = None
) -> str:
    """A job's status as stored in `forecast_job.message`: a code, its parameters and the English (and, for an
    error with its own Chinese, the Chinese) words; the page shows the words of the reader's language."""
    params = params or {}
    note = {"code": code, "params": params, "en": en or messages.render(code, params, "en")}
    if zh:
        note["zh"] = zh
    return json.dumps(note, ensure_ascii=False, default=str)


def read_status(stored: str | None) -> dict[str, Any]:
    """(code, params, en, zh) of a stored status; a plain text of an older job reads as a generic note."""
    if not stored:
        return {"code": None, "params": {}, "en": "", "zh": ""}
    try:
        note = json.loads(stored)
    except ValueError:
        note = None
    if not isinstance(note, dict) or "code" not in note:
        note = {"code": "forecast.note", "params": {}, "en": stored}
    code, params = str(note["code"]), dict(note.get("params") or {})
    return {
        "code": code,
        "params": params,
        "en": note.get("en") or messages.render(code, params, "en"),
        "zh": note.get("zh") or messages.render(code, params, "zh"),
    }


class ForecastCreate(Strict):
    period_id: DbId
    shop_id: DbId | None = Field(default=None, description="One shop, or null for every shop you plan for.")
    quantiles: tuple[float, float, float] = Field(
        default=(0.2, 0.5, 0.8), description="Conservative, base and stretch quantiles of the period total."
    )
    level: int = Field(default=80, ge=50, le=99, description="Daily interval level for the fan chart.")

    @field_validator("quantiles")
    @classmethod
    def _increasing(cls, q: tuple[float, float, float]) -> tuple[float, float, float]:
        if not 0 < q[0] < q[1] < q[2] < 1:
            raise ValueError("quantiles must be three increasing numbers strictly between 0 and 1")
        return q


class TargetRangePublic(Public):
    id: int
    job_id: int
    shop_id: int
    period_id: int
    metric: str
    conservative: float
    base: float
    stretch: float
    quantiles: list[float]
    model: str
    data_hash: str
    backtest_mase: float | None
    backtest_daily_coverage: float | None
    backtest_total_coverage: float | None
    status: str


class ForecastEventPublic(Public):
    """A promotion event the forecast used (its horizon's company calendar), for one shop."""

    shop_id: int
    name_zh: str
    name_en: str
    start_date: date
    end_date: date


class ForecastJobPublic(Public):
    id: int
    shop_id: int | None
    period_id: int
    metric: str
    status: Literal["queued", "running", "done", "failed"]
    message: str = Field(description="The status in English (kept for scripts); pages show message_zh/message_en.")
    message_code: str | None = Field(default=None, description="The status's stable code (forecast.done, ...).")
    message_params: dict[str, Any] = Field(default_factory=dict, description="The parameters of message_code.")
    message_zh: str = ""
    message_en: str = ""
    quantiles: list[float]
    level: int
    requested_by_name: str
    history_end: date | None
    data_hash: str | None
    version: int
    ranges: list[TargetRangePublic] = Field(default_factory=list)
    events: list[ForecastEventPublic] | None = Field(
        default=None, description="The promotion events of the horizon the forecast used (empty until done)."
    )

    @model_validator(mode="after")
    def _status_words(self) -> "ForecastJobPublic":
        if self.message_code is None and self.message:  # read from the row: split the stored note
            note = read_status(self.message)
            self.message_code, self.message_params = note["code"], note["params"]
            self.message, self.message_en, self.message_zh = note["en"], note["en"], note["zh"]
        return self
