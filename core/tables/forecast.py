"""ORM tables of the forecasting feature: background forecast jobs and the target ranges they propose."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, Float, ForeignKey, Integer, String, Text, false, func
from sqlalchemy.orm import Mapped, mapped_column

from core.tables.base import Base, Versioned


class ForecastJob(Base, Versioned):
    """One request to forecast a period for one shop (or every shop), run in the background."""

    __tablename__ = "forecast_job"
    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int | None] = mapped_column(ForeignKey("shop.id"), index=True)  # None: every shop
    # Every shop whoever asked (a goal draft needs the company's whole range), not only the requester's.
    all_shops: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    period_id: Mapped[int] = mapped_column(ForeignKey("period.id"), index=True)
    metric: Mapped[str] = mapped_column(String(20), default="sales")
    status: Mapped[str] = mapped_column(String(12), default="queued")  # queued/running/done/failed
    message: Mapped[str] = mapped_column(Text, default="")
    quantiles: Mapped[list[Any]] = mapped_column(JSON)
    level: Mapped[int] = mapped_column(Integer, default=80)
    requested_by: Mapped[int] = mapped_column(Integer)
    requested_by_name: Mapped[str] = mapped_column(String(80))
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    data_hash: Mapped[str | None] = mapped_column(String(64))
    history_end: Mapped[date | None] = mapped_column(Date)
    daily: Mapped[list[Any] | None] = mapped_column(JSON)  # [{shop_code, ds, p50, lo, hi}] for charts
    events: Mapped[list[Any] | None] = mapped_column(JSON)  # the promotion events the forecast used (its horizon)


class TargetRange(Base):
    """Conservative / base / stretch for a shop's period total, proposed by a forecast job, with evidence."""

    __tablename__ = "target_range"
    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("forecast_job.id", ondelete="CASCADE"), index=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shop.id"), index=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("period.id"), index=True)
    metric: Mapped[str] = mapped_column(String(20), default="sales")
    conservative: Mapped[float] = mapped_column(Float)
    base: Mapped[float] = mapped_column(Float)
    stretch: Mapped[float] = mapped_column(Float)
    quantiles: Mapped[list[Any]] = mapped_column(JSON)
    model: Mapped[str] = mapped_column(String(60))
    data_hash: Mapped[str] = mapped_column(String(64))
    backtest_mase: Mapped[float | None] = mapped_column(Float)
    backtest_daily_coverage: Mapped[float | None] = mapped_column(Float)
    backtest_total_coverage: Mapped[float | None] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(12), default="proposed")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
