"""The sales import of shop back-end exports: daily summaries or order lines, mapped, previewed (dry run),
then written all or nothing. The file is parsed without holding the database's write turn."""

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.clock import clock_of, zone
from core.errors import InvalidInput, coded
from core.security import Caller
from core.tables import SalesDaily, Shop
from workflows.goals import sales_actuals
from workflows.imports.columns import ORDER_RULE
from workflows.imports.mapping import Mapping, choose
from workflows.imports.orders import DailyTotals, DayTotal, OrderTotals
from workflows.imports.parse import ValueProblem, bad_rows_zh, row_error, shown
from workflows.imports.reader import Limits, Source, Table, sha256_of
from workflows.onboarding.company import get_company
from workflows.shared import audit, common

MAX_ERRORS = 50
YEARS_BACK = 20


def _shop_lookup(shops: list[Shop]) -> dict[str, str]:
    """Shop code by code, Chinese name or English name (exports name the shop either way)."""
    out: dict[str, str] = {}
    for s in shops:
        out.update({s.name_en: s.code, s.name_zh: s.code})
    out.update({s.code: s.code for s in shops})
    return out


def _unknown_shop(filename: str) -> InvalidInput:
    return coded(
        InvalidInput(f"{filename} has no shop column; name the shop with the form field `shop` (its code)."),
        "import.sales_shop",
        f"{filename} 没有店铺列；请用表单字段 shop 填写店铺编码。",
    )


def _bad_day(code: str, day: date, earliest: date, today: date) -> dict[str, Any]:
    """A shop's day outside the years sales may cover (found after the rows are summed, so at no line)."""
    exc = ValueProblem("import.bad_day", shop=code, day=str(day), earliest=str(earliest), today=str(today))
    return {"code": exc.code, "params": exc.params, "msg": str(exc), "msg_zh": exc.text("zh"), "msg_en": str(exc)}


def _aggregate(
    table: Table, kind: str, mapping: Mapping, fixed_shop: str | None, lookup: dict[str, str], tz: Any
) -> tuple[dict[tuple[str, date], DayTotal], list[dict[str, Any]], dict[str, int]]:
    """Stream the rows into daily totals; row errors (at most MAX_ERRORS) instead of exceptions."""
    col = {f: h for h, f in mapping.items()}
    totals: OrderTotals | DailyTotals = OrderTotals(tz) if kind == "orders" else DailyTotals()
    errors: list[dict[str, Any]] = []
    fields = (
        ("order_id", "paid_at", "amount", "status", "refund")
        if kind == "orders"
        else ("ds", "sales", "orders", "visitors", "refunds")
    )
    headers = [col.get(f, "") for f in fields]  # "" reads as an empty cell
    shop_header = col.get("shop", "")
    for where, row in table.rows():
        try:
            named = row.get(shop_header, "") if shop_header else ""
            shop = lookup.get(named) if named else fixed_shop
            if shop is None:
                raise ValueProblem("import.value.unknown_shop", "shop", **shown(named))
            totals.add(shop, *[row.get(h, "") for h in headers])
        except ValueProblem as exc:
            errors.append(row_error(where, exc, col.get(exc.column or "")))
            if len(errors) >= MAX_ERRORS:
                break
    counts = (
        {"orders_counted": totals.counted, "orders_not_sales": totals.not_sales}
        if isinstance(totals, OrderTotals)
        else {}
    )
    return totals.days, errors, counts


