"""Demo periods, the indicator catalogue rows and the company OKRs of the current quarter."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from typing import Any

import pandas as pd

from assistant.catalogue import load_catalogue
from forecasting.calendar import cn_ecommerce_calendar
from workflows.demo_sales import event_spans

Row = dict[str, Any]
MONTHS_BACK = 24
_EN_MONTH = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
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


def _add_months(d: date, k: int) -> date:
    idx = d.year * 12 + d.month - 1 + k
    return date(idx // 12, idx % 12 + 1, 1)


def _month_end(d: date) -> date:
    return d.replace(day=calendar.monthrange(d.year, d.month)[1])


def month_periods(today: date) -> list[Row]:
    """The last 24 full months and the current month, oldest first (codes like 2026-03)."""
    first = _add_months(today.replace(day=1), -MONTHS_BACK)
    out = []
    for k in range(MONTHS_BACK + 1):
        s = _add_months(first, k)
        out.append(
            {
                "code": f"{s.year}-{s.month:02d}",
                "kind": "month",
                "start_date": s,
                "end_date": _month_end(s),
                "name_zh": f"{s.year}年{s.month}月",
                "name_en": f"{_EN_MONTH[s.month - 1]} {s.year}",
            }
        )
    return out


def quarter_code(d: date) -> str:
    """Code of the quarter containing `d`, e.g. 2026-Q1."""
    return f"{d.year}-Q{(d.month - 1) // 3 + 1}"


def other_periods(months: list[Row], today: date) -> list[Row]:
    """Quarters and years covering the months, plus the 618 and 双11 campaign periods of those years."""
    first, last = months[0]["start_date"], months[-1]["start_date"]
    out: list[Row] = []
    q = date(first.year, 3 * ((first.month - 1) // 3) + 1, 1)
    while q <= last:
        n = (q.month - 1) // 3 + 1
        out.append(
            {
                "code": quarter_code(q),
                "kind": "quarter",
                "start_date": q,
                "end_date": _month_end(_add_months(q, 2)),
                "name_zh": f"{q.year}年第{n}季度",
                "name_en": f"{q.year} Q{n}",
            }
        )
        q = _add_months(q, 3)
    for y in range(first.year, last.year + 1):
        out.append(
            {
                "code": str(y),
                "kind": "year",
                "start_date": date(y, 1, 1),
                "end_date": date(y, 12, 31),
                "name_zh": f"{y}年度",
                "name_en": f"FY{y}",
            }
        )
    spans = event_spans(cn_ecommerce_calendar(date(first.year, 1, 1), date(today.year, 12, 31)))
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
    """The KPI catalogue as indicator table rows."""
    keys = ("code", "name_zh", "name_en", "unit", "direction", "definition_zh", "definition_en")
    return [{k: getattr(i, k) for k in keys} for i in load_catalogue()]


def _quarter_totals(sales: pd.DataFrame, start: date) -> pd.Series:
    end = _month_end(_add_months(start, 2))
    mask = (sales["ds"] >= pd.Timestamp(start)) & (sales["ds"] <= pd.Timestamp(end))
    return sales.loc[mask, ["sales", "orders", "visitors"]].sum()


def _mean_actual(actuals: pd.DataFrame, period: str, code: str) -> float:
    sel = actuals[(actuals["period_code"] == period) & (actuals["indicator_code"] == code)]
    return float(sel["value"].mean())


def company_okrs(
    sales: pd.DataFrame, actuals: list[Row], months: list[Row], today: date, units: dict[str, tuple[str, str]]
) -> tuple[list[Row], list[Row]]:
    """Company objectives and key results for the current quarter, with baselines from the data."""
    q_start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    qn, code = (today.month - 1) // 3 + 1, quarter_code(today)
    last_year, prev_q = (
        _quarter_totals(sales, _add_months(q_start, -12)),
        _quarter_totals(sales, _add_months(q_start, -3)),
    )
    # Ambition = the trailing twelve months' growth plus 3 points, a stretch the history supports.
    end = pd.Timestamp(today)
    ttm = sales.loc[sales["ds"] >= end - pd.Timedelta(days=365), "sales"].sum()
    prev = sales.loc[
        (sales["ds"] < end - pd.Timedelta(days=365)) & (sales["ds"] >= end - pd.Timedelta(days=730)), "sales"
    ].sum()
    growth = round(100 * (ttm / prev - 1) + 3)
    gmv_b = round(float(last_year["sales"]), 2)
    gmv_t = round(gmv_b * (1 + growth / 100), -5)
    conv_b = round(100 * float(prev_q["orders"] / prev_q["visitors"]), 2)
    aov_b = round(float(prev_q["sales"] / prev_q["orders"]))
    acts = pd.DataFrame(actuals)
    last = months[-2]["code"]

    def base(c: str, nd: int) -> float:
        return round(_mean_actual(acts, last, c), nd)

    csat, frt, ful = base("csat", 2), base("first_response_time", 0), base("ontime_fulfilment_rate", 1)
    roas, live, hire, attr = (
        base("roas", 2),
        base("live_gmv_per_session", -2),
        base("hiring_fill_rate", 1),
        base("team_attrition", 1),
    )
    conv_t, aov_t = round(conv_b * 1.08, 2), round(aov_b * 1.05)
    csat_t, frt_t, ful_t = min(5.0, round(csat + 0.1, 1)), round(frt * 0.8), min(99.5, round(ful + 2, 1))
    roas_t, live_t, attr_t = round(roas * 1.1, 1), round(live * 1.15, -3), round(attr * 0.7, 1)
    okrs = [
        (
            "O1",
            f"{today.year}年Q{qn}实现健康增长：全渠道 GMV 同比增长 {growth}%",
            [
                ("gmv", gmv_b, gmv_t, f"Q{qn} GMV 达到 {gmv_t / 1e4:.0f} 万元，同比增长 {growth}%"),
                ("conversion_rate", conv_b, conv_t, f"全店转化率从 {conv_b:.2f}% 提升到 {conv_t:.2f}%"),
                ("aov", aov_b, aov_t, f"客单价从 {aov_b:.0f} 元提升到 {aov_t:.0f} 元"),
            ],
        ),
        (
            "O2",
            "让买家更满意：回复更快、发货更准",
            [
                ("csat", csat, csat_t, f"客户满意度（CSAT）从 {csat:.2f} 提升到 {csat_t:.1f} 分"),
                (
                    "first_response_time",
                    frt,
                    frt_t,
                    f"客服平均首次响应时间从 {frt:.0f} 秒缩短到 {frt_t:.0f} 秒以内",
                ),
                ("ontime_fulfilment_rate", ful, ful_t, f"准时发货率从 {ful:.1f}% 提升到 {ful_t:.1f}%"),
            ],
        ),
        (
            "O3",
            "提升直播与投放的投入产出效率",
            [
                ("roas", roas, roas_t, f"广告投入产出比（ROAS）从 {roas:.2f} 提升到 {roas_t:.1f}"),
                (
                    "live_gmv_per_session",
                    live,
                    live_t,
                    f"直播场均成交额从 {live / 1e4:.2f} 万元提升到 {live_t / 1e4:.1f} 万元",
                ),
            ],
        ),
        (
            "O4",
            "打造能打硬仗的团队",
            [
                ("hiring_fill_rate", hire, 95.0, f"关键岗位招聘达成率从 {hire:.1f}% 提升到 95%"),
                ("team_attrition", attr, attr_t, f"员工月流失率从 {attr:.1f}% 降到 {attr_t:.1f}% 以内"),
            ],
        ),
    ]
    objectives, krs = [], []
    for o_code, title, items in okrs:
        objectives.append(
            {
                "level": "company",
                "period_code": code,
                "department_code": None,
                "employee_code": None,
                "code": o_code,
                "title": title,
                "language": "zh",
            }
        )
        for k, (ind, b, t, kr_title) in enumerate(items, start=1):
            unit, direction = units[ind]
            krs.append(
                {
                    "objective_code": o_code,
                    "code": f"KR{k}",
                    "title": kr_title,
                    "indicator_code": ind,
                    "baseline": float(b),
                    "target": float(t),
                    "unit": unit,
                    "direction": direction,
                }
            )
    return objectives, krs


def link_assignments(assignments: list[Row], krs: list[Row], staff: list[Row], today: date) -> None:
    """Set parent_kr_code ('O1.KR2') on this quarter's assignments: same indicator, else the dept's KR."""
    by_indicator = {kr["indicator_code"]: f"{kr['objective_code']}.{kr['code']}" for kr in krs}
    dept = {e["code"]: e["department_code"] for e in staff}
    q_start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    in_quarter = {
        f"{d.year}-{d.month:02d}" for d in (q_start, _add_months(q_start, 1), _add_months(q_start, 2))
    }
    for a in assignments:
        if a["period_code"] in in_quarter:
            a["parent_kr_code"] = by_indicator.get(
                a["indicator_code"], DEPT_DEFAULT_KR[dept[a["employee_code"]]]
            )


def campaign_end(d: date) -> date:
    """Last day we plan promotions for: half a year ahead."""
    return d + timedelta(days=183)
