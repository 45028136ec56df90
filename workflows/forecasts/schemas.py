"""I/O schemas of the forecasting feature."""

from datetime import date
from typing import Literal

from pydantic import Field, field_validator

from workflows.shared.schemas import DbId, Public, Strict


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
    message: str
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
