"""ORM tables of pay (issue 16): position-value inventories, ratings, bonus pools, allocations with their lines,
and the second-review queue."""

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from core.tables.base import Base, Versioned
from core.vocab import sql_in

RATING_KINDS = ("self", "peer", "cross", "manager")
STAGES = ("startup", "expansion", "mature", "transformation")
ALLOCATION_STATUSES = ("proposed", "approved")
REVIEW_STATUSES = ("open", "confirmed", "adjusted")


class PositionInventory(Base, Versioned):
    """Which positions are key in a quarter (and campaign season; '' = none) at the company's stage."""

    __tablename__ = "position_inventory"
    __table_args__ = (
        UniqueConstraint("quarter", "campaign", name="uq_position_inventory"),
        CheckConstraint(sql_in("stage", STAGES), name="stage"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    quarter: Mapped[str] = mapped_column(String(10))  # 2026-Q4
    campaign: Mapped[str] = mapped_column(String(20), default="")  # double11, 618, ... or ''
    stage: Mapped[str] = mapped_column(String(20))
    items: Mapped[list[Any]] = mapped_column(JSON)  # kpi.pay.PositionValue.to_dict() + position_id per position
    created_by_name: Mapped[str] = mapped_column(String(80))


class Rating(Base):
    """A 1-5 rating of a person in a period by themselves, a colleague, another department or their manager."""

    __tablename__ = "rating"
    __table_args__ = (
        UniqueConstraint("period_id", "ratee_id", "rater_id", "kind", name="uq_rating"),
        CheckConstraint(sql_in("kind", RATING_KINDS), name="kind"),
        CheckConstraint("score >= 1 AND score <= 5", name="score"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("period.id"), index=True)
    ratee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), index=True)
    rater_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    score: Mapped[float] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class BonusPool(Base, Versioned):
    """A company bonus pool for a period, in fen, and the formula options HR chose."""

    __tablename__ = "bonus_pool"
    __table_args__ = (
        UniqueConstraint("period_id", name="uq_bonus_pool_period"),
        CheckConstraint("amount_fen >= 0", name="amount"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("period.id"), index=True)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    campaign: Mapped[str] = mapped_column(String(20), default="")
    options: Mapped[dict[str, Any]] = mapped_column(JSON)  # base, min_payout, salary bases, multipliers
    created_by_name: Mapped[str] = mapped_column(String(80))


class BonusAllocation(Base, Versioned):
    """The split of a pool: proposed by the formula, edited and approved by HR. Lines + retained = pool."""

    __tablename__ = "bonus_allocation"
    __table_args__ = (
        UniqueConstraint("pool_id", name="uq_bonus_allocation_pool"),
        CheckConstraint(sql_in("status", ALLOCATION_STATUSES), name="status"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    pool_id: Mapped[int] = mapped_column(ForeignKey("bonus_pool.id"), index=True)
    status: Mapped[str] = mapped_column(String(12), default="proposed")
    payout: Mapped[float] = mapped_column(Float)
    company_outcome: Mapped[float | None] = mapped_column(Float)
    payable_fen: Mapped[int] = mapped_column(BigInteger)
    retained_fen: Mapped[int] = mapped_column(BigInteger)
    departments: Mapped[list[Any]] = mapped_column(JSON)
    formula: Mapped[dict[str, Any]] = mapped_column(JSON)
    edited: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str] = mapped_column(Text, default="")
    approved_by_name: Mapped[str | None] = mapped_column(String(80))
    approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class BonusLine(Base):
    """One person's amount in an allocation and the numbers it came from."""

    __tablename__ = "bonus_line"
    __table_args__ = (
        UniqueConstraint("allocation_id", "employee_id", name="uq_bonus_line"),
        CheckConstraint("amount_fen >= 0", name="amount"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    allocation_id: Mapped[int] = mapped_column(ForeignKey("bonus_allocation.id", ondelete="CASCADE"), index=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    score: Mapped[float] = mapped_column(Float)
    grade: Mapped[str] = mapped_column(String(20))
    coaching_plan: Mapped[bool] = mapped_column(Boolean, default=False)
    trace: Mapped[dict[str, Any]] = mapped_column(JSON)


class ReviewItem(Base, Versioned):
    """A second-review flag on scores: open until HR or the manager's manager confirms or adjusts them."""

    __tablename__ = "review_item"
    __table_args__ = (CheckConstraint(sql_in("status", REVIEW_STATUSES), name="status"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("period.id"), index=True)
    pool_id: Mapped[int | None] = mapped_column(ForeignKey("bonus_pool.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(80))
    subject_employee_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id"))  # whose scoring is questioned
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON)
    explanation_en: Mapped[str] = mapped_column(Text)
    explanation_zh: Mapped[str] = mapped_column(Text)
    related: Mapped[list[Any]] = mapped_column(JSON)  # employee ids whose scores wait for this review
    status: Mapped[str] = mapped_column(String(12), default="open", index=True)
    decided_by_name: Mapped[str | None] = mapped_column(String(80))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reason: Mapped[str] = mapped_column(Text, default="")
    adjustments: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # employee id -> adjusted score
