"""Pace of running KPIs: the projected period end of each line (a straight line, or last year's daily shape
for amounts that add up over the period) and its report fact."""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assistant.report_facts import CUMULATIVE_CODES, IndicatorInfo, PaceFact
from core.tables import PaceForecast, Period, SalesDaily
from core.vocab import Direction
from kpi.errors import KpiError
from kpi.pace import MetricKind, PaceResult, project_pace
from kpi.rules import achievement_ratio
from kpi.sales_formulas import formula_for
from workflows.coaching.data import Line
from workflows.coaching.pace_text import extra_per_day


def sales_shape(session: Session, period: Period) -> list[float] | None:
    """Daily company sales of the same days 52 weeks earlier: the expected shape of a period's totals."""
    shift = timedelta(days=364)
    rows = dict(
        session.execute(
            select(SalesDaily.ds, func.sum(SalesDaily.sales))
            .where(SalesDaily.ds >= period.start_date - shift, SalesDaily.ds <= period.end_date - shift)
            .group_by(SalesDaily.ds)
        ).all()
    )
    n = (period.end_date - period.start_date).days + 1
    shape = [float(rows.get(period.start_date - shift + timedelta(days=i), 0.0) or 0.0) for i in range(n)]
    return shape if len(rows) == n and sum(shape) > 0 else None


def pace_of(line: Line, period: Period, direction: Direction, shape: list[float] | None) -> PaceResult | None:
    """Projected period end of one running KPI, or None when there is nothing to project."""
    if line.latest is None or line.target is None:
        return None
    as_of, value = line.latest
    n = (period.end_date - period.start_date).days + 1
    elapsed = min(max((as_of - period.start_date).days + 1, 0), n)
    cumulative = line.code in CUMULATIVE_CODES
    try:
        return project_pace(
            value,
            line.target,
            elapsed,
            period_days=n,
            direction=direction,
            kind=MetricKind.CUMULATIVE if cumulative else MetricKind.RATE,
            daily_shape=shape if cumulative else None,
        )
    except KpiError:
        return None


def progress(line: Line, direction: Direction) -> float | None:
    """Latest actual against the target in percent (uncapped); None when it has no finite achievement."""
    if line.latest is None or line.target is None:
        return None
    try:
        ach = achievement_ratio(actual=line.latest[1], target=line.target, direction=direction)
    except KpiError:
        return None
    return round(100 * ach, 1) if math.isfinite(ach) else None


def forecasts_of(session: Session, assignment_ids: list[int]) -> dict[int, PaceForecast]:
    """The stored forecast-based pace of each assignment that has one (written by the `pace` job)."""
    if not assignment_ids:
        return {}
    rows = session.execute(select(PaceForecast).where(PaceForecast.assignment_id.in_(assignment_ids))).scalars()
    return {r.assignment_id: r for r in rows}


def pace_fact(ln: Any, meta: IndicatorInfo, p: Any, forecast: PaceForecast | None = None) -> PaceFact:
    """The report fact for one KPI's in-period pace (`ln` has latest and target; `p` is its PaceResult), with
    the forecast's chance and what each day needs when a forecast-based pace exists."""
    if forecast is not None:
        f = formula_for(ln.code)
        extra = extra_per_day(forecast, ln.target, f.cumulative if f else False)
        return PaceFact(
            code=ln.code, name_zh=meta.name_zh, name_en=meta.name_en, unit=meta.unit, as_of=ln.latest[0].isoformat(),
            actual_to_date=ln.latest[1], target=ln.target, projected_pct=_pct(forecast.projected, ln.target, meta),
            status=str(p.status), method="forecast",
            probability_pct=None if forecast.p_target is None else round(100 * forecast.p_target),
            days_left=forecast.days_left, extra_per_day=None if extra is None else round(extra, 2),
        )  # fmt: skip
    pct = round(100 * p.projected_achievement, 1) if p.projected_achievement not in (None, float("inf")) else None
    return PaceFact(
        code=ln.code,
        name_zh=meta.name_zh,
        name_en=meta.name_en,
        unit=meta.unit,
        as_of=ln.latest[0].isoformat(),
        actual_to_date=ln.latest[1],
        target=ln.target,
        projected_pct=pct,
        status=str(p.status),
    )


def _pct(projected: float, target: float, meta: IndicatorInfo) -> float | None:
    try:
        ach = achievement_ratio(actual=projected, target=target, direction=Direction(meta.direction))
    except KpiError:
        return None
    return round(100 * ach, 1) if math.isfinite(ach) else None
