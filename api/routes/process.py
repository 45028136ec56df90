"""Process routes: weekly tasks under KPIs, comments, the team's task board and deadline reminders."""

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse

from api.deps import IdempotencyKey, IfMatch, Require, SessionDep, SettingsDep
from api.errors import PROBLEM_RESPONSES
from api.routes._util import Id, created
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


def _etag(task: TaskPublic) -> JSONResponse:
    return JSONResponse(task.model_dump(mode="json"), headers={"ETag": f'"{task.version}"'})


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
    assignment_id: Id, body: TaskCreate, session: SessionDep, caller: CanWriteTasks, key: IdempotencyKey = None
) -> JSONResponse:
    return created(
        session, caller, key, body, TaskPublic, lambda: tasks.create_task(session, caller, assignment_id, body)
    )


@router.get("/tasks/{task_id}", response_model=TaskPublic, summary="One task with its comments (ETag for PATCH)")
def get_task(task_id: Id, session: SessionDep, caller: CanReadTasks) -> JSONResponse:
    return _etag(tasks.get_task(session, caller, task_id))


@router.patch(
    "/tasks/{task_id}",
    response_model=TaskPublic,
    summary="Update your task: title, due date, progress 0-100, done (the owner only; If-Match)",
)
def update_task(
    task_id: Id, body: TaskUpdate, session: SessionDep, caller: CanWriteTasks, if_match: IfMatch = None
) -> JSONResponse:
    return _etag(tasks.update_task(session, caller, task_id, body, if_match))


@router.post(
    "/tasks/{task_id}/comments",
    response_model=CommentPublic,
    status_code=201,
    summary="Comment on a task (the owner's manager chain, HR/admin; the owner replies)",
)
def add_comment(
    task_id: Id, body: CommentCreate, session: SessionDep, caller: CanCommentTasks, key: IdempotencyKey = None
) -> JSONResponse:
    return created(session, caller, key, body, CommentPublic, lambda: tasks.add_comment(session, caller, task_id, body))


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


def _channels(body: ChannelsPublic) -> JSONResponse:
    return JSONResponse(body.model_dump(mode="json"), headers={"ETag": f'"{body.version}"'})


@router.get(
    "/notification-channels",
    response_model=ChannelsPublic,
    tags=["notifications"],
    summary="Where reminders, alerts and approvals are sent: e-mail, WeCom, DingTalk, Feishu (secrets never shown)",
)
def get_channels(session: SessionDep, caller: CanReadChannels) -> JSONResponse:
    return _channels(tasks.get_channels(session, caller))


@router.put(
    "/notification-channels",
    response_model=ChannelsPublic,
    tags=["notifications"],
    summary="Set the company's channels (If-Match: the version from GET; kinds left out are switched off)",
)
def put_channels(
    body: ChannelsIn, session: SessionDep, settings: SettingsDep, caller: CanWriteChannels, if_match: IfMatch = None
) -> JSONResponse:
    allow = tasks.allow_list(settings.webhook_allow)
    return _channels(tasks.put_channels(session, caller, body, if_match, allow))


@router.post(
    "/notification-channels/{kind}/test",
    response_model=ChannelTest,
    tags=["notifications"],
    summary="Send a test message through a saved channel now: whether it arrived, or why not (audited)",
)
def test_channel(
    kind: ChannelKind, session: SessionDep, settings: SettingsDep, caller: CanWriteChannels
) -> dict[str, Any]:
    return tasks.send_test(session, caller, kind, tasks.allow_list(settings.webhook_allow))
