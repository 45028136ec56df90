"""ORM tables of the review cycle (issue 29): a cycle per period and population with its stage dates, one item
per person (self-assessment, manager review, confirmation), appeals, and HR's rubrics of qualitative KPIs."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Date, DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.tables.base import Base, Versioned
from core.vocab import sql_in

CYCLE_STAGES = ("self_assessment", "manager_review", "calibration", "published", "locked")
POPULATIONS = ("company", "departments", "key_positions")
ITEM_STATUSES = ("open", "self_assessed", "reviewed", "published", "confirmed", "appealed", "locked", "reopened")
APPEAL_STATUSES = ("open", "upheld", "changed")
DECIDERS = ("hr", "skip_level")


class ReviewCycleRow(Base, Versioned):
    """A review cycle: one period, a population, the day each stage starts (company time zone) and where it is."""

    __tablename__ = "review_cycle"
    __table_args__ = (
        UniqueConstraint("period_id", name="uq_review_cycle_period"),
        CheckConstraint(sql_in("stage", CYCLE_STAGES), name="stage"),
        CheckConstraint(sql_in("population", POPULATIONS), name="population"),
        CheckConstraint(sql_in("appeal_decider", DECIDERS), name="decider"),
        CheckConstraint(
            "self_assessment_on <= manager_review_on AND manager_review_on <= calibration_on "
            "AND calibration_on <= publish_on AND publish_on <= appeal_until AND appeal_until < lock_on",
            name="dates",
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("period.id"), index=True)
    population: Mapped[str] = mapped_column(String(20))
    department_ids: Mapped[list[Any]] = mapped_column(JSON)
    self_assessment: Mapped[bool] = mapped_column(default=True)  # optional per cycle
    appeal_decider: Mapped[str] = mapped_column(String(12), default="hr")  # the company setting when opened
    timezone: Mapped[str] = mapped_column(String(60))
    self_assessment_on: Mapped[date] = mapped_column(Date)
    manager_review_on: Mapped[date] = mapped_column(Date)
    calibration_on: Mapped[date] = mapped_column(Date)
    publish_on: Mapped[date] = mapped_column(Date)
    appeal_until: Mapped[date] = mapped_column(Date)  # the last day to confirm or appeal
    lock_on: Mapped[date] = mapped_column(Date)
    stage: Mapped[str] = mapped_column(String(20), default="self_assessment")
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    locked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_by_name: Mapped[str] = mapped_column(String(80))


class CycleItem(Base, Versioned):
    """One person's part of a cycle: their self-assessment, the manager's (or skip-level's) review, their answer."""

    __tablename__ = "cycle_item"
    __table_args__ = (
        UniqueConstraint("cycle_id", "employee_id", name="uq_cycle_item"),
        CheckConstraint(sql_in("status", ITEM_STATUSES), name="status"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("review_cycle.id", ondelete="CASCADE"), index=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("period.id"), index=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id"), index=True)
    skip_level: Mapped[bool] = mapped_column(default=False)  # the person manages others: their manager's manager
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    self_entries: Mapped[dict[str, Any]] = mapped_column(JSON)  # assignment id -> comment, evidence, proposed
    self_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    review_entries: Mapped[dict[str, Any]] = mapped_column(JSON)  # assignment id -> value, comment
    overall_comment: Mapped[str] = mapped_column(Text, default="")
    reviewed_by_name: Mapped[str | None] = mapped_column(String(80))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    answer: Mapped[str | None] = mapped_column(String(24))  # confirmed / appealed / confirmed_by_deadline
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    extensions: Mapped[dict[str, Any]] = mapped_column(JSON)  # stage -> last day (ISO) granted by HR
    reopen_reason: Mapped[str] = mapped_column(Text, default="")


class CycleAppeal(Base, Versioned):
    """An employee's appeal (申诉) of a published result: the KPIs it names, why, and the decision."""

    __tablename__ = "cycle_appeal"
    __table_args__ = (
        UniqueConstraint("item_id", name="uq_cycle_appeal_item"),
        CheckConstraint(sql_in("status", APPEAL_STATUSES), name="status"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("cycle_item.id", ondelete="CASCADE"), index=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("review_cycle.id", ondelete="CASCADE"), index=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), index=True)
    decider_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id"), index=True)  # None: HR decides
    assignment_ids: Mapped[list[Any]] = mapped_column(JSON)
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="open", index=True)
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    new_grade: Mapped[str | None] = mapped_column(String(20))
    decided_by_name: Mapped[str | None] = mapped_column(String(80))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class IndicatorRubric(Base, Versioned):
    """HR's rubric of a qualitative indicator: ordered levels, each a value with a description in zh and en."""

    __tablename__ = "indicator_rubric"
    __table_args__ = (UniqueConstraint("indicator_id", name="uq_indicator_rubric"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id"), index=True)
    levels: Mapped[list[Any]] = mapped_column(JSON)  # [{value, label_zh, label_en, description_zh, description_en}]


class CheckIn(Base, Versioned):
    """A weekly check-in (过程跟踪) on one KPI: progress note, confidence 1-5, blocker; the manager's comment."""

    __tablename__ = "check_in"
    __table_args__ = (
        UniqueConstraint("assignment_id", "week_start", name="uq_check_in_week"),
        CheckConstraint("confidence >= 1 AND confidence <= 5", name="confidence"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("kpi_assignment.id", ondelete="CASCADE"), index=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), index=True)
    week_start: Mapped[date] = mapped_column(Date)  # the Monday of the week, company time zone
    note: Mapped[str] = mapped_column(Text)
    confidence: Mapped[int] = mapped_column()
    blocker: Mapped[str] = mapped_column(Text, default="")
    manager_comment: Mapped[str] = mapped_column(Text, default="")
    commented_by_name: Mapped[str | None] = mapped_column(String(80))
    commented_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
