"""Pydantic I/O of the process feature: tasks, comments, reminders, the team board and notification channels."""

from datetime import UTC, date, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, Field, field_validator

from workflows.shared.schemas import Day, Public, Strict

ChannelKind = Literal["email", "wecom", "dingtalk", "feishu"]


def _utc(value: datetime) -> datetime:
    # Stored without a zone on SQLite; every timestamp the service writes is UTC.
    return value if value.tzinfo else value.replace(tzinfo=UTC)


class TaskCreate(Strict):
    title: str = Field(min_length=1, max_length=200, description="What to do, e.g. 新品运营计划.")
    due_date: Day = Field(description="The deadline (YYYY-MM-DD), inside the KPI's period.")
    week: int | None = Field(default=None, ge=1, le=53, description="ISO week number; default: the due date's.")


class TaskUpdate(Strict):
    title: str | None = Field(default=None, min_length=1, max_length=200)
    due_date: Day | None = None
    progress: int | None = Field(default=None, ge=0, le=100, description="Per cent done, 0-100.")
    done: bool | None = Field(default=None, description="Marking a task done sets its progress to 100.")


class CommentCreate(Strict):
    body: str = Field(min_length=1, max_length=2000)


class CommentPublic(Public):
    id: int
    task_id: int
    author_user_id: int
    author_name: str
    body: str
    created_at: Annotated[datetime, AfterValidator(_utc)]


class TaskPublic(Public):
    id: int
    assignment_id: int
    employee_id: int
    title: str
    due_date: date
    week: int | None
    progress: int
    done: bool
    version: int
    overdue: bool = Field(default=False, description="Not done and the due date has passed (company time zone).")
    comments: list[CommentPublic] = Field(default_factory=list)


class BoardTask(TaskPublic):
    indicator_code: str
    indicator_name: str
    period_id: int


class BoardPerson(BaseModel):
    employee_id: int
    code: str
    name: str
    open: int
    done: int
    overdue: int
    tasks: list[BoardTask]


class TeamBoard(BaseModel):
    period_id: int | None = Field(description="The period asked for; None: every period running today.")
    people: list[BoardPerson] = Field(description="Everyone below you with a task, by name; your own tasks excluded.")
    count: int = Field(description="Tasks on the board.")


class ReminderPublic(BaseModel):
    task_id: int
    assignment_id: int
    title: str
    due_date: date
    days_left: int = Field(description="Days from today (company time zone) to the due date; negative: overdue.")
    progress: int
    text: str = Field(description="e.g. 距离新品运营计划截止还有 3 天 / 3 days left until 新品运营计划 is due.")


class Reminders(BaseModel):
    today: date
    days: int
    language: Literal["zh", "en"]
    data: list[ReminderPublic]


class ChannelIn(Strict):
    kind: ChannelKind
    enabled: bool = True
    language: Literal["zh", "en"] = Field(default="zh", description="Language of the messages sent here.")
    smtp_host: str | None = Field(default=None, max_length=255, description="e-mail: the SMTP server.")
    smtp_port: int | None = Field(default=None, ge=1, le=65535)
    smtp_from: str | None = Field(default=None, max_length=255, description="e-mail: the sender address.")
    smtp_to: list[str] | None = Field(default=None, max_length=50, description="e-mail: recipient addresses.")
    smtp_username: str | None = Field(default=None, max_length=255)
    smtp_starttls: bool | None = None
    secret: str | None = Field(
        default=None,
        max_length=2000,
        description="e-mail: the SMTP password; robots: the webhook URL (it carries the robot's key). "
        "Write-only: never returned; omit to keep the stored one, send an empty string to clear it.",
    )
    sign_secret: str | None = Field(
        default=None, max_length=500, description="DingTalk/Feishu: the robot's signing secret (write-only)."
    )

    @field_validator("smtp_to")
    @classmethod
    def _addresses(cls, value: list[str] | None) -> list[str] | None:
        for addr in value or []:
            if "@" not in addr or len(addr) > 255 or any(c in addr for c in "\r\n,; "):
                raise ValueError(f"{addr[:60]!r} is not an e-mail address")
        return value


class ChannelsIn(Strict):
    channels: list[ChannelIn] = Field(max_length=4, description="At most one channel of each kind.")


class ChannelPublic(BaseModel):
    kind: ChannelKind
    enabled: bool
    language: Literal["zh", "en"]
    smtp_host: str | None = None
    smtp_port: int | None = None
    smtp_from: str | None = None
    smtp_to: list[str] = Field(default_factory=list)
    smtp_username: str | None = None
    smtp_starttls: bool = False
    secret_set: bool = Field(description="Whether a password / webhook URL is stored (it is never shown).")
    sign_secret_set: bool = False
    webhook_host: str | None = Field(default=None, description="The webhook's host only (the URL holds its key).")
    version: int


class ChannelsPublic(BaseModel):
    channels: list[ChannelPublic]
    version: int = Field(description="Send it back as If-Match with PUT.")


class ChannelTest(BaseModel):
    """The result of a test message: delivered, or the reason (a status, never the remote answer's text)."""

    kind: ChannelKind
    ok: bool
    detail: str


class NotifyRun(BaseModel):
    sent: int
    failed: int
    skipped: int = Field(description="Messages already sent before (never sent twice).")
    by_topic: dict[str, int]
