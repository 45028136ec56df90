"""Generated KPI lines as assignment and actual rows, with the current month's in-period values."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

from core.vocab import Direction
from demo.kpi_specs import SALES_CODES, SPECS, Spec, target_range
from kpi.rules import achievement_ratio

Row = dict[str, Any]
WARNING_DAYS = 5
MIN_WARNING_RUN = 3  # days in a row the early-warning check needs (workflows.coaching.alerts.MIN_DAYS)
LATE_DAYS = 7  # in the first days of a month, last month's final week carries the planted warning


@dataclass
class KpiLine:
    """One KPI of one employee over all months (index -1 is the current month)."""

    employee: str
    department: str
    block: str
    code: str
    weight: int
    direction: str
    target: np.ndarray
    value: np.ndarray
    ach: np.ndarray  # latent achievement (drives the current month's in-period values)


def achievement(value: np.ndarray, target: np.ndarray, direction: str) -> np.ndarray:
    """Achievement per month as `kpi.rules.achievement_ratio` computes it (before the cap); NaN where missing."""
    pairs = zip(value.tolist(), target.tolist(), strict=True)
    return np.array(
        [
            math.nan if math.isnan(v) or math.isnan(t) else achievement_ratio(actual=v, target=t, direction=direction)
            for v, t in pairs
        ]
    )


def to_value(spec: Spec, target: np.ndarray, ach: np.ndarray, direction: str) -> np.ndarray:
    """The measured value that gives achievement `ach`, clipped to the indicator's bounds and rounded."""
    raw = target * ach if direction == Direction.HIGHER else target / ach
    clipped: np.ndarray = np.round(np.clip(raw, spec.lo, spec.hi if spec.hi is not None else np.inf), spec.decimals)
    return clipped


def late_days(month: Row) -> list[date]:
    """The final LATE_DAYS days of a month, oldest first."""
    end = month["end_date"]
    return [end - timedelta(days=k) for k in range(LATE_DAYS - 1, -1, -1)]


def current_as_of(today: date) -> list[date]:
    """As-of dates of the current month so far: the 7th/14th/21st/28th and each of the last 7 days."""
    start, yesterday = today.replace(day=1), today - timedelta(days=1)
    days = {start.replace(day=d) for d in (7, 14, 21, 28)}
    days |= {yesterday - timedelta(days=k) for k in range(7)}
    return sorted(d for d in days if start <= d <= yesterday)


def _sales_value(code: str, mtd_sales: pd.DataFrame, d: date) -> float:
    tot = mtd_sales.loc[: pd.Timestamp(d)].sum()
    if code == "gmv":
        return float(tot["sales"])
    if code == "conversion_rate":
        return float(100 * tot["orders"] / max(tot["visitors"], 1))
    return float(tot["sales"] / max(tot["orders"], 1))


def _current_values(
    rng: np.random.Generator, ln: KpiLine, as_of: list[date], month: Row, mtd_sales: pd.DataFrame
) -> list[float]:
    """In-period values: rates wander towards the month's level, totals accumulate."""
    spec = SPECS[ln.code]
    start, end = month["start_date"], month["end_date"]
    out = []
    for d in as_of:
        frac = ((d - start).days + 1) / ((end - start).days + 1)
        if ln.department == "hq" and ln.code in SALES_CODES:
            val = _sales_value(ln.code, mtd_sales, d)
        else:
            # Early in the month the value is noisier: fewer days behind it.
            ach = np.array([ln.ach[-1] + spec.spread * 0.6 * np.sqrt(1 - frac) * rng.normal()])
            val = float(to_value(spec, ln.target[-1:], np.clip(ach, 0.3, 3), ln.direction)[0])
            val = val * frac if spec.cumulative else val
        out.append(round(val, spec.decimals))
    return out


def _plant_warning(target: float, low: float, values: list[float]) -> list[float]:
    """The last WARNING_DAYS values fall clearly below the range; the ones before stay on target."""
    k = min(WARNING_DAYS, len(values))
    head = [max(v, target) for v in values[: len(values) - k]]
    tail = [round(low * f, 2) for f in np.linspace(0.9, 0.78, k)]
    return head + tail


def _range(ln: KpiLine, target: float) -> tuple[float, float]:
    spec = SPECS[ln.code]
    if ln.department == "hq" and ln.code in SALES_CODES:  # company plan: +-8% around last year x ambition
        return round(target * 0.92, spec.decimals), round(target * 1.08, spec.decimals)
    return target_range(spec, target)


def line_rows(
    rng: np.random.Generator,
    ln: KpiLine,
    months: list[Row],
    as_of: list[date],
    mtd_sales: pd.DataFrame,
    warned: bool,
    late: list[date] | None = None,
) -> tuple[list[Row], list[Row]]:
    """Assignment rows (one per month) and actual rows (month end; as-of dates in the current month).

    A warned line whose current month is too young for a run gets daily values over `late`, the final days of
    the last completed month, with the warning planted there instead."""
    assignments, actuals = [], []
    for m, period in enumerate(months):
        target = float(ln.target[m])
        low, high = _range(ln, target)
        current = m == len(months) - 1
        key = {"period_code": period["code"], "indicator_code": ln.code, "employee_code": ln.employee}
        status = "active" if current else "closed"
        assignments.append(key | {
            "department_code": None, "parent_kr_code": None, "block": ln.block, "weight": float(ln.weight),
            "target": target, "target_low": low, "target_high": high, "status": status,
        })  # fmt: skip
        if warned and late and m == len(months) - 2:
            values = _plant_warning(target, low, [float(ln.value[m])] * len(late))
            actuals += [key | {"as_of": d, "value": v, "source": "demo"} for d, v in zip(late, values, strict=True)]
            continue
        if not current:
            actuals.append(key | {"as_of": period["end_date"], "value": float(ln.value[m]), "source": "demo"})
            continue
        values = _current_values(rng, ln, as_of, period, mtd_sales)
        if warned and not late:
            values = _plant_warning(target, low, values)
        actuals += [key | {"as_of": d, "value": v, "source": "demo"} for d, v in zip(as_of, values, strict=True)]
    return assignments, actuals
