"""Export routes: a scorecard or feedback report as Excel or PDF, under the same access checks as the plans."""

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from api.deps import Require, SessionDep, SettingsDep
from api.errors import PROBLEM_RESPONSES, Problem
from core.security import Caller
from workflows.process import flows as exports

CanExport = Annotated[Caller, Depends(Require("exports:read"))]
RESPONSES: dict[int | str, dict[str, Any]] = {
    **PROBLEM_RESPONSES,
    503: {"description": "PDF needs a CJK font not installed here", "model": Problem},
}
router = APIRouter(prefix="/api/v1/exports", tags=["exports"], responses=RESPONSES)
FILES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The file (Content-Disposition names it).",
        "content": {exports.MEDIA["xlsx"]: {}, exports.MEDIA["pdf"]: {}},
    }
}
EmployeeQuery = Annotated[
    int | None, Query(ge=1, le=2_147_483_647, description="Whose (default: yours); same rule as the plan routes.")
]
PeriodQuery = Annotated[
    int | None, Query(ge=1, le=2_147_483_647, description="Period reviewed (default: latest ended).")
]
FormatQuery = Annotated[Literal["xlsx", "pdf"], Query(description="xlsx (Excel) or pdf.")]
LangQuery = Annotated[Literal["zh", "en"], Query(description="Language of the file.")]


def _send(f: exports.ExportFile) -> Response:
    # RFC 6266: a plain ASCII name (the file names are codes and dates).
    return Response(
        f.content, media_type=f.media_type, headers={"Content-Disposition": f'attachment; filename="{f.filename}"'}
    )


@router.get("/scorecard", response_class=Response, responses=FILES, summary="A scorecard as Excel or PDF")
def export_scorecard(
    session: SessionDep,
    settings: SettingsDep,
    caller: CanExport,
    employee_id: EmployeeQuery = None,
    period_id: PeriodQuery = None,
    format: FormatQuery = "xlsx",  # noqa: A002 - the query parameter's public name
    lang: LangQuery = "zh",
) -> Response:
    """This period's KPIs with targets and progress, and how every point of the reviewed period was computed."""
    return _send(
        exports.export(
            session,
            caller,
            kind="scorecard",
            fmt=format,
            employee_id=employee_id,
            period_id=period_id,
            lang=lang,
            settings=settings,
        )
    )


@router.get("/report", response_class=Response, responses=FILES, summary="A feedback report as Excel or PDF")
def export_report(
    session: SessionDep,
    settings: SettingsDep,
    caller: CanExport,
    employee_id: EmployeeQuery = None,
    period_id: PeriodQuery = None,
    format: FormatQuery = "xlsx",  # noqa: A002 - the query parameter's public name
    lang: LangQuery = "zh",
) -> Response:
    """The feedback report, the recommended courses with their reasons, and the alerts."""
    return _send(
        exports.export(
            session,
            caller,
            kind="report",
            fmt=format,
            employee_id=employee_id,
            period_id=period_id,
            lang=lang,
            settings=settings,
        )
    )
