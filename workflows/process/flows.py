"""Task use cases (what the process routes call): an employee breaks a KPI into dated tasks, their manager chain
reads and comments.

Access (the same object checks as the plan routes): the assignment's owner creates and edits its tasks;
the owner's manager chain and HR/admin read them and comment, the owner replies; anyone else gets 404.
Every write is audited and committed here, once.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.clock import clock_of
from core.errors import InvalidInput, NotFound, PermissionDenied, coded
from core.security import Caller
from core.tables import Employee, Indicator, KpiAssignment, Period, ProcessTask, TaskComment, User
from workflows.process.schemas import (
    BoardPerson,
    BoardTask,
    CommentCreate,
    CommentPublic,
    TaskCreate,
    TaskPublic,
    TaskUpdate,
    TeamBoard,
)
from workflows.shared import common
from workflows.shared.access import can_see_employee, visible_employee_ids


def _visible_assignment(session: Session, caller: Caller, assignment_id: int) -> KpiAssignment:
    a = session.get(KpiAssignment, assignment_id)
    if a is None or a.employee_id is None or not can_see_employee(session, caller, a.employee_id):
        raise coded(
            NotFound(f"KPI assignment {assignment_id} not found (tasks belong to personal KPIs you may see)."),
            "not_found",
            thing="kpi_assignment",
        )
    return a


def _visible_task(session: Session, caller: Caller, task_id: int) -> ProcessTask:
    task = session.get(ProcessTask, task_id)
    if task is None or not can_see_employee(session, caller, task.employee_id):
        raise coded(NotFound(f"Task {task_id} not found."), "not_found", thing="task")
    return task


def _ensure_owner(caller: Caller, employee_id: int) -> None:
    if caller.employee_id != employee_id:
        raise coded(
            PermissionDenied("Only the KPI's owner plans and updates its tasks; comment on them instead."),
            "task.owner_only",
        )


def _check_due(session: Session, a: KpiAssignment, due: date) -> None:
    period = session.get(Period, a.period_id)
    if period is not None and not period.start_date <= due <= period.end_date:
        raise coded(
            InvalidInput(
                f"due_date {due} is outside the KPI's period ({period.start_date} to {period.end_date}).",
                [{"loc": ["body", "due_date"], "msg": f"between {period.start_date} and {period.end_date}"}],
            ),
            "task.due_outside_period",
            start=period.start_date.isoformat(),
            end=period.end_date.isoformat(),
        )


def to_public(session: Session, task: ProcessTask, today: date | None = None) -> TaskPublic:
    """A task with its comments and whether it is overdue today."""
    today = today or clock_of(session).today()
    comments = session.execute(
        select(TaskComment).where(TaskComment.task_id == task.id).order_by(TaskComment.id)
    ).scalars()
    out = TaskPublic.model_validate(task)
    out.overdue = not task.done and task.due_date < today
    out.comments = [CommentPublic.model_validate(c) for c in comments]
    return out


def list_tasks(session: Session, caller: Caller, assignment_id: int) -> list[TaskPublic]:
    """Tasks of a KPI assignment the caller may see, by due date."""
    a = _visible_assignment(session, caller, assignment_id)
    rows = session.execute(
        select(ProcessTask).where(ProcessTask.assignment_id == a.id).order_by(ProcessTask.due_date, ProcessTask.id)
    ).scalars()
    today = clock_of(session).today()
    return [to_public(session, t, today) for t in rows]


def create_task(session: Session, caller: Caller, assignment_id: int, data: TaskCreate) -> TaskPublic:
    """Add a task under one's own KPI (audited; the route's idempotent create commits)."""
    a = _visible_assignment(session, caller, assignment_id)
    assert a.employee_id is not None  # _visible_assignment only returns personal KPIs
    _ensure_owner(caller, a.employee_id)
    _check_due(session, a, data.due_date)
    task = ProcessTask(
        assignment_id=a.id,
        employee_id=a.employee_id,
        title=data.title,
        due_date=data.due_date,
        week=data.week or data.due_date.isocalendar().week,
        progress=0,
        done=False,
    )
    common.create(session, task, caller=caller, entity="process_task")
    return to_public(session, task)


def get_task(session: Session, caller: Caller, task_id: int) -> TaskPublic:
    """One task with its comments."""
    return to_public(session, _visible_task(session, caller, task_id))


@common.use_case
def update_task(session: Session, caller: Caller, task_id: int, data: TaskUpdate, if_match: str | None) -> TaskPublic:
    """Edit one's own task (If-Match, audited, committed)."""
    task = _visible_task(session, caller, task_id)
    _ensure_owner(caller, task.employee_id)
    changes = data.model_dump(exclude_unset=True)
    for key, value in changes.items():
        if value is None:
            raise coded(
                InvalidInput(f"{key} cannot be null.", [{"loc": ["body", key], "msg": "null"}]),
                "field_not_null",
                field=key,
            )
    if "due_date" in changes:
        a = session.get(KpiAssignment, task.assignment_id)
        assert a is not None  # the foreign key cascades
        _check_due(session, a, changes["due_date"])
        changes["week"] = changes["due_date"].isocalendar().week
    if changes.get("done") is True and "progress" not in changes:
        changes["progress"] = 100
    common.update_versioned(session, task, changes, if_match=if_match, caller=caller, entity="process_task")
    return to_public(session, task)


