"""Import routes of a real company: the org chart from a contacts export, templates and the org export."""

from typing import Annotated, Any

from fastapi import APIRouter, File, Path, Query, UploadFile
from fastapi.responses import Response

from api.deps import CanImport, SessionDep
from api.errors import PROBLEM_RESPONSES
from workflows.imports import flows as imports

router = APIRouter(prefix="/api/v1", tags=["imports"], responses=PROBLEM_RESPONSES)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Lang = Annotated[str, Query(pattern="^(zh|en)$", description="Header language.")]


@router.post(
    "/imports/org",
    summary="Import the org chart (CSV or .xlsx: 工号, 姓名, 部门 path, 职位, 直属主管工号, 入职日期, 角色, 状态)",
    description="`dry_run=true` answers what would be created, updated and deactivated, row by row, and changes "
    "nothing. A real run writes all or nothing; people absent from the file are listed in `absent` and "
    "deactivated only with `deactivate_absent=true`. New logins' one-time passwords are in `logins`, shown once.",
)
def import_org(
    session: SessionDep,
    caller: CanImport,
    file: Annotated[UploadFile, File()],
    dry_run: bool = False,
    deactivate_absent: bool = False,
) -> dict[str, Any]:
    # A plain `def`: FastAPI runs it in the threadpool; the upload is spooled to disk, never held whole.
    return imports.import_org(
        session,
        caller,
        source=file.file,
        filename=file.filename or "org.csv",
        dry_run=dry_run,
        deactivate_absent=deactivate_absent,
    )


@router.get(
    "/imports/templates/{kind}.xlsx", summary="An empty import template (org, sales-daily, sales-orders, promotions)"
)
def template(kind: Annotated[str, Path(max_length=40)], _caller: CanImport, lang: Lang = "zh") -> Response:
    return Response(
        imports.template(kind, lang),
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{kind}-{lang}.xlsx"'},
    )


@router.get("/imports/org/export.xlsx", summary="The current org in the import's layout (round-trips unchanged)")
def org_export(session: SessionDep, _caller: CanImport, lang: Lang = "zh") -> Response:
    return Response(
        imports.org_export(session, lang),
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="org-{lang}.xlsx"'},
    )
