"""Demo periods, the indicator catalogue rows and the company OKRs of the current quarter."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pandas as pd

from demo.sales import event_spans
from forecasting.calendar import cn_ecommerce_calendar
from kpi import periods
from kpi.periods import add_months, month_end, quarter_code, quarter_start
from workflows.goals.catalogue import seed_rows

Row = dict[str, Any]
MONTHS_BACK = 24
CAMPAIGNS = {"618": ("618", "618大促", "618 festival"), "double11": ("double11", "双11大促", "Double 11")}
# Which company KR a department's KPIs serve when no KR measures the same indicator.
DEPT_DEFAULT_KR = {
    "hq": "O1.KR1",
    "ops": "O1.KR1",
    "design": "O1.KR2",
    "cs": "O2.KR1",
    "warehouse": "O2.KR3",
    "ads": "O3.KR1",
    "live": "O3.KR2",
    "hr": "O4.KR1",
}


def month_periods(today: date) -> list[Row]:
    """The last 24 full months and the current month, oldest first (codes like 2026-03)."""
    first = add_months(today, -MONTHS_BACK)
    return [periods.month(add_months(first, k)).row() for k in range(MONTHS_BACK + 1)]


def other_periods(months: list[Row], today: date) -> list[Row]:
    """Later months through the next quarter (periods exist before they start), the quarters and years
    covering all of them, plus the 618 and 双11 campaign periods of those years."""
    first, ahead = months[0]["start_date"], periods.next_quarter_end(today)
    later = periods.calendar_periods(add_months(months[-1]["start_date"], 1), ahead)
    out = [p.row() for p in later if p.kind == "month"]
    out += [p.row() for p in periods.calendar_periods(first, ahead) if p.kind != "month"]
    spans = event_spans(cn_ecommerce_calendar(date(first.year, 1, 1), date(ahead.year, 12, 31)))
    for event, s, e in spans:
        if event in CAMPAIGNS and e >= first:
            suffix, zh, en = CAMPAIGNS[event]
            out.append(
                {
                    "code": f"{s.year}-{suffix}",
                    "kind": "campaign",
                    "start_date": s,
                    "end_date": e,
                    "name_zh": f"{s.year}年{zh}",
                    "name_en": f"{s.year} {en}",
                }
            )
    return out


def indicators() -> list[Row]:
    """The KPI catalogue as indicator table rows (the same seed the service uses)."""
    return [dict(r) for r in seed_rows()]


def _quarter_totals(sales: pd.DataFrame, start: date) -> pd.Series:
    end = month_end(add_months(start, 2))
    mask = (sales["ds"] >= pd.Timestamp(start)) & (sales["ds"] <= pd.Timestamp(end))
    return sales.loc[mask, ["sales", "orders", "visitors"]].sum()


def _mean_actual(actuals: pd.DataFrame, period: str, code: str) -> float:
    sel = actuals[(actuals["period_code"] == period) & (actuals["indicator_code"] == code)]
    return float(sel["value"].mean())


OBJECTIVES = {
    "O1": "{year}年Q{q}实现健康增长：全渠道 GMV 同比增长 {growth}%",
    "O2": "让买家更满意：回复更快、发货更准",
    "O3": "提升直播与投放的投入产出效率",
    "O4": "打造能打硬仗的团队",
}
Rule = Callable[[float, int], float]


def _times(factor: float, decimals: int, cap: float | None = None) -> Rule:
    return lambda b, g: min(cap if cap is not None else float("inf"), round(b * factor, decimals))


def _plus(points: float, decimals: int, cap: float) -> Rule:
    return lambda b, g: min(cap, round(b + points, decimals))


def _grow(b: float, g: int) -> float:
    return float(round(b * (1 + g / 100), -5))


# (objective, indicator, baseline decimals, target rule(baseline, growth %), KR title).
# Title fields: b/t baseline and target, bw/tw the same in 万 (10,000), q quarter, growth.
KR_PLAN: tuple[tuple[str, str, int, Rule, str], ...] = (
    ("O1", "gmv", 2, _grow, "Q{q} GMV 达到 {tw:.0f} 万元，同比增长 {growth}%"),
    ("O1", "conversion_rate", 2, _times(1.08, 2), "全店转化率从 {b:.2f}% 提升到 {t:.2f}%"),
    ("O1", "aov", 0, _times(1.05, 0), "客单价从 {b:.0f} 元提升到 {t:.0f} 元"),
    ("O2", "csat", 2, _plus(0.1, 1, 5.0), "客户满意度（CSAT）从 {b:.2f} 提升到 {t:.1f} 分"),
    (
        "O2",
        "first_response_time",
        0,
        _times(0.8, 0),
        "客服平均首次响应时间从 {b:.0f} 秒缩短到 {t:.0f} 秒以内",
    ),
    ("O2", "ontime_fulfilment_rate", 1, _plus(2, 1, 99.5), "准时发货率从 {b:.1f}% 提升到 {t:.1f}%"),
    ("O3", "roas", 2, _times(1.1, 1), "广告投入产出比（ROAS）从 {b:.2f} 提升到 {t:.1f}"),
    (
        "O3",
        "live_gmv_per_session",
        -2,
        _times(1.15, -3),
        "直播场均成交额从 {bw:.2f} 万元提升到 {tw:.1f} 万元",
    ),
    ("O4", "hiring_fill_rate", 1, lambda b, g: 95.0, "关键岗位招聘达成率从 {b:.1f}% 提升到 {t:.0f}%"),
    ("O4", "team_attrition", 1, _times(0.7, 1), "员工月流失率从 {b:.1f}% 降到 {t:.1f}% 以内"),
)


def _growth_ambition(sales: pd.DataFrame, today: date) -> int:
    """The trailing twelve months' growth plus 3 points (in %): a stretch the history supports."""
    end = pd.Timestamp(today)
    year_ago, two_years_ago = end - pd.Timedelta(days=365), end - pd.Timedelta(days=730)
    ttm = sales.loc[sales["ds"] >= year_ago, "sales"].sum()
    prev = sales.loc[(sales["ds"] < year_ago) & (sales["ds"] >= two_years_ago), "sales"].sum()
    return int(round(100 * (ttm / prev - 1) + 3))


