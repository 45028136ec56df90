"""ORM tables of the goal system: periods, OKRs, the KPI catalogue, assignments and their actuals."""

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from core.tables.base import Base, Versioned
from core.vocab import DIRECTIONS, sql_in


class Period(Base, Versioned):
    __tablename__ = "period"
    __table_args__ = (CheckConstraint("start_date <= end_date", name="dates"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)  # 2026-11, 2026-Q4, 2026-double11
    kind: Mapped[str] = mapped_column(String(10))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))
    # Set when the period's review cycle locks: its scores, actuals, targets and weights become read-only.
    locked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Objective(Base, Versioned):
    __tablename__ = "objective"
    id: Mapped[int] = mapped_column(primary_key=True)
    level: Mapped[str] = mapped_column(String(12))
    period_id: Mapped[int] = mapped_column(ForeignKey("period.id"), index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    employee_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id"), index=True)
    code: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(5), default="zh")


class KeyResult(Base, Versioned):
    __tablename__ = "key_result"
    id: Mapped[int] = mapped_column(primary_key=True)
    objective_id: Mapped[int] = mapped_column(ForeignKey("objective.id", ondelete="CASCADE"), index=True)
    parent_kr_id: Mapped[int | None] = mapped_column(ForeignKey("key_result.id"))  # the KR this one serves
    code: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(Text)
    indicator_code: Mapped[str | None] = mapped_column(String(60))
    baseline: Mapped[float | None] = mapped_column(Float)
    target: Mapped[float | None] = mapped_column(Float)
    unit: Mapped[str | None] = mapped_column(String(20))
    direction: Mapped[str | None] = mapped_column(String(10))


class Indicator(Base, Versioned):
    """The bilingual KPI catalogue."""

    __tablename__ = "indicator"
    __table_args__ = (CheckConstraint(sql_in("direction", DIRECTIONS), name="direction"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(20))
    direction: Mapped[str] = mapped_column(String(10))
    definition_zh: Mapped[str] = mapped_column(Text, default="")
    definition_en: Mapped[str] = mapped_column(Text, default="")
    # HR's mapping of this indicator to a sales formula (kpi.sales_formulas.FORMULAS); None: the built-in one.
    sales_formula: Mapped[str | None] = mapped_column(String(40))


class KpiAssignment(Base, Versioned):
    """A KPI given to a person or a department for a period, with its weight and target range."""

    __tablename__ = "kpi_assignment"
    __table_args__ = (
        CheckConstraint("weight >= 0 AND weight <= 100", name="weight"),
        CheckConstraint("(employee_id IS NULL) <> (department_id IS NULL)", name="owner"),
        # One KPI per indicator, owner and period, enforced by the database. Two partial indexes, because a
        # unique key over both owner columns never fires: the unused one is NULL, and NULLs never collide.
        Index(
            "uq_assignment_person",
            "period_id",
            "indicator_id",
            "employee_id",
            unique=True,
            sqlite_where=text("employee_id IS NOT NULL"),
            postgresql_where=text("employee_id IS NOT NULL"),
        ),
        Index(
            "uq_assignment_department",
            "period_id",
            "indicator_id",
            "department_id",
            unique=True,
            sqlite_where=text("department_id IS NOT NULL"),
            postgresql_where=text("department_id IS NOT NULL"),
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("period.id"), index=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id"))
    employee_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id"), index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    parent_kr_id: Mapped[int | None] = mapped_column(ForeignKey("key_result.id"))
    block: Mapped[str] = mapped_column(String(20), default="fixed")  # fixed / dynamic / collaboration
    weight: Mapped[float] = mapped_column(Float)
    target: Mapped[float | None] = mapped_column(Float)
    target_low: Mapped[float | None] = mapped_column(Float)
    target_high: Mapped[float | None] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(12), default="active")
    # The department weight-set version the weight came from (None: a template, a draft edit or by hand).
    weight_set_version: Mapped[int | None] = mapped_column(Integer)


class KpiActual(Base):
    """A measured value of an assignment as of a date (cumulative for the period so far)."""

    __tablename__ = "kpi_actual"
    __table_args__ = (UniqueConstraint("assignment_id", "as_of", name="uq_actual"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("kpi_assignment.id", ondelete="CASCADE"), index=True)
    as_of: Mapped[date] = mapped_column(Date)
    value: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(20), default="manual")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
