"""Deadline reminders: open tasks due within N days of today (the one clock, company time zone)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.clock import clock_of
from core.security import Caller
from core.tables import ProcessTask
from workflows.process.schemas import ReminderPublic, Reminders

DEFAULT_DAYS = 7


def reminder_text(title: str, days_left: int, lang: Literal["zh", "en"]) -> str:
    """'距离新品运营计划截止还有 3 天' / '3 days left until 新品运营计划 is due' (today and overdue too)."""
    if lang == "zh":
        if days_left > 0:
            return f"距离{title}截止还有 {days_left} 天"
        if days_left == 0:
            return f"{title}今天截止"
        return f"{title}已逾期 {-days_left} 天"
    if days_left > 1:
        return f"{days_left} days left until {title} is due"
    if days_left == 1:
        return f"1 day left until {title} is due"
    if days_left == 0:
        return f"{title} is due today"
    return f"{title} is {-days_left} day{'s' if days_left < -1 else ''} overdue"


def due_tasks(session: Session, today: date, days: int, employee_id: int | None = None) -> list[ProcessTask]:
    """Open tasks due by today + `days` (overdue ones included), soonest first."""
    stmt = (
        select(ProcessTask)
        .where(ProcessTask.done.is_(False), ProcessTask.due_date <= today + timedelta(days=days))
        .order_by(ProcessTask.due_date, ProcessTask.id)
    )
    if employee_id is not None:
        stmt = stmt.where(ProcessTask.employee_id == employee_id)
    return list(session.execute(stmt).scalars())


def as_reminder(task: ProcessTask, today: date, lang: Literal["zh", "en"]) -> ReminderPublic:
    """A task as a reminder with its wording."""
    days_left = (task.due_date - today).days
    return ReminderPublic(
        task_id=task.id,
        assignment_id=task.assignment_id,
        title=task.title,
        due_date=task.due_date,
        days_left=days_left,
        progress=task.progress,
        text=reminder_text(task.title, days_left, lang),
    )


def my_reminders(session: Session, caller: Caller, *, days: int, lang: Literal["zh", "en"]) -> Reminders:
    """The caller's own open tasks due within `days` days (overdue ones first)."""
    today = clock_of(session).today()
    tasks = due_tasks(session, today, days, caller.employee_id) if caller.employee_id is not None else []
    return Reminders(today=today, days=days, language=lang, data=[as_reminder(t, today, lang) for t in tasks])
