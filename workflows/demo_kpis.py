"""Monthly KPI assignments and actuals with a known structure, department outcomes and planted anomalies.

See `workflows.demo_data` for the model. Values are generated per (employee, KPI) as arrays over the
months, then turned into rows, so 150 people x 25 months stays well under a second.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

from workflows.demo_kpi_specs import (
    OUTCOME_NOISE,
    SALES_CODES,
    SPECS,
    TEMPLATES,
    TRUE_WEIGHTS,
    Spec,
    scorecard,
    target_range,
)

Row = dict[str, Any]
INFLATED_DEPT = "design"
WARNING_POSITION, WARNING_CODE = "host", "live_conversion_rate"
WARNING_DAYS = 5


@dataclass(frozen=True)
class KpiData:
    """Everything the KPI generator produces."""

    assignments: list[Row]
    actuals: list[Row]
    department_outcomes: pd.DataFrame
    anomalies: list[Row]


@dataclass
class _Line:
    """One KPI of one employee over all months (index -1 is the current month)."""

    employee: str
    department: str
    block: str
    code: str
    weight: int
    direction: str
    target: np.ndarray
    value: np.ndarray
    ach: np.ndarray  # latent achievement (used for the current month's in-period values)


def _achievement(value: np.ndarray, target: np.ndarray, direction: str) -> np.ndarray:
    """Achievement as kpi.scoring computes it (before the cap): actual/target or target/actual."""
    return value / target if direction == "higher" else target / np.maximum(value, 1e-9)


def _to_value(spec: Spec, target: np.ndarray, ach: np.ndarray, direction: str) -> np.ndarray:
    raw = target * ach if direction == "higher" else target / ach
    return np.round(np.clip(raw, spec.lo, spec.hi if spec.hi is not None else np.inf), spec.decimals)


def _targets(spec: Spec, direction: str, months: list[Row], today: date) -> np.ndarray:
    """Targets tighten by 2% a year: past months had easier targets than the current one."""
    years = np.array([(m["start_date"] - today).days / 365.25 for m in months])
    drift = 1 + 0.02 * years
    raw = spec.target * drift if direction == "higher" else spec.target / drift
    if spec.hi is not None:
        raw = np.minimum(raw, spec.hi)
    return np.round(raw, spec.decimals)


def _sales_lines(sales: pd.DataFrame, months: list[Row]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """(target, value) per sales KPI of the GM: last year's month x ambition vs the actual month."""
    daily = sales.groupby("ds")[["sales", "orders", "visitors"]].sum()
    monthly = daily.groupby(daily.index.to_period("M")).sum()

    def at(offset: int) -> pd.DataFrame:
        keys = [pd.Period(m["start_date"], "M") - offset for m in months]
        return monthly.reindex(keys)

    now, last = at(0), at(12)
    out = {}
    for code, fn, lift, nd in (
        ("gmv", lambda f: f["sales"], 1.20, -4),
        ("conversion_rate", lambda f: 100 * f["orders"] / f["visitors"], 1.05, 2),
        ("aov", lambda f: f["sales"] / f["orders"], 1.03, 1),
    ):
        target = np.round(fn(last).to_numpy(dtype=float) * lift, nd)
        value = np.round(fn(now).to_numpy(dtype=float), SPECS[code].decimals)
        out[code] = (target, value)
    return out


def _lines(
    rng: np.random.Generator,
    staff: list[Row],
    months: list[Row],
    today: date,
    sales: pd.DataFrame,
    directions: dict[str, str],
) -> list[_Line]:
    """Latent ability + department-month shock + noise per KPI line (see the demo_data docstring)."""
    n = len(months)
    ability = {e["code"]: rng.normal() for e in staff}
    shocks = {(d, code): rng.normal(size=n) for d, tpl in TEMPLATES.items() for _, code, _ in tpl}
    from_sales = _sales_lines(sales, months)
    lines = []
    for emp in staff:
        dept = emp["department_code"]
        for block, code, weight in scorecard(dept, emp["position_code"]):
            spec, direction = SPECS[code], directions[code]
            eps = rng.normal(size=n)
            ach = np.clip(
                1 + spec.spread * (0.5 * ability[emp["code"]] + shocks[dept, code] + 0.7 * eps), 0.3, 3
            )
            if dept == "hq" and code in SALES_CODES:
                target, value = from_sales[code]
            else:
                target = _targets(spec, direction, months, today)
                value = _to_value(spec, target, ach, direction)
            lines.append(_Line(emp["code"], dept, block, code, weight, direction, target, value, ach))
    return lines


