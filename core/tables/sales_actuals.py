"""ORM tables of KPIs measured from sales data: the computed actual, hand-entered overrides HR decides on, and
the forecast-based pace of each sales KPI in a running period."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, DateTime, Float, ForeignKey, Integer, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from core.tables.base import Base, Versioned

OVERRIDE_STATUSES = ("proposed", "accepted", "rejected")


class SalesActual(Base, Versioned):
    """The latest actual of an assignment computed from stored shop sales, with its evidence; `counts` says
    whether this computed value (`sales`) or an accepted hand-entered one (`manual`) is the KPI's actual."""

    __tablename__ = "sales_actual"
    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("kpi_assignment.id", ondelete="CASCADE"), unique=True, index=True
    )
    as_of: Mapped[date] = mapped_column(Date)
    value: Mapped[float] = mapped_column(Float)
    formula: Mapped[str] = mapped_column(String(40))
    shop_codes: Mapped[list[Any]] = mapped_column()
    days: Mapped[int] = mapped_column(Integer)
    missing_days: Mapped[int] = mapped_column(Integer, default=0)
    sums: Mapped[dict[str, Any]] = mapped_column()
    counts: Mapped[str] = mapped_column(String(10), default="sales")  # sales / manual


class ActualOverride(Base, Versioned):
    """A hand-entered value for a KPI measured from sales: it needs a reason and counts only once HR accepts."""

    __tablename__ = "actual_override"
    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("kpi_assignment.id", ondelete="CASCADE"), index=True)
    as_of: Mapped[date] = mapped_column(Date)
    value: Mapped[float] = mapped_column(Float)
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default="proposed")
    computed_value: Mapped[float | None] = mapped_column(Float)  # the computed actual when it was entered
    proposed_by: Mapped[int] = mapped_column(Integer)
    decided_by: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")


class PaceForecast(Base):
    """Where a sales KPI is heading: actual so far + forecast of the remaining days, refreshed by the job
    queue when new sales arrive (never on a page view). `history` keeps [as_of, probability] pairs."""

    __tablename__ = "pace_forecast"
    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("kpi_assignment.id", ondelete="CASCADE"), unique=True, index=True
    )
    as_of: Mapped[date] = mapped_column(Date)
    method: Mapped[str] = mapped_column(String(12))  # forecast / straight
    actual: Mapped[float] = mapped_column(Float)
    projected: Mapped[float] = mapped_column(Float)
    low: Mapped[float | None] = mapped_column(Float)
    high: Mapped[float | None] = mapped_column(Float)
    p_target: Mapped[float | None] = mapped_column(Float)
    p_conservative: Mapped[float | None] = mapped_column(Float)
    p_stretch: Mapped[float | None] = mapped_column(Float)
    days_left: Mapped[int] = mapped_column(Integer)
    needed_per_day: Mapped[float | None] = mapped_column(Float)
    caveats: Mapped[list[Any]] = mapped_column()
    history: Mapped[list[Any]] = mapped_column()
    computed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