def add_comment(session: Session, caller: Caller, task_id: int, data: CommentCreate) -> CommentPublic:
    """Comment on a task: the manager chain (and HR/admin) any time, the owner in reply (audited)."""
    task = _visible_task(session, caller, task_id)
    if caller.employee_id == task.employee_id:
        others = session.execute(
            select(TaskComment.id).where(TaskComment.task_id == task.id, TaskComment.author_user_id != caller.user_id)
        ).first()
        if others is None:
            raise coded(
                InvalidInput("Nobody has commented on this task yet: the owner replies to comments."),
                "task.no_comment_to_reply",
            )
    user = session.get(User, caller.user_id)
    emp = session.get(Employee, caller.employee_id) if caller.employee_id else None
    comment = TaskComment(
        task_id=task.id,
        author_user_id=caller.user_id,
        author_name=emp.name_zh if emp else (user.username if user else caller.username),
        body=data.body,
        created_at=clock_of(session).now(),
    )
    common.create(session, comment, caller=caller, entity="task_comment")
    return CommentPublic.model_validate(comment)


def _board_periods(session: Session, period_id: int | None, today: date) -> list[int]:
    if period_id is not None:
        if session.get(Period, period_id) is None:
            raise coded(NotFound(f"Period {period_id} not found."), "not_found", thing="period")
        return [period_id]
    stmt = select(Period.id).where(Period.start_date <= today, Period.end_date >= today)
    return list(session.execute(stmt).scalars())


def team_board(session: Session, caller: Caller, *, period_id: int | None, lang: str = "zh") -> TeamBoard:
    """The task board of everyone below the caller (HR/admin: everyone), grouped by person."""
    today = clock_of(session).today()
    periods = _board_periods(session, period_id, today)
    visible = visible_employee_ids(session, caller)
    stmt = (
        select(ProcessTask, KpiAssignment.period_id, Indicator)
        .join(KpiAssignment, KpiAssignment.id == ProcessTask.assignment_id)
        .join(Indicator, Indicator.id == KpiAssignment.indicator_id)
        .where(KpiAssignment.period_id.in_(periods))
        .order_by(ProcessTask.employee_id, ProcessTask.due_date, ProcessTask.id)
    )
    if visible is not None:
        stmt = stmt.where(ProcessTask.employee_id.in_(visible - {caller.employee_id}))
    by_person: dict[int, list[BoardTask]] = defaultdict(list)
    for task, pid, ind in session.execute(stmt).all():
        base = to_public(session, task, today).model_dump()
        name = ind.name_zh if lang == "zh" else ind.name_en
        by_person[task.employee_id].append(
            BoardTask(**base, indicator_code=ind.code, indicator_name=name, period_id=pid)
        )
    people = []
    for emp in session.execute(select(Employee).where(Employee.id.in_(by_person))).scalars():
        tasks = by_person[emp.id]
        people.append(
            BoardPerson(
                employee_id=emp.id,
                code=emp.code,
                name=emp.name_zh if lang == "zh" else emp.name_en,
                open=sum(1 for t in tasks if not t.done),
                done=sum(1 for t in tasks if t.done),
                overdue=sum(1 for t in tasks if t.overdue),
                tasks=tasks,
            )
        )
    people.sort(key=lambda p: p.code)
    return TeamBoard(period_id=period_id, people=people, count=sum(len(p.tasks) for p in people))


# Use cases kept in their topic modules (routes import only this module).
from workflows.process.channels import get_channels as get_channels  # noqa: E402
from workflows.process.channels import put_channels as put_channels  # noqa: E402
from workflows.process.channels import send_test as send_test  # noqa: E402
from workflows.process.exports import MEDIA as MEDIA  # noqa: E402
from workflows.process.exports import ExportFile as ExportFile  # noqa: E402
from workflows.process.exports import export as export  # noqa: E402
from workflows.process.outbound import allow_list as allow_list  # noqa: E402
from workflows.process.reminders import DEFAULT_DAYS as DEFAULT_DAYS  # noqa: E402
from workflows.process.reminders import my_reminders as my_reminders  # noqa: E402


# --- idempotent creates (one transaction with the Idempotency-Key record; 201 and the new object) -----------
def create_task_once(
    session: Session, caller: Caller, assignment_id: int, data: TaskCreate, key: str | None
) -> common.Answer:
    """Add a task under one's own KPI once per Idempotency-Key."""
    return common.create_once(
        session, caller, key, data, TaskPublic, lambda: create_task(session, caller, assignment_id, data)
    )


def add_comment_once(
    session: Session, caller: Caller, task_id: int, data: CommentCreate, key: str | None
) -> common.Answer:
    """Comment on a task once per Idempotency-Key."""
    return common.create_once(
        session, caller, key, data, CommentPublic, lambda: add_comment(session, caller, task_id, data)
    )
