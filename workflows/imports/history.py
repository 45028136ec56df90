"""Past periods' results from Excel: personal scorecards (工号, 期间, 指标, 权重, 目标, 实际) and department
outcomes (部门, 期间, 结果), so scores, trends, weight proposals and anomaly checks work from day one.
Checked whole first (unknown people, indicators and departments listed), then written all or nothing."""

from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from core.clock import clock_of
from core.errors import InvalidInput, coded
from core.security import Caller
from core.tables import Department, DepartmentOutcome, Employee, Indicator, KpiActual, KpiAssignment, Period
from kpi.periods import PeriodSpec
from workflows.imports.columns import HISTORY_FIELDS, map_headers
from workflows.imports.org import department_paths
from workflows.imports.parse import ValueProblem, bad_rows_zh, in_column, parse_amount, row_error, shown
from workflows.imports.periods import period_spec
from workflows.imports.reader import Source, Table, sha256_of
from workflows.shared import audit, common

MAX_ERRORS = 50


def _lookups(session: Session) -> dict[str, dict[str, int]]:
    indicators: dict[str, int] = {}
    for i in session.execute(select(Indicator)).scalars():
        indicators.update({i.name_en: i.id, i.name_zh: i.id, i.code: i.id})
    depts = {"/".join(p): i for p, i in department_paths(session).items()}
    depts.update(dict(session.execute(select(Department.code, Department.id)).all()))
    return {
        "employee": dict(session.execute(select(Employee.code, Employee.id)).all()),
        "indicator": indicators,
        "department": depts,
    }


def _weight(raw: str) -> float:
    value = parse_amount(raw.rstrip("%"))
    if not 0 <= value <= 100:
        raise ValueProblem("import.value.weight_range", **shown(raw, 1000))
    return value


def _row(row: dict[str, str], col: dict[str, str], look: dict[str, dict[str, int]], caller: Caller) -> dict[str, Any]:
    def get(f: str) -> str:
        return row.get(col[f], "").strip() if f in col else ""

    out: dict[str, Any] = {"period": in_column(col.get("period", ""), period_spec, get("period"))}
    if "employee" in col:
        emp = look["employee"].get(get("employee"))
        if emp is None:
            raise ValueProblem("import.value.unknown_employee", col.get("employee"), **shown(get("employee")))
        if emp == caller.employee_id:
            raise ValueProblem("import.value.own_row", col.get("employee"))
        ind = look["indicator"].get(get("indicator"))
        if ind is None:
            raise ValueProblem("import.value.unknown_indicator", col.get("indicator"), **shown(get("indicator"), 60))
        target = get("target")
        return {
            **out,
            "employee_id": emp,
            "indicator_id": ind,
            "weight": in_column(col.get("weight", ""), _weight, get("weight") or "0"),
            "target": in_column(col.get("target", ""), parse_amount, target) if target else None,
            "actual": in_column(col.get("actual", ""), parse_amount, get("actual")),
        }
    dept = look["department"].get(get("department"))
    if dept is None:
        raise ValueProblem("import.value.unknown_department", col.get("department"), **shown(get("department"), 60))
    return {**out, "department_id": dept, "outcome": in_column(col.get("outcome", ""), parse_amount, get("outcome"))}


