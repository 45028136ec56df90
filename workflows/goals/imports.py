"""CSV and Excel (.xlsx) imports of KPI actuals and sales history: all rows are checked first; one bad row imports
nothing. Every error says where: the CSV line, or the Excel sheet, row and column (cell)."""

import math
import re
from collections.abc import Callable, Iterator
from datetime import date
from typing import IO, Any, cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.clock import clock_of
from core.errors import InvalidInput, coded
from core.security import MANAGER, Caller
from core.settings import Settings
from core.tables import Employee, Indicator, KpiActual, KpiAssignment, Period, SalesDaily, Shop
from workflows.goals import sales_actuals
from workflows.imports.background import queue_import, wants_background
from workflows.imports.parse import ValueProblem, row_error, shown, where_text
from workflows.imports.reader import Limits, Source, Table, sha256_of
from workflows.shared import audit, common
from workflows.shared.access import visible_employee_ids
from workflows.shared.period_lock import reopened_ids

ACTUAL_COLUMNS = ("employee_code", "period_code", "indicator_code", "as_of", "value")
SALES_COLUMNS = ("shop_code", "ds", "sales")
MAX_ERRORS = 50
MAX_ABS = 1e15  # the same bound as the API's numbers
NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", re.ASCII)
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
SALES_YEARS_BACK = 20  # sales history older than this is not plausible for the shops kpilot serves


Where = dict[str, Any]  # {"line": 3} for CSV; {"sheet": "Sheet1", "row": 3} for Excel
Letters = dict[str, str]  # column name -> Excel column letter (empty for CSV)


class RowError(ValueProblem):
    """A bad value in one row: a catalogue code, the column at fault when one is, and the code's parameters."""


def _rows(
    content: Source, required: tuple[str, ...], filename: str, limits: Limits | None = None
) -> Iterator[tuple[Where, dict[str, str], Letters]]:
    """Rows of a CSV or .xlsx upload through the one safe reader (bounded rows, cells and sizes)."""
    table = Table(content, filename, limits)
    missing = [c for c in required if c not in table.header]
    if missing:
        where: Where = {"line": 1} if table.kind == "csv" else {"sheet": "Sheet1", "row": 1}
        raise coded(
            InvalidInput(
                f"{filename}: missing column(s) {', '.join(missing)}; the header must have {', '.join(required)}.",
                [
                    row_error(
                        where,
                        ValueProblem("import.value.missing_columns", None, missing_en=str(missing), missing_zh=missing),
                    )
                ],
            ),
            "import.missing_columns",
            filename=filename,
            columns=list(missing),
        )
    for where, row in table.rows():
        yield where, row, table.letters


def _number(raw: str, column: str) -> float:
    """A plain decimal number: a dot for decimals, no thousands separators (so "1,5" is never read as 15)."""
    if not NUMBER.fullmatch(raw):
        raise RowError("import.value.not_a_plain_number", column, column_en=column, **shown(raw))
    value = float(raw)
    if not math.isfinite(value) or abs(value) > MAX_ABS:
        raise RowError("import.value.not_finite", column, column_en=column, limit=f"{MAX_ABS:g}")
    return value


def _count(raw: str, column: str) -> int | None:
    """An optional whole number that cannot be negative (orders, visitors)."""
    if raw == "":
        return None
    if not raw.isascii() or not raw.isdigit():
        raise RowError("import.value.not_a_whole_count", column, column_en=column, **shown(raw))
    value = int(raw)
    if value > MAX_ABS:
        raise RowError("import.value.count_too_large", column, column_en=column, limit=f"{MAX_ABS:g}")
    return value


def _day(raw: str, column: str, earliest: date, latest: date) -> date:
    """An ISO date (YYYY-MM-DD) between `earliest` and `latest`."""
    if not ISO_DATE.fullmatch(raw):
        raise RowError("import.value.not_an_iso_date", column, column_en=column, **shown(raw))
    try:
        day = date.fromisoformat(raw)
    except ValueError as exc:
        raise RowError("import.value.not_a_calendar_date", column, column_en=column, **shown(raw, 1000)) from exc
    if not earliest <= day <= latest:
        raise RowError(
            "import.value.day_outside",
            column,
            column_en=column,
            day=str(day),
            earliest=str(earliest),
            latest=str(latest),
        )
    return day


