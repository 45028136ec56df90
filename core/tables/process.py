"""ORM tables of the process feature: weekly tasks under KPI assignments, their comments, the company's
notification channels and the log of what was sent through them (so nothing is sent twice)."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from core.tables.base import Base, Versioned

CHANNEL_KINDS = ("email", "wecom", "dingtalk", "feishu")


class ProcessTask(Base, Versioned):
    """A step an employee plans under one of their KPIs (e.g. a weekly task with a due date)."""

    __tablename__ = "process_task"
    __table_args__ = (
        CheckConstraint("progress >= 0 AND progress <= 100", name="progress"),
        CheckConstraint("week IS NULL OR (week >= 1 AND week <= 53)", name="week"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("kpi_assignment.id", ondelete="CASCADE"), index=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), index=True)  # the assignment's owner
    title: Mapped[str] = mapped_column(String(200))
    due_date: Mapped[date] = mapped_column(Date, index=True)
    week: Mapped[int | None] = mapped_column(Integer)
    progress: Mapped[int] = mapped_column(Integer, default=0)
    done: Mapped[bool] = mapped_column(Boolean, default=False)


class TaskComment(Base):
    """A comment on a task: the owner's manager chain comments, the owner replies."""

    __tablename__ = "task_comment"
    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("process_task.id", ondelete="CASCADE"), index=True)
    author_user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    author_name: Mapped[str] = mapped_column(String(100))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class NotificationChannel(Base, Versioned):
    """Where a company's reminders, alerts and approvals go: an SMTP server or a group robot's webhook."""

    __tablename__ = "notification_channel"
    __table_args__ = (UniqueConstraint("company_id", "kind", name="uq_notification_channel"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    settings: Mapped[dict[str, Any]] = mapped_column(JSON)  # non-secret: host, port, from, to, language
    secret: Mapped[str] = mapped_column(Text, default="")  # SMTP password or webhook URL/signing secret; never echoed


class NotificationSent(Base):
    """One message sent (or tried) through a channel; the unique key is what keeps it from going out twice."""

    __tablename__ = "notification_sent"
    __table_args__ = (UniqueConstraint("channel_id", "dedupe_key", name="uq_notification_sent"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("notification_channel.id", ondelete="CASCADE"), index=True)
    dedupe_key: Mapped[str] = mapped_column(String(200))
    topic: Mapped[str] = mapped_column(String(20))  # reminder / alert / approval
    status: Mapped[str] = mapped_column(String(10))  # sent / failed
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    error: Mapped[str] = mapped_column(Text, default="")
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