@common.use_case
def import_history(session: Session, caller: Caller, *, source: Source, filename: str, dry_run: bool) -> dict[str, Any]:
    """Scorecards or department outcomes of past periods; a dry run lists what would be written."""
    look, today = _lookups(session), clock_of(session).today()
    common.release_connection(session)
    table = Table(source, filename)
    col, ignored = map_headers(table.header, HISTORY_FIELDS)
    scorecards = all(f in col for f in ("employee", "period", "indicator", "actual"))
    if not scorecards and not all(f in col for f in ("department", "period", "outcome")):
        raise coded(
            InvalidInput(f"{filename}: the header needs 工号, 期间, 指标, 权重, 目标, 实际 or 部门, 期间, 结果."),
            "import.history_columns",
            f"{filename}：表头需要 工号、期间、指标、权重、目标、实际，或 部门、期间、结果。",
        )
    rows, errors = [], []
    for where, row in table.rows():
        try:
            parsed = _row(row, col, look, caller)
            if parsed["period"].end_date >= today:
                raise ValueProblem("import.value.period_not_ended", col.get("period"), period=parsed["period"].code)
            rows.append(parsed)
        except ValueProblem as exc:
            errors.append(row_error(where, exc))
            if len(errors) >= MAX_ERRORS:
                break
    report = {
        "file": filename,
        "dry_run": dry_run,
        "kind": "scorecards" if scorecards else "outcomes",
        "rows": len(rows),
        "periods": sorted({r["period"].code for r in rows}),
        "errors": errors,
        "notes": [f"ignored column(s): {', '.join(ignored)}"] if ignored else [],
        "imported": 0,
    }
    if errors and not dry_run:
        raise coded(
            InvalidInput(f"{filename}: {len(errors)} bad row(s); nothing was imported.", errors),
            "import.history_rows",
            bad_rows_zh(filename, errors),
        )
    if not dry_run:
        periods = _periods(session, {r["period"] for r in rows})
        (_scorecards if scorecards else _outcomes)(session, rows, periods)
        audit.record(
            session,
            actor=caller,
            action="import",
            entity="kpi_history",
            entity_id=filename[:60],
            after={"rows": len(rows), "kind": report["kind"], "sha256": sha256_of(source)},
        )
        report["imported"] = len(rows)
    return report


def _periods(session: Session, specs: set[PeriodSpec]) -> dict[str, int]:
    have = dict(session.execute(select(Period.code, Period.id)).all())
    for spec in sorted(specs, key=lambda s: s.start_date):
        if spec.code not in have:
            have[spec.code] = common.create(session, Period(**spec.row()), caller=None, entity="period").id
    return have


def _scorecards(session: Session, rows: list[dict[str, Any]], periods: dict[str, int]) -> None:
    """Upsert assignments (closed) and replace each one's result on its period's last day, in bulk."""
    existing = {
        (a.employee_id, a.period_id, a.indicator_id): a for a in session.execute(select(KpiAssignment)).scalars()
    }
    for r in rows:
        key = (r["employee_id"], periods[r["period"].code], r["indicator_id"])
        a = existing.get(key)
        if a is None:
            existing[key] = KpiAssignment(period_id=key[1], indicator_id=key[2], employee_id=key[0], weight=r["weight"],
                                          target=r["target"], status="closed")  # fmt: skip
            session.add(existing[key])
        else:
            a.weight, a.target = r["weight"], r["target"]
    session.flush()  # one batch of inserts; every assignment has its id now
    actuals = {
        (existing[(r["employee_id"], periods[r["period"].code], r["indicator_id"])].id, r["period"].end_date): r[
            "actual"
        ]
        for r in rows
    }
    ids = sorted({k[0] for k in actuals})
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        ends = {d for a, d in actuals if a in set(chunk)}
        session.execute(delete(KpiActual).where(KpiActual.assignment_id.in_(chunk), KpiActual.as_of.in_(ends)))
    rows_out = [{"assignment_id": a, "as_of": d, "value": v, "source": "import"} for (a, d), v in actuals.items()]
    session.execute(insert(KpiActual), rows_out)


def _outcomes(session: Session, rows: list[dict[str, Any]], periods: dict[str, int]) -> None:
    for r in rows:
        pid = periods[r["period"].code]
        session.execute(
            delete(DepartmentOutcome).where(
                DepartmentOutcome.department_id == r["department_id"], DepartmentOutcome.period_id == pid
            )
        )
        session.add(
            DepartmentOutcome(department_id=r["department_id"], period_id=pid, value=r["outcome"], source="import")
        )