def _collect(
    content: Source,
    required: tuple[str, ...],
    filename: str,
    parse: Callable[[dict[str, str]], Any],
) -> list[Any]:
    parsed: list[Any] = []
    errors: list[dict[str, object]] = []
    for where, row, letters in _rows(content, required, filename):
        try:
            parsed.append(parse(row))
        except (ValueError, KeyError) as exc:
            errors.append(_error(where, letters, exc))
            if len(errors) >= MAX_ERRORS:
                break
    if errors:
        first = errors[0]
        at = f"line {first['line']}" if "line" in first else f"sheet {first['sheet']!r}, row {first['row']}"
        if "cell" in first:
            at += f", column {first['cell']} ({first['column']})"
        first_at: dict[str, Any] = {k: first[k] for k in ("line", "sheet", "row") if k in first}
        first_zh = where_text(first_at, cast(str | None, first.get("column")), "zh")
        raise coded(
            InvalidInput(
                f"{filename}: {len(errors)} bad row(s), the first at {at}; nothing was imported. Fix them and retry.",
                errors,
            ),
            "import.bad_rows",
            filename=filename,
            count=len(errors),
            first_en=at,
            first_zh=first_zh,
        )
    if not parsed:
        raise coded(InvalidInput(f"{filename} has a header but no rows."), "import.no_rows", filename=filename)
    return parsed


def _error(where: Where, letters: Letters, exc: Exception) -> dict[str, object]:
    problem = exc if isinstance(exc, ValueProblem) else ValueProblem("import.value.unreadable", detail_en=str(exc))
    out: dict[str, object] = row_error(where, problem)
    column = problem.column
    if column is not None and column in letters and "row" in where:
        out["cell"] = f"{letters[column]}{where['row']}"
    return out


@common.use_case
def import_actuals(session: Session, caller: Caller, *, content: Source, filename: str) -> int:
    """Upsert KPI actuals (employee_code, period_code, indicator_code, as_of, value); commits once."""
    employees = dict(session.execute(select(Employee.code, Employee.id)).all())
    periods = {p.code: p for p in session.execute(select(Period)).scalars()}
    indicators = dict(session.execute(select(Indicator.code, Indicator.id)).all())
    assignments = {
        (a.employee_id, a.period_id, a.indicator_id): a.id
        for a in session.execute(select(KpiAssignment).where(KpiAssignment.employee_id.is_not(None))).scalars()
    }
    measured = sales_actuals.measured_ids(session)

    # Whom the caller may record actuals for (ensure_may_plan's rule, read once): everyone (HR/admin), a manager's
    # reporting line, nobody else. Read before parsing, so no row needs the database.
    plannable = (
        None if caller.sees_everything else (visible_employee_ids(session, caller) if caller.role == MANAGER else set())
    )
    common.release_connection(session)  # parse without holding the database's write turn

    def parse(row: dict[str, str]) -> tuple[int, date, float]:
        # The same rights as POST /kpi-assignments/{id}/actuals, row by row: never one's own, only one's scope.
        emp = employees.get(row["employee_code"])
        if emp is None:
            raise RowError("import.value.unknown_employee_code", "employee_code", **shown(row["employee_code"], 1000))
        if emp == caller.employee_id:
            raise RowError("import.value.own_actuals", "employee_code", code=row["employee_code"])
        if plannable is not None and emp not in plannable:  # "not yours" reads exactly like "does not exist"
            raise RowError("import.value.unknown_employee_code", "employee_code", **shown(row["employee_code"], 1000))
        period = periods.get(row["period_code"])
        key = (emp, period.id if period else None, indicators.get(row["indicator_code"]))
        if period is None or key not in assignments:
            raise RowError(
                "import.value.no_assignment",
                "indicator_code" if period is not None else "period_code",
                code=row["employee_code"],
                indicator_en=repr(row["indicator_code"]),
                indicator_zh=row["indicator_code"],
                period_en=repr(row["period_code"]),
                period_zh=row["period_code"],
            )
        if assignments[key] in measured:
            raise RowError(
                "import.value.measured_from_sales",
                "indicator_code",
                indicator=row["indicator_code"],
                code=row["employee_code"],
                route="POST /api/v1/kpi-assignments/{id}/overrides",
            )
        as_of = _day(row["as_of"], "as_of", period.start_date, period.end_date)
        if period.locked_at is not None and emp not in reopened_ids(session, period.id):
            raise RowError("import.value.period_locked", "period_code", period=period.code)
        return assignments[key], as_of, _number(row["value"], "value")

    digest = sha256_of(content)
    rows = _collect(content, ACTUAL_COLUMNS, filename, parse)
    if len({(r[0], r[1]) for r in rows}) != len(rows):
        raise coded(
            InvalidInput(f"{filename} lists the same KPI and day twice; keep one row per KPI and day."),
            "import.duplicate_kpi_day",
            filename=filename,
        )
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
    _audit_import(session, caller, "kpi_actual", filename, digest, len(rows))
    return len(rows)


