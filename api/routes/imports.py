"""Import routes of a real company: the org chart from a contacts export, templates and the org export."""

from typing import Annotated, Any

from fastapi import APIRouter, File, Path, Query, Response, UploadFile

from api.deps import CanImport, CanReadMe, SessionDep, SettingsDep
from api.errors import PROBLEM_RESPONSES
from api.routes._util import Id, import_answer
from workflows.imports import flows as imports
from workflows.imports.schemas import ImportJobPublic

router = APIRouter(prefix="/api/v1", tags=["imports"], responses=PROBLEM_RESPONSES)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Lang = Annotated[str, Query(pattern="^(zh|en)$", description="Header language.")]
Background = Annotated[bool | None, Query(description="Run as a job (default: files over 20 MB).")]
QUEUED: dict[int | str, dict[str, Any]] = {
    202: {"description": "Accepted: the file imports in the background; follow `GET /api/v1/imports/jobs/{id}`."}
}


@router.post(
    "/imports/org",
    summary="Import the org chart (CSV or .xlsx: 工号, 姓名, 部门 path, 职位, 直属主管工号, 入职日期, 角色, 状态)",
    description="`dry_run=true` answers what would be created, updated and deactivated, row by row, and changes "
    "nothing. A real run writes all or nothing; people absent from the file are listed in `absent` and "
    "deactivated only with `deactivate_absent=true`. New logins' one-time passwords are in `logins`, shown once. "
    "A large file (or `background=true`) is imported as a job: 202 with `import_job_id`.",
    responses=QUEUED,
)
def import_org(
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
    caller: CanImport,
    file: Annotated[UploadFile, File()],
    dry_run: bool = False,
    deactivate_absent: bool = False,
    background: Background = None,
) -> dict[str, Any]:
    # A plain `def`: FastAPI runs it in the threadpool; the upload is spooled to disk, never held whole.
    return import_answer(
        response,
        imports.import_org(
            session,
            caller,
            source=file.file,
            filename=file.filename or "org.csv",
            dry_run=dry_run,
            deactivate_absent=deactivate_absent,
            background=background,
            settings=settings,
        ),
    )


@router.post(
    "/imports/kpi-history",
    summary="Import past periods: scorecards (工号, 期间, 指标, 权重, 目标, 实际) or outcomes (部门, 期间, 结果)",
    description="Indicators by code or name; unknown people, indicators and departments are row errors. Missing "
    "past periods are created. `dry_run=true` checks and writes nothing; a real run writes all or nothing. A large "
    "file (or `background=true`) is imported as a job: 202 with `import_job_id`.",
    responses=QUEUED,
)
def import_history(
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
    caller: CanImport,
    file: Annotated[UploadFile, File()],
    dry_run: bool = False,
    background: Background = None,
) -> dict[str, Any]:
    name = file.filename or "history.csv"
    return import_answer(
        response,
        imports.import_history(
            session, caller, source=file.file, filename=name, dry_run=dry_run, background=background, settings=settings
        ),
    )


@router.post(
    "/imports/promotions",
    summary="Import the campaign plan (活动名称, 活动类型, 店铺, 开始日期, 结束日期, 预计折扣 or 力度)",
    description="A large file (or `background=true`) is imported as a job: 202 with `import_job_id`.",
    responses=QUEUED,
)
def import_promotions(
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
    caller: CanImport,
    file: Annotated[UploadFile, File()],
    dry_run: bool = False,
    background: Background = None,
) -> dict[str, Any]:
    name = file.filename or "promotions.csv"
    return import_answer(
        response,
        imports.import_promotions(
            session, caller, source=file.file, filename=name, dry_run=dry_run, background=background, settings=settings
        ),
    )


XLSX_FILE: dict[int | str, dict[str, Any]] = {200: {"content": {XLSX: {}}, "description": "An Excel workbook."}}


@router.get(
    "/imports/templates/{kind}.xlsx",
    summary="An empty import template (org, sales-daily, sales-orders, promotions, kpi-history, outcomes)",
    responses=XLSX_FILE,
)
def template(kind: Annotated[str, Path(max_length=40)], _caller: CanImport, lang: Lang = "zh") -> Response:
    return Response(
        imports.template(kind, lang),
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{kind}-{lang}.xlsx"'},
    )


@router.get(
    "/imports/org/export.xlsx",
    summary="The current org in the import's layout (round-trips unchanged)",
    responses=XLSX_FILE,
)
def org_export(session: SessionDep, _caller: CanImport, lang: Lang = "zh") -> Response:
    return Response(
        imports.org_export(session, lang),
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="org-{lang}.xlsx"'},
    )


@router.get(
    "/imports/jobs/{job_id}",
    response_model=ImportJobPublic,
    summary="A background import: status, rows read so far, its report when done (your own; HR/admin: all)",
)
def import_job(job_id: Id, session: SessionDep, caller: CanReadMe) -> ImportJobPublic:
    # Any login may follow its own import (a manager's actuals file); whose job it is is checked in the use case.
    return ImportJobPublic.model_validate(imports.import_job(session, caller, job_id))
