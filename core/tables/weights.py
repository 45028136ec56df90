"""ORM tables of the weights feature: department outcomes, weight proposals with evidence, versioned weight sets."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from core.tables.base import Base, Versioned
from core.vocab import sql_in

PROPOSAL_STATUSES = ("pending", "approved", "rejected")


class DepartmentOutcome(Base):
    """A department's business outcome for one period (an index, 100 = plan): what the weights should predict."""

    __tablename__ = "department_outcome"
    __table_args__ = (UniqueConstraint("department_id", "period_id", name="uq_department_outcome"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("period.id"), index=True)
    value: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(20), default="manual")  # demo / api / import
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class WeightProposal(Base, Versioned):
    """Indicator weights proposed by the regression for a department's scorecard, awaiting HR's decision."""

    __tablename__ = "weight_proposal"
    __table_args__ = (
        CheckConstraint(sql_in("status", PROPOSAL_STATUSES), name="status"),
        CheckConstraint("min_weight >= 0 AND min_weight <= max_weight AND max_weight <= 100", name="bounds"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    template: Mapped[str] = mapped_column(String(60), default="department")  # which scorecard the weights are for
    status: Mapped[str] = mapped_column(String(12), default="pending", index=True)
    effective_from: Mapped[date] = mapped_column(Date)  # first day of the period the weights apply from
    effective_period: Mapped[str] = mapped_column(String(40))  # that period's code, e.g. 2026-12
    min_weight: Mapped[float] = mapped_column(Float)
    max_weight: Mapped[float] = mapped_column(Float)
    proposed_weights: Mapped[dict[str, Any]] = mapped_column(JSON)  # indicator code -> percent
    current_weights: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    approved_weights: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # as approved (possibly edited)
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON)  # kpi WeightsReport.to_dict() + the data used
    created_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))  # None: the demo loader
    created_by_name: Mapped[str] = mapped_column(String(80))
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    decided_by_name: Mapped[str | None] = mapped_column(String(80))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decision_note: Mapped[str] = mapped_column(Text, default="")
    weight_set_version: Mapped[int | None] = mapped_column(Integer)  # the version an approval created


class WeightSet(Base):
    """One immutable version of a department's indicator weights; a new version never rewrites past scores."""

    __tablename__ = "weight_set"
    __table_args__ = (UniqueConstraint("department_id", "version", name="uq_weight_set_version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)  # 1, 2, ... per department
    weights: Mapped[dict[str, Any]] = mapped_column(JSON)  # indicator code -> percent, sums to 100
    effective_from: Mapped[date] = mapped_column(Date)
    effective_period: Mapped[str] = mapped_column(String(40))
    source: Mapped[str] = mapped_column(String(20), default="proposal")  # template / proposal
    source_proposal_id: Mapped[int | None] = mapped_column(ForeignKey("weight_proposal.id"))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_by_name: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
