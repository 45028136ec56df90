"""CSV imports of KPI actuals and sales history: all rows are checked first; one bad row imports nothing."""

import csv
import hashlib
import io
import math
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.errors import InvalidInput
from core.security import Caller
from core.tables import Employee, Indicator, KpiActual, KpiAssignment, Period, SalesDaily, Shop
from workflows.shared import audit
from workflows.shared.access import can_see_employee

ACTUAL_COLUMNS = ("employee_code", "period_code", "indicator_code", "as_of", "value")
SALES_COLUMNS = ("shop_code", "ds", "sales")
MAX_ERRORS = 50


def _rows(content: bytes, required: tuple[str, ...], filename: str) -> Iterator[tuple[int, dict[str, str]]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"{filename} is not UTF-8 text; save it as UTF-8 CSV and retry.") from exc
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [c for c in required if c not in header]
    if missing:
        raise InvalidInput(
            f"{filename}: missing column(s) {', '.join(missing)}; the header must have {', '.join(required)}.",
            [{"line": 1, "msg": f"missing {missing}"}],
        )
    reader.fieldnames = header
    for row in reader:
        yield reader.line_num, {k: (v or "").strip() for k, v in row.items() if k is not None}


def _number(raw: str, column: str) -> float:
    value = float(raw.replace(",", ""))
    if not math.isfinite(value):
        raise ValueError(f"{column} must be a finite number")
    return value


def _collect(
    content: bytes,
    required: tuple[str, ...],
    filename: str,
    parse: Callable[[dict[str, str]], Any],
) -> list[Any]:
    parsed, errors = [], []
    for line, row in _rows(content, required, filename):
        try:
            parsed.append(parse(row))
        except (ValueError, KeyError) as exc:
            errors.append({"line": line, "msg": str(exc)})
            if len(errors) >= MAX_ERRORS:
                break
    if errors:
        raise InvalidInput(f"{filename}: {len(errors)} bad row(s); nothing was imported. Fix them and retry.", errors)
    if not parsed:
        raise InvalidInput(f"{filename} has a header but no rows.")
    return parsed


def import_actuals(session: Session, caller: Caller, *, content: bytes, filename: str) -> int:
    """Upsert KPI actuals (employee_code, period_code, indicator_code, as_of, value); commits once."""
    employees = dict(session.execute(select(Employee.code, Employee.id)).all())
    periods = dict(session.execute(select(Period.code, Period.id)).all())
    indicators = dict(session.execute(select(Indicator.code, Indicator.id)).all())
    assignments = {
        (a.employee_id, a.period_id, a.indicator_id): a.id
        for a in session.execute(select(KpiAssignment).where(KpiAssignment.employee_id.is_not(None))).scalars()
    }

    def parse(row: dict[str, str]) -> tuple[int, date, float]:
        emp = employees.get(row["employee_code"])
        if emp is None or not can_see_employee(session, caller, emp):
            raise ValueError(f"unknown employee_code {row['employee_code']!r}")
        key = (emp, periods.get(row["period_code"]), indicators.get(row["indicator_code"]))
        if key not in assignments:
            raise ValueError(
                f"{row['employee_code']} has no KPI {row['indicator_code']!r} in period "
                f"{row['period_code']!r}; create the assignment first"
            )
        return assignments[key], date.fromisoformat(row["as_of"]), _number(row["value"], "value")

    rows = _collect(content, ACTUAL_COLUMNS, filename, parse)
    existing = {
        (x.assignment_id, x.as_of): x
        for x in session.execute(select(KpiActual).where(KpiActual.assignment_id.in_({r[0] for r in rows}))).scalars()
    }
    for assignment_id, as_of, value in rows:
        found = existing.get((assignment_id, as_of))
        if found is not None:
            found.value, found.source = value, "import"
        else:
            existing[(assignment_id, as_of)] = KpiActual(
                assignment_id=assignment_id, as_of=as_of, value=value, source="import"
            )
            session.add(existing[(assignment_id, as_of)])
    _audit_import(session, caller, "kpi_actual", filename, content, len(rows))
    session.commit()
    return len(rows)


def _flag(raw: str, default: bool) -> bool:
    if raw == "":
        return default
    if raw.lower() in {"1", "true", "yes", "y"}:
        return True
    if raw.lower() in {"0", "false", "no", "n"}:
        return False
    raise ValueError(f"{raw!r} is not a yes/no value (use 1/0)")


def import_sales(session: Session, caller: Caller, *, content: bytes, filename: str) -> int:
    """Upsert daily sales (shop_code, ds, sales[, orders, visitors, is_open, promo]); commits once."""
    shops = dict(session.execute(select(Shop.code, Shop.id)).all())

    def parse(row: dict[str, str]) -> dict[str, Any]:
        if row["shop_code"] not in shops:
            raise ValueError(f"unknown shop_code {row['shop_code']!r}")
        sales = _number(row["sales"], "sales")
        if sales < 0:
            raise ValueError("sales must not be negative (record refunds separately)")
        return {
            "shop_id": shops[row["shop_code"]],
            "ds": date.fromisoformat(row["ds"]),
            "sales": sales,
            "orders": int(row["orders"]) if row.get("orders") else None,
            "visitors": int(row["visitors"]) if row.get("visitors") else None,
            "is_open": _flag(row.get("is_open", ""), True),
            "promo": _flag(row.get("promo", ""), False),
        }

    rows = _collect(content, SALES_COLUMNS, filename, parse)
    keys = {(r["shop_id"], r["ds"]) for r in rows}
    if len(keys) != len(rows):
        raise InvalidInput(f"{filename} lists the same shop and day twice; keep one row per shop and day.")
    existing = {
        (s.shop_id, s.ds): s
        for s in session.execute(select(SalesDaily).where(SalesDaily.shop_id.in_({k[0] for k in keys}))).scalars()
    }
    for r in rows:
        found = existing.get((r["shop_id"], r["ds"]))
        if found is None:
            session.add(SalesDaily(**r))
        else:
            for k, v in r.items():
                setattr(found, k, v)
    _audit_import(session, caller, "sales_daily", filename, content, len(rows))
    session.commit()
    return len(rows)


def _audit_import(session: Session, caller: Caller, entity: str, filename: str, content: bytes, n: int) -> None:
    digest = hashlib.sha256(content).hexdigest()
    audit.record(
        session,
        actor=caller,
        action="import",
        entity=entity,
        entity_id=filename[:60],
        after={"rows": n, "sha256": digest},
    )