def _inflate(rng: np.random.Generator, lines: list[_Line], team: set[str], month: int) -> None:
    """Everyone in `team` reports 115-125% of target in `month` (capped at the indicator's bounds)."""
    for ln in lines:
        if ln.employee in team:
            ach = np.array([rng.uniform(1.15, 1.25)])
            ln.value[month] = _to_value(SPECS[ln.code], ln.target[month : month + 1], ach, ln.direction)[0]


def _outcomes(
    rng: np.random.Generator,
    lines: list[_Line],
    true_ach: dict[int, np.ndarray],
    months: list[Row],
    inflated: tuple[str, int],
) -> pd.DataFrame:
    """One row per department and completed month: outcome index and mean achievement per indicator."""
    rows = []
    for dept, weights in TRUE_WEIGHTS.items():
        dl = [(i, ln) for i, ln in enumerate(lines) if ln.department == dept]
        codes = list(dict.fromkeys(code for _, code, _ in TEMPLATES[dept]))
        for m, period in enumerate(months[:-1]):
            row: dict[str, Any] = {"department_code": dept, "period_code": period["code"]}
            true_mean = {}
            for code in codes:
                held = [(i, ln) for i, ln in dl if ln.code == code]
                true_mean[code] = float(np.mean([true_ach[i][m] for i, _ in held]))
                row[code] = float(
                    np.mean(
                        [
                            _achievement(ln.value[m : m + 1], ln.target[m : m + 1], ln.direction)[0]
                            for _, ln in held
                        ]
                    )
                )
            signal = sum(w * (true_mean[c] - 1) for c, w in weights.items())
            row["outcome"] = round(100 * (1 + signal) + rng.normal(0, OUTCOME_NOISE), 2)
            row["n_employees"] = len({ln.employee for _, ln in dl})
            row["inflated"] = (dept, m) == inflated
            rows.append(row)
    df = pd.DataFrame(rows)
    front = ["department_code", "period_code", "outcome", "n_employees", "inflated"]
    return df[front + [c for c in df.columns if c not in front]]


def current_as_of(today: date) -> list[date]:
    """As-of dates of the current month so far: the 7th/14th/21st/28th and each of the last 7 days."""
    start, yesterday = today.replace(day=1), today - timedelta(days=1)
    days = {start.replace(day=d) for d in (7, 14, 21, 28)}
    days |= {yesterday - timedelta(days=k) for k in range(7)}
    return sorted(d for d in days if start <= d <= yesterday)


def _current_values(
    rng: np.random.Generator,
    ln: _Line,
    spec: Spec,
    as_of: list[date],
    month: Row,
    mtd_sales: pd.DataFrame | None,
) -> list[float]:
    """In-period values: rates wander towards the month's level, totals accumulate."""
    start, end = month["start_date"], month["end_date"]
    out = []
    for d in as_of:
        frac = ((d - start).days + 1) / ((end - start).days + 1)
        if mtd_sales is not None and ln.code in SALES_CODES:
            tot = mtd_sales.loc[: pd.Timestamp(d)].sum()
            val = {
                "gmv": tot["sales"],
                "conversion_rate": 100 * tot["orders"] / max(tot["visitors"], 1),
                "aov": tot["sales"] / max(tot["orders"], 1),
            }[ln.code]
        else:
            ach = np.array([ln.ach[-1] + spec.spread * 0.6 * np.sqrt(1 - frac) * rng.normal()])
            val = _to_value(spec, ln.target[-1:], np.clip(ach, 0.3, 3), ln.direction)[0]
            val = val * frac if spec.cumulative else val
        out.append(round(float(val), spec.decimals))
    return out


def _steady_history(ln: _Line) -> None:
    """Keep past months inside the target range, so the in-month drop stands out against the history."""
    spec = SPECS[ln.code]
    for m in range(len(ln.value) - 1):
        lo, hi = target_range(spec, float(ln.target[m]))
        ln.value[m] = min(max(ln.value[m], lo), hi)


