"""A seeded, deterministic demo company for `make demo`, tests and benchmarks (plain Python/pandas only).

`generate_demo_company(seed, today=..., n_employees=150)` returns a frozen `DemoCompany`. Row dicts use
the column names of the core/tables package; foreign keys are natural codes (`department_code`, `parent_code`,
`position_code`, `manager_code`, `employee_code`, `shop_code`, `period_code`, `indicator_code`,
`objective_code`, `parent_kr_code`) that the loader resolves to ids. Same seed + same `today` -> same data.
`today` must lie in 2016-01-01..2035-07-01 (the lunar new-year table of forecasting.calendar) and
n_employees in 15..2000; otherwise core.errors.InvalidInput.

The company: 杭州云裳服饰电子商务有限公司, an apparel brand selling on Tmall, JD, Douyin and Pinduoduo.
Departments `hq` (root, the GM) > ops, design, cs, warehouse, ads, live, hr; each head reports to the GM,
staff to their head or to a team lead (about 8 people per first-line manager). Everyone joined before the
KPI window, so every employee has KPIs in all 25 months.

Sales (`sales`): one row per shop and day from the 1st of the month 36 months ago to `today - 1`:
visitors = level x yearly growth x weekly x apparel season x (1 + lift x promo_intensity**2) x noise,
conversion and AOV likewise; orders ~ Poisson(visitors x conversion); sales = orders x AOV.
promo_intensity comes from `forecasting.calendar.cn_ecommerce_calendar` (年货节, 3.8, 618, 99, 双11, 双12)
raised by the shop's own campaigns. During the Spring Festival logistics pause visitors fall to 55% and
conversion to 35%; Tmall, Douyin and Pinduoduo close (is_open False, all zeros) from New Year's Eve to
the 3rd day; JD (own logistics) stays open. The week after 618 and 双11 dips by 14% (pulled-forward demand).
`promo_events` lists the platform campaigns (kind platform, shop_code None; the logistics pause is not a
promotion) and each shop's own campaigns (kind shop) from the start of the sales to half a year ahead.

KPIs (`kpi_assignments`, `kpi_actuals`): every employee has 3-5 KPIs per month (department templates of
DOMAIN.md §3, trimmed per role, weights summing to 100). For person e, indicator k, month m:
    achievement = 1 + spread_k * (0.5 * ability_e + shock[dept, k, m] + 0.7 * noise),
ability_e ~ N(0,1) is a latent skill, shock ~ N(0,1) a department-wide month effect per indicator.
value = target * achievement (higher is better) or target / achievement (lower is better), clipped to the
indicator's bounds and rounded. The GM's gmv / conversion_rate / aov are the real sales figures (target =
the same month last year x 1.20 / 1.05 / 1.03). Completed months have one actual at the month end; the
current month has actuals as of the 7th/14th/21st/28th and each of the last 7 days before `today`
(rates wander towards the month's level, totals such as gmv accumulate).

Weights ground truth (`department_outcomes`, `true_weights`): for each department and completed month,
    outcome = 100 * (1 + sum_k true_weights[dept][k] * (mean achievement_k - 1)) + N(0, 0.3)
where the mean achievement (value/target or target/value, uncapped) is over the department's people who
hold k. `department_outcomes` has one column per template indicator holding that mean (already
direction-adjusted: higher is better for every column), so a regression of `outcome` on them recovers
`true_weights` (indicators absent from true_weights have weight 0). Use rows with `inflated == False`.
picking_accuracy lives in 99-100% and barely moves, so its (zero) weight comes out with a wide interval:
an honest case of "the data cannot tell".

Goals: company OKRs (O1 growth, O2 customer experience, O3 live/ads efficiency, O4 team) for the current
quarter; baselines are last year's same quarter (gmv, conversion_rate, aov from `sales`) or last month's
mean actuals; targets are baseline x ambition, and each KR title states both numbers. Assignments of the
current quarter's months carry `parent_kr_code` = "<objective code>.<KR code>" (e.g. "O1.KR2"): the KR
measuring the same indicator, else the department's KR; older months have None.

Planted anomalies (`anomalies`, for coaching and early warning):
- inflation: in the last completed month the first design team (team lead + members) reports 115-125% on
  every KPI (capped at 100% for bounded rates); that month's design outcome uses their true achievements,
  so scores are far above what the business result supports.
- early_warning (two): the first live host's live_conversion_rate, and the conversion_rate of the second
  operations specialist reporting to the head of operations (the demo `manager`), stay inside their target
  range in all past months, then sit below target_low (90% falling to 78% of it) on the last 5 as-of dates
  of the current month. In the first days of a month (fewer than 3 as-of dates yet) they are planted on
  the final days of the last completed month instead, which then has daily values for its last week.

Row counts (seed 7, n_employees 150; `counts()` gives them for any run; they move a little with `today`):
                    today=2026-03-15   today=2026-11-27
    departments            8                  8      (hq + 7)
    positions             25                 25
    employees            150                150
    users                  5                  5
    shops                  4                  4
    sales              4,440              4,488      (4 shops x 1,110 / 1,122 days)
    promo_events          69                 69      (21 / 23 platform, 48 / 46 shop campaigns)
    periods               43                 42      (25 months, 9 quarters, 3 years, 6 / 5 campaigns)
    indicators            47                 47      (the whole catalogue)
    objectives             4                  4
    key_results           10                 10
    kpi_assignments   15,925             15,925      (637 person-KPIs x 25 months)
    kpi_actuals       20,384             21,021      (15,288 month-end + current-month as-of values)
    department_outcomes  168                168      (7 departments x 24 completed months)
Generation takes 0.3-0.6 s on this shared 2-core machine (1.4 s for 1,000 employees).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from core.clock import get_clock
from core.errors import InvalidInput
from demo import goals as demo_goals
from demo import org as demo_org
from demo import sales as demo_sales
from demo.kpi_specs import TRUE_WEIGHTS
from demo.kpis import generate_kpis
from forecasting.calendar import LUNAR_NEW_YEAR

Row = dict[str, Any]
MAX_EMPLOYEES = 2000


@dataclass(frozen=True)
class DemoCompany:
    """The whole demo data set; see the module docstring for the model.

    Row lists (dicts keyed by table column names, foreign keys as natural codes): company (one dict),
    departments, positions, employees, users (no password), shops, promo_events, periods, indicators,
    objectives, key_results (keyed to objectives by objective_code), kpi_assignments, kpi_actuals (naming
    their assignment by period_code + indicator_code + employee_code). Frames: sales (shop_code, ds as
    datetime64, sales, orders, visitors, is_open, promo) and department_outcomes (department_code,
    period_code, outcome, n_employees, inflated, one mean-achievement column per indicator code, NaN where
    the department has no such KPI). true_weights: department -> {indicator_code: weight}, summing to 1.
    anomalies: dicts describing the planted inflation and early-warning cases.
    """

    seed: int
    today: date
    company: Row
    departments: list[Row]
    positions: list[Row]
    employees: list[Row]
    users: list[Row]
    shops: list[Row]
    sales: pd.DataFrame
    promo_events: list[Row]
    periods: list[Row]
    indicators: list[Row]
    objectives: list[Row]
    key_results: list[Row]
    kpi_assignments: list[Row]
    kpi_actuals: list[Row]
    department_outcomes: pd.DataFrame
    true_weights: dict[str, dict[str, float]]
    anomalies: list[Row]

    def counts(self) -> dict[str, int]:
        """Number of rows of every list or frame field."""
        return {
            f.name: len(getattr(self, f.name))
            for f in fields(self)
            if isinstance(getattr(self, f.name), list | pd.DataFrame)
        }


def _today_range() -> tuple[date, date]:
    """Days `today` may take: the lunar new-year table must cover the sales history and the plan ahead."""
    years = sorted(LUNAR_NEW_YEAR)
    return date(years[0] + 3, 1, 1), demo_goals.latest_today(date(years[-1], 12, 31))


def generate_demo_company(seed: int = 7, *, today: date | None = None, n_employees: int = 150) -> DemoCompany:
    """Build the demo company deterministically from `seed` and `today` (default: the service clock's today)."""
    if not demo_org.MIN_EMPLOYEES <= n_employees <= MAX_EMPLOYEES:
        raise InvalidInput(
            f"n_employees={n_employees} is out of range; use {demo_org.MIN_EMPLOYEES}..{MAX_EMPLOYEES}",
            [{"field": "n_employees", "value": n_employees}],
        )
    today = today or get_clock().today()
    first, last = _today_range()
    if not first <= today <= last:
        raise InvalidInput(
            f"today={today} is outside {first}..{last}, the span the promotion calendar covers "
            "(3 years of history before, half a year of planned campaigns after)",
            [{"field": "today", "value": today.isoformat()}],
        )
    # Independent streams per part, so changing one part's draws leaves the others as they were.
    org_rng, camp_rng, sales_rng, kpi_rng = (np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(4))
    staff = demo_org.employees(org_rng, n_employees, today)
    start, _ = demo_sales.sales_window(today)
    campaigns = demo_sales.shop_campaigns(camp_rng, start, demo_goals.campaign_end(today))
    sales = demo_sales.daily_sales(sales_rng, today, campaigns)
    months = demo_goals.month_periods(today)
    indicators = demo_goals.indicators()
    units = {i["code"]: (i["unit"], i["direction"]) for i in indicators}
    kpis = generate_kpis(kpi_rng, staff, months, today, sales, {c: d for c, (_, d) in units.items()})
    objectives, key_results = demo_goals.company_okrs(sales, kpis.actuals, months, today, units)
    demo_goals.link_assignments(kpis.assignments, key_results, staff, today)
    promos = demo_sales.platform_events(start, demo_goals.campaign_end(today))
    promos += [{k: v for k, v in c.items() if k != "intensity"} for c in campaigns]
    return DemoCompany(
        seed=seed,
        today=today,
        company=dict(demo_org.COMPANY),
        departments=demo_org.departments(),
        positions=demo_org.positions(),
        employees=staff,
        users=demo_org.users(staff),
        shops=demo_sales.shops(),
        sales=sales,
        promo_events=promos,
        periods=months + demo_goals.other_periods(months, today),
        indicators=indicators,
        objectives=objectives,
        key_results=key_results,
        kpi_assignments=kpis.assignments,
        kpi_actuals=kpis.actuals,
        department_outcomes=kpis.department_outcomes,
        true_weights={d: dict(w) for d, w in TRUE_WEIGHTS.items()},
        anomalies=kpis.anomalies,
    )
