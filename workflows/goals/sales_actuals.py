"""Actuals from data: a KPI defined on sales (GMV, orders, AOV, conversion, visitors, refund rate) gets its
actual computed from the stored daily sales of the shops the assignment covers, for the period so far.

Coverage: a department's assignment covers the shops of the department and its sub-departments (the root
department: every shop, i.e. the company); a person's assignment covers the company when they sit in the root
department, and their department's shops when they head it (a managing position whose own manager sits in another
department; a team lead under the head does not). Anyone else's KPI is
measured by hand as before. Recomputed in the transaction of every sales import and by housekeeping; the
computed value becomes the KPI's actual (`source: sales`) unless HR accepted a hand-entered one instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.clock import Clock, clock_of
from core.db import session_scope
from core.errors import Conflict, coded
from core.security import Caller
from core.tables import (
    Department,
    Employee,
    Indicator,
    KpiActual,
    KpiAssignment,
    Period,
    Position,
    SalesActual,
    SalesDaily,
    Shop,
)
from kpi.sales_formulas import COLUMNS, INDICATOR_FORMULAS, SalesFormula, formula_for
from workflows.shared import audit

LATE_DATA_DAYS = 7  # a period that ended this recently still takes late sales


@dataclass(frozen=True)
class Measured:
    """A computed actual with its evidence."""

    as_of: date
    value: float
    shop_codes: list[str]
    days: int
    missing_days: int
    sums: dict[str, float]


class Coverage:
    """Which shops an assignment's owner answers for, read once per run."""

    def __init__(self, session: Session) -> None:
        self.shops = list(session.execute(select(Shop)).scalars())
        self.parent = dict(session.execute(select(Department.id, Department.parent_id)).all())
        self.employees = {e.id: e for e in session.execute(select(Employee)).scalars()}
        self.heads = set(session.execute(select(Position.id).where(Position.is_manager.is_(True))).scalars())

    def _subtree(self, root: int) -> set[int]:
        out, changed = {root}, True
        while changed:
            grown = out | {d for d, p in self.parent.items() if p in out}
            changed, out = grown != out, grown
        return out

    def of_department(self, department_id: int) -> list[Shop]:
        """The department's shops (and its sub-departments'); the root department covers the company."""
        if self.parent.get(department_id, 0) is None:
            return list(self.shops)
        tree = self._subtree(department_id)
        return [s for s in self.shops if s.department_id in tree]

    def of(self, a: KpiAssignment) -> list[Shop]:
        """The shops an assignment covers; empty when its KPI is measured by hand."""
        if a.department_id is not None:
            return self.of_department(a.department_id)
        emp = self.employees.get(a.employee_id or 0)
        if emp is None:
            return []
        if self.parent.get(emp.department_id, 0) is None:
            return list(self.shops)
        boss = self.employees.get(emp.manager_id or 0)
        heads_it = emp.position_id in self.heads and (boss is None or boss.department_id != emp.department_id)
        return self.of_department(emp.department_id) if heads_it else []


def measure(session: Session, formula: SalesFormula, shops: list[Shop], start: date, end: date) -> Measured | None:
    """The formula over the shops' stored days from `start` to `end` (the last day with data is the as-of);
    a day counts when it has every column the formula needs, so a ratio's parts always come from the same days."""
    rows = session.execute(
        select(SalesDaily).where(
            SalesDaily.shop_id.in_([s.id for s in shops]), SalesDaily.ds >= start, SalesDaily.ds <= end
        )
    ).scalars()
    sums = dict.fromkeys(COLUMNS, 0.0)
    counted, last = 0, None
    days: set[date] = set()
    for r in rows:
        values = {"sales": r.sales, "orders": r.orders, "visitors": r.visitors, "refunds": r.refunds}
        if any(values[c] is None for c in formula.columns):
            continue
        for c in formula.columns:
            sums[c] += float(values[c] or 0.0)
        counted += 1
        days.add(r.ds)
        last = r.ds if last is None or r.ds > last else last
    if last is None:
        return None
    value = formula.value(sums)
    if value is None:
        return None
    expected = ((last - start).days + 1) * len(shops)
    used = {c: round(sums[c], 2) for c in formula.columns}
    return Measured(last, round(value, 4), sorted(s.code for s in shops), len(days), expected - counted, used)


