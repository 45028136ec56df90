"""What the company's daily sales say to a goal draft: last year's levels of the sales drivers over the same dates
(sales KRs are year on year), and, in a running period, what was reached so far and what the rest must reach."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assistant.schemas import CompanyOKR
from core.tables import Period, SalesDaily
from kpi.periods import year_before

SALES_BASELINE_TOLERANCE = 0.02


def sales_baselines(session: Session, period: Period, company: CompanyOKR, flags: list[str]) -> dict[str, float]:
    """Visitors, conversion, AOV and sales over the same dates a year earlier (sales KRs are year on year)."""
    sales, orders, visitors = _totals(session, year_before(period.start_date), year_before(period.end_date))
    if not sales or not orders or not visitors:
        return {}
    for kr in company.all_krs():
        # Only when the KR's own baseline is these sales do the driver levels multiply back to its target.
        if kr.metric == "gmv" and kr.baseline and abs(float(sales) / kr.baseline - 1) > SALES_BASELINE_TOLERANCE:
            flags.append(f"sales_baseline_mismatch:{kr.id}")
            return {}
    return {
        "gmv": round(float(sales), 2),
        "visitors": float(visitors),
        "conversion_rate": round(100 * float(orders) / float(visitors), 4),
        "aov": round(float(sales) / float(orders), 2),
    }


def _totals(session: Session, start: date, end: date) -> tuple[float, float, float]:
    """Sales, orders and visitors of every shop over [start, end]."""
    sales, orders, visitors = session.execute(
        select(func.sum(SalesDaily.sales), func.sum(SalesDaily.orders), func.sum(SalesDaily.visitors)).where(
            SalesDaily.ds >= start, SalesDaily.ds <= end
        )
    ).one()
    return float(sales or 0), float(orders or 0), float(visitors or 0)


def _needed(code: str, target: float, done: tuple[float, float, float], rest: tuple[float, float, float]) -> float:
    """The level the rest of the period needs so the whole period reaches `target` (`rest` is the expected
    volume of the remaining days: sales, orders, visitors)."""
    s1, o1, v1 = done
    s2, o2, v2 = rest
    if code == "gmv":
        return target - s1
    if code == "aov" and o2 > 0:
        return (target * (o1 + o2) - s1) / o2
    if code == "conversion_rate" and v2 > 0:
        return (target / 100 * (v1 + v2) - o1) / v2 * 100
    return float("nan")


def mid_period(session: Session, period: Period, company: CompanyOKR, today: date, flags: list[str]) -> None:
    """In a running period, each sales KR learns what was reached so far and what the rest must reach; the
    rest's volume is last year's same days scaled by this period's growth so far."""
    yesterday = today - timedelta(days=1)
    if not period.start_date <= yesterday < period.end_date:
        return
    done = _totals(session, period.start_date, yesterday)
    before = _totals(session, year_before(period.start_date), year_before(yesterday))
    later = _totals(session, year_before(yesterday) + timedelta(days=1), year_before(period.end_date))
    if not done[1] or not before[1]:
        return
    rest = tuple(lt * (d / b if b else 1.0) for lt, d, b in zip(later, done, before, strict=True))
    reached = {"gmv": done[0], "aov": done[0] / done[1], "conversion_rate": 100 * done[1] / max(done[2], 1.0)}
    for kr in company.all_krs():
        if kr.metric not in reached or kr.target is None:
            continue
        need = _needed(kr.metric, kr.target, done, rest)  # type: ignore[arg-type]
        if need != need:  # NaN: no volume expected in the rest of the period
            continue
        kr.so_far, kr.needed_rest = round(reached[kr.metric], 2), round(need, 2)
        flags.append(
            f"mid_period:{kr.id} ({kr.metric} {kr.so_far} from {period.start_date} to {yesterday}; "
            f"the rest of the period to {period.end_date} needs {kr.needed_rest} to reach {kr.target})"
        )
