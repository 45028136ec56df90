"""ORM tables of the coaching feature: the editable training catalogue and stored early-warning alerts."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column

from core.tables.base import Base, Versioned


class Course(Base, Versioned):
    """A training course HR may recommend; seeded from assistant/data/courses.yaml, edited through the API."""

    __tablename__ = "course"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    title_zh: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200))
    skills: Mapped[list[Any]] = mapped_column(JSON)
    kpi_codes: Mapped[list[Any]] = mapped_column(JSON)
    departments: Mapped[list[Any]] = mapped_column(JSON)  # empty list = open to every department
    duration_hours: Mapped[float] = mapped_column(Float)
    format: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class CoachingAlert(Base):
    """An early warning kept in the performance record: the owner and their manager both see it."""

    __tablename__ = "coaching_alert"
    __table_args__ = (UniqueConstraint("assignment_id", "kind", "start_date", name="uq_coaching_alert"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), index=True)
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id"), index=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("kpi_assignment.id", ondelete="CASCADE"), index=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("period.id"), index=True)
    indicator_code: Mapped[str] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(40))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    days: Mapped[int] = mapped_column(Integer)
    ongoing: Mapped[bool] = mapped_column(Boolean, default=True)
    evidence: Mapped[list[Any]] = mapped_column(JSON)
    explanation_zh: Mapped[str] = mapped_column(Text)
    explanation_en: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )
