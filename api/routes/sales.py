"""Sales history routes: shops, daily sales and the CSV import."""

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Response, UploadFile
from sqlalchemy import select

from api.deps import CanReadSales, CanWriteSales, SessionDep, SettingsDep
from api.errors import PROBLEM_RESPONSES
from api.routes._util import Id, Paging, page
from api.routes.kpis import read_upload
from core.errors import NotFound, coded
from core.tables import SalesDaily, Shop
from workflows.goals.schemas import SalesDayPublic, ShopPublic
from workflows.imports import flows as sales_imports
from workflows.shared import common
from workflows.shared.schemas import Day, Page

router = APIRouter(prefix="/api/v1", tags=["sales"], responses=PROBLEM_RESPONSES)


@router.get("/shops", response_model=Page[ShopPublic], summary="Shops and channels")
def list_shops(session: SessionDep, _caller: CanReadSales, p: Paging) -> Page[ShopPublic]:
    return page(ShopPublic, common.paginate(session, select(Shop).order_by(Shop.id), limit=p.limit, offset=p.offset))


@router.get("/shops/{shop_id}/sales", response_model=Page[SalesDayPublic], summary="Daily sales of a shop")
def shop_sales(
    shop_id: Id,
    session: SessionDep,
    _caller: CanReadSales,
    p: Paging,
    start: Annotated[Day | None, Query(alias="from")] = None,
    end: Annotated[Day | None, Query(alias="to")] = None,
) -> Page[SalesDayPublic]:
    if session.get(Shop, shop_id) is None:
        raise coded(NotFound(f"Shop {shop_id} not found."), "not_found", thing="shop")
    stmt = select(SalesDaily).where(SalesDaily.shop_id == shop_id).order_by(SalesDaily.ds)
    if start is not None:
        stmt = stmt.where(SalesDaily.ds >= start)
    if end is not None:
        stmt = stmt.where(SalesDaily.ds <= end)
    return page(SalesDayPublic, common.paginate(session, stmt, limit=p.limit, offset=p.offset))


@router.post(
    "/imports/sales",
    summary="Import sales: kpilot's layout (shop_code, ds, sales, ...) or a shop back-end export (daily or orders)",
    description="kpilot's own layout imports as before. A platform export (生意参谋 daily summary, an order export) "
    "is mapped: kpilot suggests a mapping from the headers, `mapping` (form field, JSON header -> field) confirms "
    "or corrects it and is remembered for the shop; `shop` (form field, the shop's code) names the shop of a file "
    "without a shop column. `dry_run=true` previews the days, totals and the rule for cancelled and refunded "
    "orders; a real run replaces the covered days all or nothing. A large file (or `background=true`) is imported "
    "as a job: 202 with `import_job_id`, followed at `GET /api/v1/imports/jobs/{id}`.",
    responses={202: {"description": "Accepted: the file imports in the background; follow the import job."}},
)
def import_sales(
    response: Response,
    session: SessionDep,
    caller: CanWriteSales,
    settings: SettingsDep,
    file: Annotated[UploadFile, File()],
    shop: Annotated[str | None, Form(max_length=40)] = None,
    mapping: Annotated[str | None, Form(max_length=20_000)] = None,
    dry_run: bool = False,
    background: Annotated[bool | None, Query(description="Run as a job (default: files over 20 MB).")] = None,
) -> dict[str, Any]:
    # A plain `def`: FastAPI runs it in the threadpool; the upload is spooled to disk, never held whole.
    result = sales_imports.import_sales(
        session,
        caller,
        source=read_upload(file),
        filename=file.filename or "upload.csv",
        shop=shop,
        mapping=mapping,
        dry_run=dry_run,
        background=background,
        settings=settings,
    )
    # 202 and the import job to follow (GET /imports/jobs/{id}) when the file is imported in the background.
    response.status_code = 202 if "import_job_id" in result else 200
    return result
