"""Process routes: weekly tasks under KPIs, comments, the team's task board and deadline reminders."""

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Response

from api.deps import IdempotencyKey, IfMatch, Require, SessionDep, SettingsDep
from api.errors import PROBLEM_RESPONSES
from api.routes._util import Id, answer, reply
from core.security import Caller
from workflows.process import flows as tasks
from workflows.process.schemas import (
    ChannelKind,
    ChannelsIn,
    ChannelsPublic,
    ChannelTest,
    CommentCreate,
    CommentPublic,
    Reminders,
    TaskCreate,
    TaskPublic,
    TaskUpdate,
    TeamBoard,
)

router = APIRouter(prefix="/api/v1", tags=["process"], responses=PROBLEM_RESPONSES)

CanReadTasks = Annotated[Caller, Depends(Require("tasks:read"))]
CanWriteTasks = Annotated[Caller, Depends(Require("tasks:write"))]
CanCommentTasks = Annotated[Caller, Depends(Require("tasks:comment"))]
CanReadBoard = Annotated[Caller, Depends(Require("tasks:board"))]
CanReadReminders = Annotated[Caller, Depends(Require("reminders:read"))]
CanReadChannels = Annotated[Caller, Depends(Require("notifications:read"))]
CanWriteChannels = Annotated[Caller, Depends(Require("notifications:write"))]
Lang = Annotated[Literal["zh", "en"], Query(description="Language of names and reminder texts.")]


@router.get(
    "/kpi-assignments/{assignment_id}/tasks",
    response_model=list[TaskPublic],
    summary="Tasks under a personal KPI, by due date (owner; their manager chain and HR/admin read)",
)
def list_tasks(assignment_id: Id, session: SessionDep, caller: CanReadTasks) -> list[TaskPublic]:
    return tasks.list_tasks(session, caller, assignment_id)


@router.post(
    "/kpi-assignments/{assignment_id}/tasks",
    response_model=TaskPublic,
    status_code=201,
    summary="Break one of your KPIs into a task with a due date (the KPI's owner only)",
)
def create_task(
    response: Response,
    assignment_id: Id,
    body: TaskCreate,
    session: SessionDep,
    caller: CanWriteTasks,
    key: IdempotencyKey = None,
) -> TaskPublic:
    return answer(response, TaskPublic, tasks.create_task_once(session, caller, assignment_id, body, key))


@router.get("/tasks/{task_id}", response_model=TaskPublic, summary="One task with its comments (ETag for PATCH)")
def get_task(response: Response, task_id: Id, session: SessionDep, caller: CanReadTasks) -> TaskPublic:
    return reply(response, TaskPublic, tasks.get_task(session, caller, task_id))


@router.patch(
    "/tasks/{task_id}",
    response_model=TaskPublic,
    summary="Update your task: title, due date, progress 0-100, done (the owner only; If-Match)",
)
def update_task(
    response: Response,
    task_id: Id,
    body: TaskUpdate,
    session: SessionDep,
    caller: CanWriteTasks,
    if_match: IfMatch = None,
) -> TaskPublic:
    return reply(response, TaskPublic, tasks.update_task(session, caller, task_id, body, if_match))


@router.post(
    "/tasks/{task_id}/comments",
    response_model=CommentPublic,
    status_code=201,
    summary="Comment on a task (the owner's manager chain, HR/admin; the owner replies)",
)
def add_comment(
    response: Response,
    task_id: Id,
    body: CommentCreate,
    session: SessionDep,
    caller: CanCommentTasks,
    key: IdempotencyKey = None,
) -> CommentPublic:
    return answer(response, CommentPublic, tasks.add_comment_once(session, caller, task_id, body, key))


@router.get(
    "/team/tasks",
    response_model=TeamBoard,
    summary="The task board of your reporting line, by person (HR/admin: everyone)",
)
def team_tasks(
    session: SessionDep,
    caller: CanReadBoard,
    period_id: Annotated[
        int | None, Query(ge=1, le=2_147_483_647, description="Default: every period running today.")
    ] = None,
    lang: Lang = "zh",
) -> TeamBoard:
    return tasks.team_board(session, caller, period_id=period_id, lang=lang)


@router.get(
    "/me/reminders",
    response_model=Reminders,
    summary="My open tasks due within N days (overdue ones too), with a sentence each",
)
def my_reminders(
    session: SessionDep,
    caller: CanReadReminders,
    days: Annotated[int, Query(ge=0, le=90, description="Look this many days ahead.")] = tasks.DEFAULT_DAYS,
    lang: Lang = "zh",
) -> Reminders:
    return tasks.my_reminders(session, caller, days=days, lang=lang)


@router.get(
    "/notification-channels",
    response_model=ChannelsPublic,
    tags=["notifications"],
    summary="Where reminders, alerts and approvals are sent: e-mail, WeCom, DingTalk, Feishu (secrets never shown)",
)
def get_channels(response: Response, session: SessionDep, caller: CanReadChannels) -> ChannelsPublic:
    return reply(response, ChannelsPublic, tasks.get_channels(session, caller))


@router.put(
    "/notification-channels",
    response_model=ChannelsPublic,
    tags=["notifications"],
    summary="Set the company's channels (If-Match: the version from GET; kinds left out are switched off)",
)
def put_channels(
    response: Response,
    body: ChannelsIn,
    session: SessionDep,
    settings: SettingsDep,
    caller: CanWriteChannels,
    if_match: IfMatch = None,
) -> ChannelsPublic:
    allow = tasks.allow_list(settings.webhook_allow)
    return reply(response, ChannelsPublic, tasks.put_channels(session, caller, body, if_match, allow))


@router.post(
    "/notification-channels/{kind}/test",
    response_model=ChannelTest,
    tags=["notifications"],
    summary="Send a test message through a saved channel now: whether it arrived, or why not (audited)",
)
def test_channel(
    kind: ChannelKind, session: SessionDep, settings: SettingsDep, caller: CanWriteChannels
) -> ChannelTest:
    return ChannelTest.model_validate(tasks.send_test(session, caller, kind, tasks.allow_list(settings.webhook_allow)))