def import_sales_file(
    session: Session,
    caller: Caller,
    *,
    source: Source,
    filename: str,
    shop: str | None,
    mapping: Mapping | None,
    dry_run: bool,
    limits: Limits | None = None,
    progress: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """Preview (dry run) or import a shop export; replaces the stored days it covers, all or nothing."""
    company = get_company(session)
    tz, today = zone(company.timezone), clock_of(session).today()
    shops = list(session.execute(select(Shop)).scalars())
    by_code = {s.code: s for s in shops}
    if shop is not None and shop not in by_code:
        raise coded(
            InvalidInput(f"Unknown shop {shop!r}; add it first (POST /api/v1/shops)."),
            "import.unknown_shop",
            f"店铺 {shop} 不存在；请先添加。",
        )
    common.release_connection(session)  # parse without holding the database's write turn
    table = Table(source, filename, limits)
    table.progress = progress
    at: dict[str, object] = {"line": 1} if table.kind == "csv" else {"sheet": "Sheet1", "row": 1}
    kind, used, how = choose(table.header, mapping, by_code.get(shop) if shop else None, at)
    if "shop" not in used.values() and shop is None:
        raise _unknown_shop(filename)
    days, errors, counts = _aggregate(table, kind, used, shop, _shop_lookup(shops), tz)
    earliest = today.replace(year=today.year - YEARS_BACK, day=1)
    errors += [_bad_day(code, day, earliest, today) for code, day in sorted(days) if not earliest <= day <= today][
        :MAX_ERRORS
    ]
    report = {"columns": table.header, **_report(filename, kind, used, how, days, errors, counts, dry_run)}
    if errors and not dry_run:
        raise coded(
            InvalidInput(f"{filename}: {len(errors)} bad row(s); nothing was imported. Fix them and retry.", errors),
            "import.sales_rows",
            bad_rows_zh(filename, errors),
        )
    if not dry_run:
        _write(session, caller, by_code, days, used, shop, filename, sha256_of(source))
        report["imported"] = len(days)
    return report


def _report(
    filename: str,
    kind: str,
    used: Mapping,
    how: str,
    days: dict[tuple[str, date], DayTotal],
    errors: list[dict[str, Any]],
    counts: dict[str, int],
    dry_run: bool,
) -> dict[str, Any]:
    return {
        "file": filename,
        "dry_run": dry_run,
        "kind": kind,
        "mapping": used,
        "mapping_source": how,
        "rule": ORDER_RULE
        if kind == "orders"
        else {
            "en": "One line per shop and day; net sales = payment amount - refunds (may be negative).",
            "zh": "每个店铺每天一行；净销售额 = 支付金额 - 退款金额（可为负）。",
        },
        "days": len(days),
        "shops": sorted({k[0] for k in days}),
        "first_day": min((k[1] for k in days), default=None),
        "last_day": max((k[1] for k in days), default=None),
        "total_sales": round(sum(t.sales for t in days.values()), 2),
        **counts,
        "errors": errors,
        "imported": 0,
    }


@common.use_case
def _write(
    session: Session,
    caller: Caller,
    shops: dict[str, Shop],
    days: dict[tuple[str, date], DayTotal],
    used: Mapping,
    shop: str | None,
    filename: str,
    digest: str,
) -> None:
    """Replace the covered days, remember the mapping for the shop, audit; one commit."""
    ids = {code: s.id for code, s in shops.items()}
    existing = {
        (r.shop_id, r.ds): r
        for r in session.execute(select(SalesDaily).where(SalesDaily.shop_id.in_({ids[k[0]] for k in days}))).scalars()
    }
    for (code, day), t in days.items():
        row = existing.get((ids[code], day))
        if row is None:
            session.add(
                SalesDaily(
                    shop_id=ids[code], ds=day, sales=t.sales, orders=t.orders, visitors=t.visitors, refunds=t.refunds
                )
            )
        else:
            row.sales, row.orders, row.visitors, row.is_open = t.sales, t.orders, t.visitors, True
            row.refunds = t.refunds
    targets = [shops[shop]] if shop else [shops[c] for c in {k[0] for k in days}]
    for target in targets:
        target.sales_mapping = dict(used)
    audit.record(
        session,
        actor=caller,
        action="import",
        entity="sales_daily",
        entity_id=filename[:60],
        after={"days": len(days), "mapping": used, "sha256": digest},
    )
    session.flush()
    sales_actuals.after_import(session, {ids[k[0]] for k in days}, caller)  # the KPIs measured on these shops
