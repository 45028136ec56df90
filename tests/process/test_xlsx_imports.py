"""Excel imports: .xlsx is recognised by content, every row is checked first, errors name sheet, row and column."""

from __future__ import annotations

import io
from datetime import datetime, timedelta

from openpyxl import Workbook
from sqlalchemy import func, select

from core.clock import get_clock
from core.db import session_scope
from core.tables import SalesDaily, Shop


def _xlsx(rows: list[list[object]], sheet: str = "销售数据") -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = sheet
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _shop(url: str) -> tuple[int, str]:
    with session_scope(url, write=False) as s:
        shop = s.execute(select(Shop).order_by(Shop.id)).scalars().first()
        assert shop is not None
        return shop.id, shop.code


def _count(url: str, shop_id: int) -> int:
    with session_scope(url, write=False) as s:
        return int(s.execute(select(func.count()).where(SalesDaily.shop_id == shop_id)).scalar_one())


def _upload(client, headers, content: bytes, name: str = "sales.xlsx"):
    return client.post(
        "/api/v1/imports/sales", headers=headers, files={"file": (name, content, "application/octet-stream")}
    )


def test_sales_from_excel_with_real_date_cells(client, tokens, demo_url) -> None:
    sid, code = _shop(demo_url)
    day = get_clock().yesterday() - timedelta(days=400)
    rows: list[list[object]] = [["shop_code", "ds", "sales", "orders", "visitors"]]
    rows += [
        [code, datetime.combine(day + timedelta(days=i), datetime.min.time()), 1000.5 + i, 10, 300] for i in range(3)
    ]
    # Named .csv on purpose: the content decides.
    r = _upload(client, tokens["hr"], _xlsx(rows), name="export-from-erp.csv")
    assert r.status_code == 200, r.text
    assert r.json()["imported"] == 3
    with session_scope(demo_url, write=False) as s:
        got = s.execute(select(SalesDaily).where(SalesDaily.shop_id == sid, SalesDaily.ds == day)).scalar_one()
        assert got.sales == 1000.5 and got.orders == 10 and got.visitors == 300


def test_every_bad_excel_row_is_named_and_nothing_is_imported(client, tokens, demo_url) -> None:
    sid, code = _shop(demo_url)
    day = get_clock().yesterday()
    rows: list[list[object]] = [
        ["shop_code", "ds", "sales"],
        [code, day.isoformat(), 100],
        [code, day.isoformat(), "1,5"],  # row 3: a decimal comma
        [None, None, None],  # a blank row is skipped
        ["NO-SUCH-SHOP", day.isoformat(), 5],  # row 5
        [code, "18/11/2026", 5],  # row 6
    ]
    before = _count(demo_url, sid)
    r = _upload(client, tokens["hr"], _xlsx(rows))
    assert r.status_code == 422, r.text
    errors = r.json()["errors"]
    where = [(e["sheet"], e["row"], e["column"], e["cell"]) for e in errors]
    assert where == [
        ("销售数据", 3, "sales", "C3"),
        ("销售数据", 5, "shop_code", "A5"),
        ("销售数据", 6, "ds", "B6"),
    ]
    assert "sheet '销售数据', row 3, column C3 (sales)" in r.json()["detail_en"]
    assert _count(demo_url, sid) == before


def test_broken_or_headerless_workbooks_are_refused_clearly(client, tokens) -> None:
    r = _upload(client, tokens["hr"], b"PK\x03\x04 not really a zip")
    assert r.status_code == 422 and "Excel" in r.json()["detail_en"]
    r = _upload(client, tokens["hr"], _xlsx([["shop", "day", "amount"], ["x", "y", 1]]))
    assert r.status_code == 422 and "missing column(s)" in r.json()["detail_en"]
    assert r.json()["errors"][0]["row"] == 1
    # A manager may not import sales, whatever the format.
    assert _upload(client, tokens["manager"], _xlsx([["shop_code", "ds", "sales"]])).status_code == 403


def test_actuals_from_excel(client, tokens, demo_url) -> None:
    r = client.post(
        "/api/v1/imports/actuals",
        headers=tokens["manager"],
        files={
            "file": (
                "a.xlsx",
                _xlsx(
                    [
                        ["employee_code", "period_code", "indicator_code", "as_of", "value"],
                        ["E-NOPE", "2026-11", "sales", datetime(2026, 11, 10), 5],
                    ]
                ),
                "x",
            )
        },
    )
    assert r.status_code == 422
    e = r.json()["errors"][0]
    assert (e["row"], e["column"], e["cell"]) == (2, "employee_code", "A2") and "unknown employee_code" in e["msg"]
