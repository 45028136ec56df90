"""Pace of running KPIs: the projected period end of each line (a straight line, or last year's daily shape
for amounts that add up over the period) and its report fact."""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assistant.report_facts import CUMULATIVE_CODES, IndicatorInfo, PaceFact
from core.tables import Period, SalesDaily
from core.vocab import Direction
from kpi.errors import KpiError
from kpi.pace import MetricKind, PaceResult, project_pace
from kpi.rules import achievement_ratio
from workflows.coaching.data import Line


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


def pace_fact(ln: Any, meta: IndicatorInfo, p: Any) -> PaceFact:
    """The report fact for one KPI's in-period pace (`ln` has latest and target; `p` is its PaceResult)."""
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
