"""ORM tables of a period's result: the one stored grade per person and period, and HR's calibration changes."""

from datetime import datetime

from sqlalchemy import DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column

from core.tables.base import Base, Versioned


class PeriodResult(Base, Versioned):
    """A person's final score, grade and place in their team for an ended period: what every page and the pay
    read. Rewritten (version + 1, the change audited) when a review decision or a calibration change moves it."""

    __tablename__ = "period_result"
    __table_args__ = (UniqueConstraint("period_id", "employee_id", name="uq_period_result"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("period.id"), index=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    score: Mapped[float] = mapped_column(Float)
    computed_score: Mapped[float] = mapped_column(Float)
    grade: Mapped[str] = mapped_column(String(20))
    computed_grade: Mapped[str] = mapped_column(String(20))
    method: Mapped[str] = mapped_column(String(20))
    rank: Mapped[int] = mapped_column(Integer)
    team_size: Mapped[int] = mapped_column(Integer)
    team_mean: Mapped[float] = mapped_column(Float)
    review_item_id: Mapped[int | None] = mapped_column(ForeignKey("review_item.id"))
    calibration_id: Mapped[int | None] = mapped_column(ForeignKey("grade_calibration.id"))


class GradeCalibration(Base):
    """HR's change of one person's grade for a period at calibration, with the reason (the latest one counts)."""

    __tablename__ = "grade_calibration"
    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("period.id"), index=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), index=True)
    grade: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