def _baselines(sales: pd.DataFrame, actuals: list[Row], months: list[Row], q_start: date) -> dict[str, float]:
    """Sales KRs: the same quarter last year (seasons and promotions differ a lot between quarters).
    Other KRs: last completed month's mean actual over everyone holding the KPI."""
    ly = _quarter_totals(sales, add_months(q_start, -12))
    out = {"gmv": float(ly["sales"]), "conversion_rate": float(100 * ly["orders"] / ly["visitors"]),
           "aov": float(ly["sales"] / ly["orders"])}  # fmt: skip
    acts = pd.DataFrame(actuals)
    for _, code, *_ in KR_PLAN:
        if code not in out:
            out[code] = _mean_actual(acts, months[-2]["code"], code)
    return out


def company_okrs(
    sales: pd.DataFrame, actuals: list[Row], months: list[Row], today: date, units: dict[str, tuple[str, str]]
) -> tuple[list[Row], list[Row]]:
    """Company objectives and key results for the running and the next quarter, with baselines from the data
    (so a manager can draft next quarter's goals in the last weeks of this one)."""
    growth = _growth_ambition(sales, today)
    objectives: list[Row] = []
    krs: list[Row] = []
    for q_start in (quarter_start(today), add_months(quarter_start(today), 3)):
        q, period = (q_start.month - 1) // 3 + 1, quarter_code(q_start)
        base = _baselines(sales, actuals, months, q_start)
        objectives += [
            {"level": "company", "period_code": period, "department_code": None, "employee_code": None,
             "code": code, "title": title.format(year=q_start.year, q=q, growth=growth), "language": "zh"}
            for code, title in OBJECTIVES.items()
        ]  # fmt: skip
        mine: list[Row] = []
        for obj, code, decimals, rule, title in KR_PLAN:
            b = round(base[code], decimals)
            t = float(rule(b, growth))
            unit, direction = units[code]
            n = sum(kr["objective_code"] == obj for kr in mine) + 1
            text = title.format(b=b, t=t, bw=b / 1e4, tw=t / 1e4, q=q, growth=growth, year=q_start.year)
            mine.append({"period_code": period, "objective_code": obj, "code": f"KR{n}", "title": text,
                         "indicator_code": code, "baseline": float(b), "target": t, "unit": unit,
                         "direction": direction})  # fmt: skip
        krs += mine
    return objectives, krs


def link_assignments(assignments: list[Row], krs: list[Row], staff: list[Row], today: date) -> None:
    """Set parent_kr_code ('O1.KR2') on this quarter's assignments: same indicator, else the dept's KR."""
    running = quarter_code(today)
    by_indicator = {
        kr["indicator_code"]: f"{kr['objective_code']}.{kr['code']}" for kr in krs if kr["period_code"] == running
    }
    dept = {e["code"]: e["department_code"] for e in staff}
    q_start = quarter_start(today)
    in_quarter = {f"{d.year}-{d.month:02d}" for d in (q_start, add_months(q_start, 1), add_months(q_start, 2))}
    for a in assignments:
        if a["period_code"] in in_quarter:
            a["parent_kr_code"] = by_indicator.get(a["indicator_code"], DEPT_DEFAULT_KR[dept[a["employee_code"]]])


PLAN_AHEAD = timedelta(days=183)


def campaign_end(d: date) -> date:
    """Last day we plan promotions for: half a year ahead."""
    return d + PLAN_AHEAD


def latest_today(last_calendar_day: date) -> date:
    """The latest `today` whose half-year plan still ends inside the calendar."""
    return last_calendar_day - PLAN_AHEAD
