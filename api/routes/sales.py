"""Sales history routes: shops, daily sales and the CSV import."""

from typing import Annotated, Any

from fastapi import APIRouter, File, Query, UploadFile
from sqlalchemy import select

from api.deps import CanReadSales, CanWriteSales, SessionDep
from api.errors import PROBLEM_RESPONSES
from api.routes._util import Id, Paging, page
from api.routes.kpis import read_upload
from core.errors import NotFound
from core.tables import SalesDaily, Shop
from workflows.goals import imports
from workflows.goals.schemas import ImportReport, SalesDayPublic, ShopPublic
from workflows.shared import common
from workflows.shared.schemas import Day, Page

router = APIRouter(prefix="/api/v1", tags=["sales"], responses=PROBLEM_RESPONSES)


@router.get("/shops", response_model=Page[ShopPublic], summary="Shops and channels")
def list_shops(session: SessionDep, _caller: CanReadSales, p: Paging) -> dict[str, Any]:
    return page(ShopPublic, common.paginate(session, select(Shop).order_by(Shop.id), limit=p.limit, offset=p.offset))


@router.get("/shops/{shop_id}/sales", response_model=Page[SalesDayPublic], summary="Daily sales of a shop")
def shop_sales(
    shop_id: Id,
    session: SessionDep,
    _caller: CanReadSales,
    p: Paging,
    start: Annotated[Day | None, Query(alias="from")] = None,
    end: Annotated[Day | None, Query(alias="to")] = None,
) -> dict[str, Any]:
    if session.get(Shop, shop_id) is None:
        raise NotFound(f"Shop {shop_id} not found.")
    stmt = select(SalesDaily).where(SalesDaily.shop_id == shop_id).order_by(SalesDaily.ds)
    if start is not None:
        stmt = stmt.where(SalesDaily.ds >= start)
    if end is not None:
        stmt = stmt.where(SalesDaily.ds <= end)
    return page(SalesDayPublic, common.paginate(session, stmt, limit=p.limit, offset=p.offset))


@router.post(
    "/imports/sales",
    response_model=ImportReport,
    summary="Import daily sales from CSV or Excel .xlsx (shop_code, ds, sales[, orders, visitors, is_open, promo])",
    description="Every row is checked first; one bad row imports nothing, and each error names the CSV line or "
    "the Excel sheet, row and column (`cell`). Excel files are recognised by content, whatever their name.",
)
def import_sales(
    session: SessionDep,
    caller: CanWriteSales,
    file: Annotated[UploadFile, File()],
) -> ImportReport:
    # A plain `def`: FastAPI runs it in the threadpool, so a large import never blocks the event loop.
    content = read_upload(file)
    name = file.filename or "upload.csv"
    n = imports.import_sales(session, caller, content=content, filename=name)
    return ImportReport(imported=n, file=name)
