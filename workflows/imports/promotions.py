"""The company's campaign plan from a sheet (活动名称, 活动类型, 店铺, 开始日期, 结束日期, 预计折扣 or 力度):
checked whole, then added all or nothing; a campaign already on the calendar (same name, shop, start) is updated."""

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.errors import InvalidInput, coded
from core.security import Caller
from core.tables import PromoEvent, Shop
from workflows.imports.columns import PROMO_FIELDS, PROMO_KINDS, map_headers
from workflows.imports.parse import ValueProblem, bad_rows_zh, in_column, parse_day, parse_percent, row_error, shown
from workflows.imports.reader import Source, Table, sha256_of
from workflows.shared import audit, common

ALL_SHOPS = {"", "全部", "全店", "所有店铺", "all"}


def _fraction(raw: str, what: str) -> float | None:
    if not raw:
        return None
    value = parse_percent(raw)
    if value > 1:  # "20" written as a percent without its sign
        value /= 100
    if not 0 <= value <= 1:
        raise ValueProblem("import.value.share_range", what=what, **shown(raw, 1000))
    return value


def _event(row: dict[str, str], col: dict[str, str], shops: dict[str, int]) -> dict[str, Any]:
    def get(f: str) -> str:
        return row.get(col[f], "").strip() if f in col else ""

    shop = get("shop")
    if shop.lower() not in ALL_SHOPS and shop not in shops:
        raise ValueProblem("import.value.unknown_promo_shop", col.get("shop"), **shown(shop))
    kind = PROMO_KINDS.get(get("kind").lower() or "店庆")
    if kind is None:
        raise ValueProblem("import.value.unknown_promo_kind", col.get("kind"), **shown(get("kind"), 1000))
    start = in_column(col.get("start_date", ""), parse_day, get("start_date"))
    end = in_column(col.get("end_date", ""), parse_day, get("end_date"))
    if end < start:
        raise ValueProblem("import.value.end_before_start", col.get("end_date"))
    if not get("name"):
        raise ValueProblem("import.value.no_promo_name", col.get("name"))
    return {
        "name": get("name")[:200],
        "kind": kind,
        "shop_id": shops.get(shop),
        "start_date": start,
        "end_date": end,
        "discount": in_column(col.get("discount", ""), lambda r: _fraction(r, "预计折扣"), get("discount")),
        "intensity": in_column(col.get("intensity", ""), lambda r: _fraction(r, "力度"), get("intensity")),
    }


@common.use_case
def import_promotions(
    session: Session, caller: Caller, *, source: Source, filename: str, dry_run: bool
) -> dict[str, Any]:
    """Add or update the sheet's campaigns (audited each); a dry run lists them and writes nothing."""
    shops: dict[str, int] = {}
    for s in session.execute(select(Shop)).scalars():
        shops.update({s.name_en: s.id, s.name_zh: s.id, s.code: s.id})
    common.release_connection(session)
    table = Table(source, filename)
    col, _ = map_headers(table.header, PROMO_FIELDS)
    if not all(f in col for f in ("name", "start_date", "end_date")):
        raise coded(
            InvalidInput(f"{filename}: the header needs 活动名称, 开始日期, 结束日期."),
            "import.promotion_columns",
            f"{filename}：表头需要 活动名称、开始日期、结束日期。",
        )
    events, errors = [], []
    for where, row in table.rows():
        try:
            events.append(_event(row, col, shops))
        except ValueProblem as exc:
            errors.append(row_error(where, exc))
    report = {"file": filename, "dry_run": dry_run, "events": len(events), "errors": errors, "imported": 0}
    if errors and not dry_run:
        raise coded(
            InvalidInput(f"{filename}: {len(errors)} bad row(s); nothing was imported.", errors),
            "import.promotion_rows",
            bad_rows_zh(filename, errors),
        )
    if dry_run:
        return report
    existing = {(e.name, e.shop_id, e.start_date): e for e in session.execute(select(PromoEvent)).scalars()}
    for ev in events:
        found = existing.get((ev["name"], ev["shop_id"], ev["start_date"]))
        if found is None:
            common.create(session, PromoEvent(**ev), caller=caller, entity="promo_event")
        else:
            before = common.snapshot(found)
            for k, v in ev.items():
                setattr(found, k, v)
            found.version += 1
            session.flush()
            audit.record(
                session,
                actor=caller,
                action="update",
                entity="promo_event",
                entity_id=found.id,
                before=before,
                after=common.snapshot(found),
            )
    audit.record(
        session,
        actor=caller,
        action="import",
        entity="promo_event",
        entity_id=filename[:60],
        after={"events": len(events), "sha256": sha256_of(source)},
    )
    report["imported"] = len(events)
    return report
