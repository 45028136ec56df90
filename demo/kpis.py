"""Monthly KPI assignments and actuals with a known structure, department outcomes and planted anomalies.

See `demo.company` for the model. Values are generated per (employee, KPI) as arrays over the
months, then turned into rows, so 150 people x 25 months stays well under a second.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from core.vocab import Direction
from demo.kpi_rows import (
    MIN_WARNING_RUN,
    WARNING_DAYS,
    KpiLine,
    achievement,
    current_as_of,
    late_days,
    line_rows,
    to_value,
)
from demo.kpi_specs import (
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
OPS_WARNING_POSITION, OPS_WARNING_CODE = "ops_specialist", "conversion_rate"


@dataclass(frozen=True)
class KpiData:
    """Everything the KPI generator produces."""

    assignments: list[Row]
    actuals: list[Row]
    department_outcomes: pd.DataFrame
    anomalies: list[Row]


def _targets(spec: Spec, direction: str, months: list[Row], today: date) -> np.ndarray:
    """Targets tighten by 2% a year: past months had easier targets than the current one."""
    years = np.array([(m["start_date"] - today).days / 365.25 for m in months])
    drift = 1 + 0.02 * years
    raw = spec.target * drift if direction == Direction.HIGHER else spec.target / drift
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

    def measure(f: pd.DataFrame, code: str) -> np.ndarray:
        if code == "gmv":
            series = f["sales"]
        elif code == "conversion_rate":
            series = 100 * f["orders"] / f["visitors"]
        else:
            series = f["sales"] / f["orders"]
        values: np.ndarray = series.to_numpy(dtype=float)
        return values

    now, last = at(0), at(12)
    out: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for code, lift, nd in (("gmv", 1.20, -4), ("conversion_rate", 1.05, 2), ("aov", 1.03, 1)):
        out[code] = (np.round(measure(last, code) * lift, nd), np.round(measure(now, code), SPECS[code].decimals))
    return out


def _lines(
    rng: np.random.Generator,
    staff: list[Row],
    months: list[Row],
    today: date,
    sales: pd.DataFrame,
    directions: dict[str, str],
) -> list[KpiLine]:
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
            ach = np.clip(1 + spec.spread * (0.5 * ability[emp["code"]] + shocks[dept, code] + 0.7 * eps), 0.3, 3)
            if dept == "hq" and code in SALES_CODES:
                target, value = from_sales[code]
            else:
                target = _targets(spec, direction, months, today)
                value = to_value(spec, target, ach, direction)
            lines.append(KpiLine(emp["code"], dept, block, code, weight, direction, target, value, ach))
    return lines


def _inflate(rng: np.random.Generator, lines: list[KpiLine], team: set[str], month: int) -> None:
    """Everyone in `team` reports 115-125% of target in `month` (capped at the indicator's bounds)."""
    for ln in lines:
        if ln.employee in team:
            ach = np.array([rng.uniform(1.15, 1.25)])
            ln.value[month] = to_value(SPECS[ln.code], ln.target[month : month + 1], ach, ln.direction)[0]


def _outcomes(
    rng: np.random.Generator,
    lines: list[KpiLine],
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
                if not held:  # a tiny department where no one carries this template KPI
                    row[code] = float("nan")
                    continue
                true_mean[code] = float(np.mean([true_ach[i][m] for i, _ in held]))
                reported = [achievement(ln.value[m : m + 1], ln.target[m : m + 1], ln.direction)[0] for _, ln in held]
                row[code] = float(np.mean(reported))
            signal = sum(w * (true_mean[c] - 1) for c, w in weights.items())
            row["outcome"] = round(100 * (1 + signal) + rng.normal(0, OUTCOME_NOISE), 2)
            row["n_employees"] = len({ln.employee for _, ln in dl})
            row["inflated"] = (dept, m) == inflated
            rows.append(row)
    df = pd.DataFrame(rows)
    front = ["department_code", "period_code", "outcome", "n_employees", "inflated"]
    return df[front + [c for c in df.columns if c not in front]]


def _steady_history(ln: KpiLine) -> None:
    """Keep past months inside the target range, so the in-month drop stands out against the history."""
    spec = SPECS[ln.code]
    for m in range(len(ln.value) - 1):
        lo, hi = target_range(spec, float(ln.target[m]))
        ln.value[m] = min(max(ln.value[m], lo), hi)


def _inflated_team(staff: list[Row]) -> tuple[str, set[str]]:
    """The first design team lead and their reports; without team leads, the head and theirs."""
    positions = (f"{INFLATED_DEPT}_team_lead", f"{INFLATED_DEPT}_head")
    lead = next(e["code"] for pos in positions for e in staff if e["position_code"] == pos)
    return lead, {lead} | {e["code"] for e in staff if e["manager_code"] == lead}


def _anomalies(
    lead: str,
    team: set[str],
    inflated_month: Row,
    warned: list[KpiLine],
    warn_month: Row,
    warn_dates: list[date],
    warn_index: int,
) -> list[Row]:
    """What was planted where, for tests and for the coaching demo."""
    out: list[Row] = [
        {
            "kind": "inflation",
            "department_code": INFLATED_DEPT,
            "period_code": inflated_month["code"],
            "team_lead_code": lead,
            "employee_codes": sorted(team),
        }
    ]
    for ln in warned if warn_dates else []:
        low, _ = target_range(SPECS[ln.code], float(ln.target[warn_index]))
        out.append(
            {
                "kind": "early_warning",
                "employee_code": ln.employee,
                "indicator_code": ln.code,
                "period_code": warn_month["code"],
                "target_low": low,
                "dates": warn_dates[-min(WARNING_DAYS, len(warn_dates)) :],
            }
        )
    return out  # fmt: skip


def _warned_lines(staff: list[Row], lines: list[KpiLine]) -> list[KpiLine]:
    """The lines that get a planted early warning: the first live host's, and one in the head of operations'
    team (not the `employee` login's), so the demo manager sees an alert on any day."""
    host = next(e["code"] for e in staff if e["position_code"] == WARNING_POSITION)
    ops_head = next(e["code"] for e in staff if e["position_code"] == "ops_head")
    team = [e["code"] for e in staff if e["position_code"] == OPS_WARNING_POSITION and e["manager_code"] == ops_head]
    picks = [(host, WARNING_CODE)] + ([(team[1], OPS_WARNING_CODE)] if len(team) > 1 else [])
    return [next(ln for ln in lines if (ln.employee, ln.code) == pick) for pick in picks]


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
    warned = _warned_lines(staff, lines)
    for ln in warned:
        _steady_history(ln)
    # Outcomes follow what people really achieved; the inflated team's reported values come after.
    true_ach = {i: achievement(ln.value, ln.target, ln.direction) for i, ln in enumerate(lines)}
    last_done = len(months) - 2
    lead, team = _inflated_team(staff)
    _inflate(rng, lines, team, last_done)
    outcomes = _outcomes(rng, lines, true_ach, months, (INFLATED_DEPT, last_done))
    as_of = current_as_of(today)
    # Early in a month there are too few days for a run: the warning sits in last month's final week.
    late = late_days(months[-2]) if len(as_of) < MIN_WARNING_RUN else None
    warn_month, warn_dates, warn_index = (months[-2], late, -2) if late else (months[-1], as_of, -1)
    daily = sales.groupby("ds")[["sales", "orders", "visitors"]].sum()
    mtd = daily.loc[pd.Timestamp(months[-1]["start_date"]) :]
    assignments: list[Row] = []
    actuals: list[Row] = []
    for ln in lines:
        planted = any(ln is w for w in warned)
        a, v = line_rows(rng, ln, months, as_of, mtd, planted, late if planted else None)
        assignments += a
        actuals += v
    anomalies = _anomalies(lead, team, months[last_done], warned, warn_month, warn_dates, warn_index)
    return KpiData(assignments, actuals, outcomes, anomalies)
