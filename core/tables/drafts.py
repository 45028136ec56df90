"""ORM table of the goal-draft feature: a department's drafted OKR and personal KPIs, edited, then published."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, CheckConstraint, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from core.tables.base import Base, Versioned
from core.vocab import sql_in

DRAFT_STATUSES = ("draft", "published")
LANGUAGES = ("zh", "en")


class GoalDraft(Base, Versioned):
    """A goal draft for one department and period: the assistant's GoalDraft JSON plus who did what when.

    `draft` holds the whole company cascade (every department's scorecard is needed to re-check the guards
    after an edit); people are only those of this department. `input_hash` identifies the inputs, so an
    identical request reuses an unedited, non-fallback result instead of generating again.
    """

    __tablename__ = "goal_draft"
    __table_args__ = (
        CheckConstraint(sql_in("status", DRAFT_STATUSES), name="status"),
        CheckConstraint(sql_in("language", LANGUAGES), name="language"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("period.id"), index=True)
    language: Mapped[str] = mapped_column(String(5))
    provider: Mapped[str] = mapped_column(String(20))
    model: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(12), default="draft")
    draft: Mapped[dict[str, Any]] = mapped_column(JSON)
    flags: Mapped[list[Any]] = mapped_column(JSON)
    inputs: Mapped[dict[str, Any]] = mapped_column(JSON)  # KR id map, forecasts and actuals that went in
    input_hash: Mapped[str] = mapped_column(String(64), index=True)
    edited: Mapped[bool] = mapped_column(Boolean, default=False)
    source_draft_id: Mapped[int | None] = mapped_column(Integer)  # the draft whose cached result was reused
    created_by: Mapped[int] = mapped_column(Integer)
    created_by_name: Mapped[str] = mapped_column(String(80))
    published_by: Mapped[int | None] = mapped_column(Integer)
    published_by_name: Mapped[str | None] = mapped_column(String(80))
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    objective_id: Mapped[int | None] = mapped_column(ForeignKey("objective.id"))