def _store(session: Session, a: KpiAssignment, formula: SalesFormula, m: Measured) -> bool:
    """Keep the computed actual; write it as the KPI's actual unless HR let a hand-entered one count."""
    row = session.execute(select(SalesActual).where(SalesActual.assignment_id == a.id)).scalar_one_or_none()
    fields = {
        "as_of": m.as_of, "value": m.value, "formula": formula.code, "shop_codes": m.shop_codes,
        "days": m.days, "missing_days": m.missing_days, "sums": m.sums,
    }  # fmt: skip
    if row is None:
        row = SalesActual(assignment_id=a.id, counts="sales", **fields)
        session.add(row)
    elif all(getattr(row, k) == v for k, v in fields.items()):
        return False
    else:
        for k, v in fields.items():
            setattr(row, k, v)
        row.version += 1
    if row.counts == "sales":
        actual = session.execute(
            select(KpiActual).where(KpiActual.assignment_id == a.id, KpiActual.as_of == m.as_of)
        ).scalar_one_or_none()
        if actual is None:
            session.add(KpiActual(assignment_id=a.id, as_of=m.as_of, value=m.value, source="sales"))
        else:
            actual.value, actual.source = m.value, "sales"
    return True


def measured_ids(session: Session) -> set[int]:
    """Ids of every assignment whose actual comes from sales data (for imports that check many rows)."""
    cover = Coverage(session)
    rows = session.execute(
        select(KpiAssignment, Indicator.code, Indicator.sales_formula)
        .join(Indicator, Indicator.id == KpiAssignment.indicator_id)
        .where(Indicator.code.in_(list(INDICATOR_FORMULAS)) | Indicator.sales_formula.is_not(None))
    ).all()
    return {a.id for a, code, mapped in rows if formula_for(code, mapped) is not None and cover.of(a)}


def is_measured(session: Session, a: KpiAssignment) -> bool:
    """Whether this assignment's actual comes from sales data (a sales indicator over at least one shop)."""
    code, mapped = session.execute(
        select(Indicator.code, Indicator.sales_formula).where(Indicator.id == a.indicator_id)
    ).one()
    return formula_for(code, mapped) is not None and bool(Coverage(session).of(a))


def recompute(session: Session, *, shop_ids: Iterable[int] | None = None, actor: Caller | None = None) -> list[int]:
    """Recompute the sales actuals of every running (or just ended) period's sales KPIs that cover one of
    `shop_ids` (None: every shop), in the open transaction; one audit event; the ids of the changed ones."""
    today = clock_of(session).today()
    touched = set(shop_ids) if shop_ids is not None else None
    stmt = (
        select(KpiAssignment, Indicator.code, Indicator.sales_formula, Period)
        .join(Indicator, Indicator.id == KpiAssignment.indicator_id)
        .join(Period, Period.id == KpiAssignment.period_id)
        .where(
            Indicator.code.in_(list(INDICATOR_FORMULAS)) | Indicator.sales_formula.is_not(None),
            KpiAssignment.status == "active",
            Period.start_date <= today,
            Period.end_date >= today - timedelta(days=LATE_DATA_DAYS),
        )
    )
    cover, changed = Coverage(session), []
    for a, code, mapped, period in session.execute(stmt).all():
        shops = cover.of(a)
        formula = formula_for(code, mapped)
        if formula is None or not shops or (touched is not None and not touched & {s.id for s in shops}):
            continue
        m = measure(session, formula, shops, period.start_date, min(period.end_date, today))
        if m is not None and _store(session, a, formula, m):
            changed.append(a.id)
    if changed:
        audit.record(
            session, actor=actor, action="recompute", entity="sales_actual",
            entity_id="sales", after={"assignments": sorted(changed)},
        )  # fmt: skip
    return changed


def run_sales_actuals(url: str, clock: Clock) -> list[int]:
    """Housekeeping: recompute every sales actual in its own transaction; the changed assignment ids."""
    with session_scope(url, clock=clock) as session:
        return recompute(session)


def after_import(session: Session, shop_ids: set[int], caller: Caller | None) -> list[int]:
    """What a sales import sets off in its own transaction: the sales actuals of the KPIs on those shops, and
    a queued refresh of the forecast-based pace (the job queue runs it; a page view never does)."""
    from workflows.coaching.forecast_pace import queue_refresh

    changed = recompute(session, shop_ids=shop_ids, actor=caller)
    queue_refresh(session)
    return changed


def refuse_plain_actual(session: Session, a: KpiAssignment) -> None:
    """A KPI measured from sales takes no plain hand-entered actual: it goes through an override with a reason."""
    if is_measured(session, a):
        raise coded(
            Conflict(
                f"KPI assignment {a.id} is measured from sales data; to enter a different value give a reason "
                f"(POST /api/v1/kpi-assignments/{a.id}/overrides) and HR decides which value counts."
            ),
            "actual.measured_from_sales",
            "该指标由销售数据自动计算；如需手工填写不同数值，请说明原因提交，由人力资源决定采用哪个数值。",
        )