def _plant_warning(ln: _Line, low: float, values: list[float]) -> list[float]:
    """The last WARNING_DAYS values fall clearly below the range; the ones before stay on target."""
    k = min(WARNING_DAYS, len(values))
    head = [max(v, float(ln.target[-1])) for v in values[: len(values) - k]]
    tail = [round(low * f, 2) for f in np.linspace(0.9, 0.78, k)]
    return head + tail


def _inflated_team(staff: list[Row]) -> tuple[str, set[str]]:
    """The first design team lead and their reports; without team leads, the head and theirs."""
    positions = (f"{INFLATED_DEPT}_team_lead", f"{INFLATED_DEPT}_head")
    lead = next(e["code"] for pos in positions for e in staff if e["position_code"] == pos)
    return lead, {lead} | {e["code"] for e in staff if e["manager_code"] == lead}


def generate_kpis(
    rng: np.random.Generator,
    staff: list[Row],
    months: list[Row],
    today: date,
    sales: pd.DataFrame,
    directions: dict[str, str],
) -> KpiData:
    """Assignments, actuals, department outcomes and the planted anomalies for the month periods."""
    lines = _lines(rng, staff, months, today, sales, directions)
    warn_emp = next(e["code"] for e in staff if e["position_code"] == WARNING_POSITION)
    for ln in lines:
        if ln.employee == warn_emp and ln.code == WARNING_CODE:
            _steady_history(ln)
    true_ach = {i: _achievement(ln.value, ln.target, ln.direction) for i, ln in enumerate(lines)}
    last_done = len(months) - 2
    lead, team = _inflated_team(staff)
    _inflate(rng, lines, team, last_done)
    outcomes = _outcomes(rng, lines, true_ach, months, (INFLATED_DEPT, last_done))
    as_of = current_as_of(today)
    daily = sales.groupby("ds")[["sales", "orders", "visitors"]].sum()
    mtd = daily.loc[pd.Timestamp(months[-1]["start_date"]) :]
    assignments, actuals = [], []
    warn_low = 0.0
    for ln in lines:
        spec = SPECS[ln.code]
        warned = ln.employee == warn_emp and ln.code == WARNING_CODE
        for m, period in enumerate(months):
            target = float(ln.target[m])
            low, high = target_range(spec, target)
            if ln.department == "hq" and ln.code in SALES_CODES:
                low, high = round(target * 0.92, spec.decimals), round(target * 1.08, spec.decimals)
            current = m == len(months) - 1
            assignments.append(
                {
                    "period_code": period["code"],
                    "indicator_code": ln.code,
                    "employee_code": ln.employee,
                    "department_code": None,
                    "parent_kr_code": None,
                    "block": ln.block,
                    "weight": float(ln.weight),
                    "target": target,
                    "target_low": low,
                    "target_high": high,
                    "status": "active" if current else "closed",
                }
            )
            key = {"period_code": period["code"], "indicator_code": ln.code, "employee_code": ln.employee}
            if not current:
                actuals.append(
                    key | {"as_of": period["end_date"], "value": float(ln.value[m]), "source": "demo"}
                )
                continue
            values = _current_values(rng, ln, spec, as_of, period, mtd)
            if warned:
                values = _plant_warning(ln, low, values)
                warn_low = low
            actuals += [
                key | {"as_of": d, "value": v, "source": "demo"} for d, v in zip(as_of, values, strict=True)
            ]
    anomalies = [
        {
            "kind": "inflation",
            "department_code": INFLATED_DEPT,
            "period_code": months[last_done]["code"],
            "team_lead_code": lead,
            "employee_codes": sorted(team),
        },
    ]
    if as_of:
        anomalies.append(
            {
                "kind": "early_warning",
                "employee_code": warn_emp,
                "indicator_code": WARNING_CODE,
                "period_code": months[-1]["code"],
                "target_low": warn_low,
                "dates": as_of[-min(WARNING_DAYS, len(as_of)) :],
            }
        )
    return KpiData(assignments, actuals, outcomes, anomalies)