def _flag(raw: str, default: bool, column: str) -> bool:
    if raw == "":
        return default
    if raw.lower() in {"1", "true", "yes", "y"}:
        return True
    if raw.lower() in {"0", "false", "no", "n"}:
        return False
    raise RowError("import.value.not_a_flag", column, column_en=column, **shown(raw, 1000))


@common.use_case
def import_sales(session: Session, caller: Caller, *, content: Source, filename: str) -> int:
    """Upsert daily sales (shop_code, ds, sales[, orders, visitors, is_open, promo]); commits once."""
    shops = dict(session.execute(select(Shop.code, Shop.id)).all())
    # Sales are history: a day after today (or decades ago) is a typo that would break every forecast.
    today = clock_of(session).today()
    earliest = today.replace(year=today.year - SALES_YEARS_BACK, day=1)

    def parse(row: dict[str, str]) -> dict[str, Any]:
        if row["shop_code"] not in shops:
            raise RowError("import.value.unknown_shop_code", "shop_code", **shown(row["shop_code"], 1000))
        sales = _number(row["sales"], "sales")
        if sales < 0:
            raise RowError("import.value.negative_sales", "sales")
        return {
            "shop_id": shops[row["shop_code"]],
            "ds": _day(row["ds"], "ds", earliest, today),
            "sales": sales,
            "orders": _count(row.get("orders", ""), "orders"),
            "visitors": _count(row.get("visitors", ""), "visitors"),
            "is_open": _flag(row.get("is_open", ""), True, "is_open"),
            "promo": _flag(row.get("promo", ""), False, "promo"),
        }

    digest = sha256_of(content)
    rows = _collect(content, SALES_COLUMNS, filename, parse)
    keys = {(r["shop_id"], r["ds"]) for r in rows}
    if len(keys) != len(rows):
        raise coded(
            InvalidInput(f"{filename} lists the same shop and day twice; keep one row per shop and day."),
            "import.duplicate_shop_day",
            filename=filename,
        )
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
    _audit_import(session, caller, "sales_daily", filename, digest, len(rows))
    session.flush()
    sales_actuals.after_import(session, {k[0] for k in keys}, caller)  # the KPIs measured on these shops
    return len(rows)


def _audit_import(session: Session, caller: Caller, entity: str, filename: str, digest: str, n: int) -> None:
    audit.record(
        session,
        actor=caller,
        action="import",
        entity=entity,
        entity_id=filename[:60],
        after={"rows": n, "sha256": digest},
    )


def import_actuals_or_queue(
    session: Session,
    caller: Caller,
    *,
    content: Source,
    filename: str,
    background: bool | None = None,
    settings: Settings | None = None,
) -> dict[str, Any]:
    """Upsert KPI actuals from a CSV or Excel file, all or nothing (`import_actuals`); a large file (or one with
    `background`) is queued as an import job with progress instead (`import_job_id` in the answer)."""
    if settings is not None and wants_background(content, settings, background):
        stream = cast(IO[bytes], content)
        return queue_import(
            session, caller, "actuals", source=stream, filename=filename, options={}, folder=settings.import_dir
        )
    return {"imported": import_actuals(session, caller, content=content, filename=filename), "file": filename}
