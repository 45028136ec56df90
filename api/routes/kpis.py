"""KPI assignment routes: targets and weights, actuals, and CSV / Excel imports."""

from typing import IO, Annotated, Any

from fastapi import APIRouter, File, Query, Response, UploadFile

from api.deps import (
    CanDecideActuals,
    CanReadKpi,
    CanWriteActuals,
    CanWriteKpi,
    IdempotencyKey,
    IfMatch,
    SessionDep,
    SettingsDep,
)
from api.errors import PROBLEM_RESPONSES
from api.routes._util import Id, Paging, answer, import_answer, page, reply
from workflows.goals import flows as goals
from workflows.goals.schemas import (
    ActualCreate,
    ActualPublic,
    AssignmentCreate,
    AssignmentPublic,
    AssignmentUpdate,
    ImportReport,
    OverrideCreate,
    OverrideDecision,
    OverridePublic,
    SalesActualView,
)
from workflows.shared.schemas import Page

router = APIRouter(prefix="/api/v1", tags=["kpis"], responses=PROBLEM_RESPONSES)


@router.get(
    "/kpi-assignments",
    response_model=Page[AssignmentPublic],
    summary="KPI assignments you may read (yours, your reports', your department's)",
)
def list_assignments(
    session: SessionDep,
    caller: CanReadKpi,
    p: Paging,
    period_id: Annotated[int | None, Query(ge=1, le=2_147_483_647)] = None,
    employee_id: Annotated[int | None, Query(ge=1, le=2_147_483_647)] = None,
) -> Page[AssignmentPublic]:
    return page(
        AssignmentPublic,
        goals.list_assignments(
            session, caller, period_id=period_id, employee_id=employee_id, limit=p.limit, offset=p.offset
        ),
    )


@router.get("/kpi-assignments/{assignment_id}", response_model=AssignmentPublic, summary="One KPI assignment")
def get_assignment(response: Response, assignment_id: Id, session: SessionDep, caller: CanReadKpi) -> AssignmentPublic:
    return reply(response, AssignmentPublic, goals.get_assignment(session, caller, assignment_id))


@router.post(
    "/kpi-assignments",
    response_model=AssignmentPublic,
    status_code=201,
    summary="Give a KPI to a person or department (managers: their reports and department)",
)
def create_assignment(
    response: Response,
    body: AssignmentCreate,
    session: SessionDep,
    caller: CanWriteKpi,
    key: IdempotencyKey = None,
) -> AssignmentPublic:
    return answer(response, AssignmentPublic, goals.create_assignment_once(session, caller, body, key))


@router.patch(
    "/kpi-assignments/{assignment_id}", response_model=AssignmentPublic, summary="Change weight or target (If-Match)"
)
def update_assignment(
    response: Response,
    assignment_id: Id,
    body: AssignmentUpdate,
    session: SessionDep,
    caller: CanWriteKpi,
    if_match: IfMatch = None,
) -> AssignmentPublic:
    return reply(response, AssignmentPublic, goals.update_assignment(session, caller, assignment_id, body, if_match))


@router.get(
    "/kpi-assignments/{assignment_id}/actuals",
    response_model=list[ActualPublic],
    summary="Measured values of a KPI assignment",
)
def list_actuals(assignment_id: Id, session: SessionDep, caller: CanReadKpi) -> list[ActualPublic]:
    return [ActualPublic.model_validate(a) for a in goals.list_actuals(session, caller, assignment_id)]


@router.post(
    "/kpi-assignments/{assignment_id}/actuals",
    response_model=ActualPublic,
    status_code=201,
    summary="Record a measured value (one per date)",
)
def record_actual(
    response: Response,
    assignment_id: Id,
    body: ActualCreate,
    session: SessionDep,
    caller: CanWriteActuals,
    key: IdempotencyKey = None,
) -> ActualPublic:
    return answer(response, ActualPublic, goals.record_actual_once(session, caller, assignment_id, body, key))


@router.get(
    "/kpi-assignments/{assignment_id}/sales-actual",
    response_model=SalesActualView,
    summary="The actual computed from sales (shops, days, formula) and hand-entered values beside it",
)
def sales_actual(assignment_id: Id, session: SessionDep, caller: CanReadKpi) -> SalesActualView:
    return SalesActualView.model_validate(goals.sales_actual(session, caller, assignment_id))


@router.post(
    "/kpi-assignments/{assignment_id}/overrides",
    response_model=OverridePublic,
    status_code=201,
    summary="Enter a value for a KPI measured from sales, with a reason; HR decides which value counts",
)
def propose_override(
    response: Response,
    assignment_id: Id,
    body: OverrideCreate,
    session: SessionDep,
    caller: CanWriteActuals,
    key: IdempotencyKey = None,
) -> OverridePublic:
    return answer(response, OverridePublic, goals.propose_override_once(session, caller, assignment_id, body, key))


@router.post(
    "/actual-overrides/{override_id}/decision",
    response_model=OverridePublic,
    summary="HR: accept a hand-entered value (it counts) or reject it (the computed one counts); If-Match",
)
def decide_override(
    response: Response,
    override_id: Id,
    body: OverrideDecision,
    session: SessionDep,
    caller: CanDecideActuals,
    if_match: IfMatch = None,
) -> OverridePublic:
    return reply(response, OverridePublic, goals.decide_override(session, caller, override_id, body, if_match))


def read_upload(file: UploadFile) -> IO[bytes]:
    """The uploaded file as a stream: spooled to disk by the server, bounded by `max_upload_bytes`; never held in
    memory (the safe reader in workflows.imports checks its rows, cells and sizes)."""
    return file.file


@router.post(
    "/imports/actuals",
    summary="Import KPI actuals from CSV or Excel .xlsx (employee_code, period_code, indicator_code, as_of, value)",
    description="Every row is checked first; one bad row imports nothing, and each error names the CSV line or "
    "the Excel sheet, row and column (`cell`). Excel files are recognised by content, whatever their name. A large "
    "file (or `background=true`) is imported as a job: 202 with `import_job_id`, followed at "
    "`GET /api/v1/imports/jobs/{id}`.",
    responses={
        200: {"model": ImportReport, "description": "Imported: the report."},
        202: {"description": "Accepted: the file imports in the background; follow the import job."},
    },
)
def import_actuals(
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
    caller: CanWriteActuals,
    file: Annotated[UploadFile, File()],
    background: Annotated[bool | None, Query(description="Run as a job (default: files over 20 MB).")] = None,
) -> dict[str, Any]:
    # A plain `def`: FastAPI runs it in the threadpool, so a large import never blocks the event loop.
    name = file.filename or "upload.csv"
    result = goals.import_actuals_or_queue(
        session, caller, content=read_upload(file), filename=name, background=background, settings=settings
    )
    if "import_job_id" in result:
        return import_answer(response, result)
    return ImportReport(**result).model_dump(mode="json")
