"""The demo company generator: determinism, org tree, scorecards, sales shape, ground truth and anomalies."""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd
import pytest

from assistant.catalogue import indicator_map
from core import tables
from core.errors import InvalidInput
from demo.company import DemoCompany, generate_demo_company
from forecasting.calendar import LUNAR_NEW_YEAR, cn_ecommerce_calendar

TODAY = date(2026, 3, 15)
META = {"non_ratio": ("department_code", "period_code", "outcome", "n_employees", "inflated")}


@pytest.fixture(scope="module")
def demo() -> DemoCompany:
    return generate_demo_company(7, today=TODAY)


def _same(a: DemoCompany, b: DemoCompany) -> bool:
    for name in a.counts():
        x, y = getattr(a, name), getattr(b, name)
        if isinstance(x, pd.DataFrame):
            if not x.equals(y):
                return False
        elif x != y:
            return False
    return a.true_weights == b.true_weights and a.company == b.company


def test_same_seed_and_day_give_identical_data(demo: DemoCompany) -> None:
    assert _same(demo, generate_demo_company(7, today=TODAY))


def test_other_seed_gives_other_data(demo: DemoCompany) -> None:
    other = generate_demo_company(8, today=TODAY)
    assert not other.sales["sales"].equals(demo.sales["sales"])
    assert [e["name_zh"] for e in other.employees] != [e["name_zh"] for e in demo.employees]


def _walk_to_root(parent: dict[str, str | None], start: str) -> list[str]:
    seen, node = [start], parent[start]
    while node is not None:
        assert node not in seen, f"cycle through {node}"
        seen.append(node)
        node = parent[node]
    return seen


def test_department_and_manager_trees_have_one_root_and_no_cycles(demo: DemoCompany) -> None:
    dept_parent = {d["code"]: d["parent_code"] for d in demo.departments}
    assert {"ops", "design", "cs", "warehouse", "ads", "live", "hr"} <= set(dept_parent)
    assert [c for c, p in dept_parent.items() if p is None] == ["hq"]
    boss = {e["code"]: e["manager_code"] for e in demo.employees}
    assert len(boss) == len(demo.employees) == 150
    roots = [c for c, m in boss.items() if m is None]
    assert len(roots) == 1
    for code in boss:
        assert boss[code] is None or boss[code] in boss
        assert _walk_to_root(boss, code)[-1] == roots[0]
        assert (
            _walk_to_root(dept_parent, next(e["department_code"] for e in demo.employees if e["code"] == code))[-1]
            == "hq"
        )


def test_department_heads_report_to_the_gm_and_staff_to_their_own_department(demo: DemoCompany) -> None:
    by_code = {e["code"]: e for e in demo.employees}
    positions = {p["code"]: p for p in demo.positions}
    gm = next(e for e in demo.employees if e["manager_code"] is None)
    for e in demo.employees:
        assert positions[e["position_code"]]["department_code"] == e["department_code"]
        if e["position_code"].endswith("_head"):
            assert e["manager_code"] == gm["code"]
        elif e is not gm:
            assert by_code[e["manager_code"]]["department_code"] == e["department_code"]
        assert e["hire_date"] < date(2024, 3, 1) and e["hire_date"].year - e["birth_year"] >= 18


def test_demo_users_have_the_right_roles_and_employee_reports_to_manager(demo: DemoCompany) -> None:
    users = {u["username"]: u for u in demo.users}
    roles = {u: users[u]["role"] for u in users}
    assert roles == {
        "admin": "admin",
        "hr": "hr",
        "manager": "manager",
        "employee": "employee",
        "employee2": "employee",
    }
    emp = {e["code"]: e for e in demo.employees}
    manager, employee = emp[users["manager"]["employee_code"]], emp[users["employee"]["employee_code"]]
    assert manager["position_code"] == "ops_head" and manager["department_code"] == "ops"
    assert employee["manager_code"] == manager["code"] and employee["position_code"] == "ops_specialist"
    assert emp[users["employee2"]["employee_code"]]["department_code"] == "cs"
    assert emp[users["hr"]["employee_code"]]["department_code"] == "hr"
    assert len({u["employee_code"] for u in demo.users}) == 5


def test_every_monthly_scorecard_has_three_to_five_kpis_summing_to_100(demo: DemoCompany) -> None:
    cards: dict[tuple[str, str], list[float]] = defaultdict(list)
    for a in demo.kpi_assignments:
        cards[a["employee_code"], a["period_code"]].append(a["weight"])
        assert a["block"] in ("fixed", "dynamic", "collaboration")
        assert a["target_low"] <= a["target"] <= a["target_high"]
    months = sorted({p for _, p in cards})
    assert len(months) == 25 and months[-1] == "2026-03" and months[0] == "2024-03"
    assert len(cards) == 150 * 25
    # Periods exist ahead of time, through the end of next quarter (2026-Q2), with no KPIs yet.
    planned = [p["code"] for p in demo.periods if p["kind"] == "month"]
    assert planned == months + ["2026-04", "2026-05", "2026-06"]
    assert {"2026-Q2", "2026"} <= {p["code"] for p in demo.periods}
    for key, weights in cards.items():
        assert 3 <= len(weights) <= 5, key
        assert sum(weights) == pytest.approx(100), key


def test_all_codes_exist_in_the_catalogue(demo: DemoCompany) -> None:
    known = set(indicator_map())
    assert {i["code"] for i in demo.indicators} == known
    used = {a["indicator_code"] for a in demo.kpi_assignments} | {k["indicator_code"] for k in demo.key_results}
    used |= {c for w in demo.true_weights.values() for c in w}
    used |= set(demo.department_outcomes.columns) - set(META["non_ratio"])
    assert used <= known, used - known
    units = {i["code"]: (i["unit"], i["direction"]) for i in demo.indicators}
    for kr in demo.key_results:
        assert (kr["unit"], kr["direction"]) == units[kr["indicator_code"]]


# Natural-code keys the loader resolves to the foreign-key column named here.
FK_KEYS = {
    "department_code": "department_id",
    "parent_code": "parent_id",
    "position_code": "position_id",
    "manager_code": "manager_id",
    "employee_code": "employee_id",
    "shop_code": "shop_id",
    "period_code": "period_id",
    "indicator_code": "indicator_id",
    "objective_code": "objective_id",
    "parent_kr_code": "parent_kr_id",
}
ROW_TABLES = {
    "departments": tables.Department,
    "positions": tables.Position,
    "employees": tables.Employee,
    "users": tables.User,
    "shops": tables.Shop,
    "promo_events": tables.PromoEvent,
    "periods": tables.Period,
    "indicators": tables.Indicator,
    "objectives": tables.Objective,
    "key_results": tables.KeyResult,
    "kpi_assignments": tables.KpiAssignment,
    "kpi_actuals": tables.KpiActual,
}
LOADER_FILLS = {"id", "company_id", "version", "created_at", "updated_at", "password_hash", "assignment_id"}


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


@pytest.mark.parametrize("field", sorted(ROW_TABLES))
def test_rows_use_table_columns_and_fill_every_non_null_one(demo: DemoCompany, field: str) -> None:
    cols = {c.name: c for c in ROW_TABLES[field].__table__.columns}
    rows = getattr(demo, field)
    assert rows
    for row in rows:
        stray = {k for k in row if k not in cols and FK_KEYS.get(k) not in cols}
        if field == "kpi_actuals":  # (period, indicator, employee) names the assignment
            stray -= {"period_code", "indicator_code", "employee_code"}
        if field == "key_results":  # (period, objective code) names the objective: codes repeat per quarter
            stray -= {"period_code"}
        assert not stray, f"{field}: keys {stray} are not columns of {ROW_TABLES[field].__tablename__}"
        for name, col in cols.items():
            if col.nullable or name in LOADER_FILLS:
                continue
            key = next((k for k, v in FK_KEYS.items() if v == name), name)
            assert key in row and not _missing(row[key]), f"{field}: {key} missing in {row}"
        for k, v in row.items():
            assert not (isinstance(v, float) and not math.isfinite(v)), f"{field}.{k} = {v}"


def test_sales_frame_is_complete_and_consistent(demo: DemoCompany) -> None:
    s = demo.sales
    assert list(s.columns) == ["shop_code", "ds", "sales", "orders", "visitors", "is_open", "promo"]
    assert not s.isna().any().any()
    assert set(s["shop_code"]) == {sh["code"] for sh in demo.shops}
    for _, g in s.groupby("shop_code"):
        days = pd.DatetimeIndex(g["ds"])
        assert days.is_unique and len(days) >= 730
        assert days.max() == pd.Timestamp(TODAY - timedelta(days=1))
        assert (days.to_series().diff().dropna() == pd.Timedelta(days=1)).all()
    assert (s["orders"] <= s["visitors"]).all() and (s["sales"] >= 0).all()
    open_ = s[s["is_open"] & (s["orders"] > 0)]
    aov = open_["sales"] / open_["orders"]
    assert aov.between(50, 600).all()
    assert (s.loc[~s["is_open"], ["sales", "orders", "visitors"]] == 0).all().all()


def test_sales_show_the_double11_peak_and_the_spring_festival_dip(demo: DemoCompany) -> None:
    daily = demo.sales.groupby("ds")["sales"].sum()
    for year in (2023, 2024, 2025):
        nov = daily[f"{year}-11-01" : f"{year}-11-30"]
        assert nov.idxmax() == pd.Timestamp(year, 11, 11)
        assert daily[pd.Timestamp(year, 11, 11)] > 5 * daily[f"{year}-09-10" : f"{year}-10-15"].median()
    cal = cn_ecommerce_calendar(daily.index.min(), daily.index.max()).set_index("ds")
    for year in (2024, 2025, 2026):
        cny = pd.Timestamp(LUNAR_NEW_YEAR[year])
        pause = cal.index[cal["logistics_pause"] & (abs(cal.index - cny) < pd.Timedelta(days=20))]
        before = daily[cny - pd.Timedelta(days=70) : cny - pd.Timedelta(days=40)].median()
        assert daily[pause].mean() < 0.3 * before
    closed = demo.sales[~demo.sales["is_open"]]
    assert set(closed["shop_code"]) == {"tmall", "douyin", "pdd"} and len(closed) > 0


def test_promo_flags_and_events_follow_the_calendar(demo: DemoCompany) -> None:
    s = demo.sales
    eleven = s[s["ds"] == pd.Timestamp(2025, 11, 11)]
    assert eleven["promo"].all()
    kinds = {(e["kind"], e["shop_code"] is None) for e in demo.promo_events}
    assert kinds == {("platform", True), ("shop", False)}
    assert any(
        "双11" in e["name"] and e["start_date"] <= date(2025, 11, 11) <= e["end_date"] for e in demo.promo_events
    )
    assert all(e["start_date"] <= e["end_date"] for e in demo.promo_events)


def test_periods_cover_months_quarters_and_campaigns(demo: DemoCompany) -> None:
    codes = {p["code"]: p for p in demo.periods}
    assert {"2026-03", "2024-03", "2026-Q1", "2024-Q1", "2025-618", "2025-double11", "2026-double11"} <= set(codes)
    assert codes["2025-double11"]["start_date"] <= date(2025, 11, 11) <= codes["2025-double11"]["end_date"]
    assert codes["2026-Q1"]["start_date"] == date(2026, 1, 1) and codes["2026-Q1"]["end_date"] == date(2026, 3, 31)
    assert len(codes) == len(demo.periods)


def test_company_okrs_are_consistent_with_the_sales(demo: DemoCompany) -> None:
    # The running and the next quarter both have company OKRs, so next quarter's goals can be drafted now.
    assert {o["period_code"] for o in demo.objectives} == {"2026-Q1", "2026-Q2"}
    assert all(o["level"] == "company" for o in demo.objectives)
    s = demo.sales
    last_years = {"2026-Q1": ("2025-01-01", "2025-03-31"), "2026-Q2": ("2025-04-01", "2025-06-30")}
    for quarter, (start, end) in last_years.items():
        gmv = next(k for k in demo.key_results if k["indicator_code"] == "gmv" and k["period_code"] == quarter)
        last_year = s[(s["ds"] >= start) & (s["ds"] <= end)]["sales"].sum()
        assert gmv["baseline"] == pytest.approx(last_year, rel=1e-9)
        assert gmv["target"] > gmv["baseline"] and f"{gmv['target'] / 1e4:.0f} 万元" in gmv["title"]
    refs = {f"{k['objective_code']}.{k['code']}" for k in demo.key_results if k["period_code"] == "2026-Q1"}
    linked = [a for a in demo.kpi_assignments if a["period_code"] in ("2026-01", "2026-02", "2026-03")]
    assert linked and all(a["parent_kr_code"] in refs for a in linked)
    assert all(a["parent_kr_code"] is None for a in demo.kpi_assignments if a["period_code"] == "2025-12")


def test_actuals_are_month_end_for_past_months_and_in_period_for_the_current(demo: DemoCompany) -> None:
    ends = {p["code"]: p["end_date"] for p in demo.periods if p["kind"] == "month"}
    keys = {(a["period_code"], a["indicator_code"], a["employee_code"]) for a in demo.kpi_assignments}
    current = [a for a in demo.kpi_actuals if a["period_code"] == "2026-03"]
    for a in demo.kpi_actuals:
        assert (a["period_code"], a["indicator_code"], a["employee_code"]) in keys
        if a["period_code"] != "2026-03":
            assert a["as_of"] == ends[a["period_code"]]
        assert a["value"] >= 0
    assert {a["as_of"] for a in current} == {date(2026, 3, 7)} | {date(2026, 3, d) for d in range(8, 15)}
    gm = next(e["code"] for e in demo.employees if e["manager_code"] is None)
    gmv = sorted((a["as_of"], a["value"]) for a in current if a["employee_code"] == gm and a["indicator_code"] == "gmv")
    march = demo.sales[demo.sales["ds"] >= "2026-03-01"]["sales"].sum()
    assert gmv[-1][1] == pytest.approx(march, rel=1e-6) and gmv[0][1] < gmv[-1][1]


def _fit(df: pd.DataFrame) -> dict[str, float]:
    cols = [c for c in df.columns if c not in META["non_ratio"]]
    x = np.column_stack([np.ones(len(df)), df[cols].to_numpy()])
    beta, *_ = np.linalg.lstsq(x, df["outcome"].to_numpy() / 100, rcond=None)
    return dict(zip(cols, beta[1:], strict=True))


def test_regression_on_department_outcomes_recovers_the_true_weights(demo: DemoCompany) -> None:
    out = demo.department_outcomes
    assert len(out) == 7 * 24 and out["inflated"].sum() == 1
    for dept, weights in demo.true_weights.items():
        assert sum(weights.values()) == pytest.approx(1.0)
        rows = out[(out["department_code"] == dept) & ~out["inflated"]].dropna(axis=1, how="all")
        assert not rows.isna().any().any()
        fitted = _fit(rows)
        for code, w in weights.items():
            assert fitted[code] == pytest.approx(w, abs=0.08), (dept, code, fitted)


def _mean_achievement(demo: DemoCompany, period: str, who: set[str]) -> float:
    direction = {i["code"]: i["direction"] for i in demo.indicators}
    target = {
        (a["indicator_code"], a["employee_code"]): a["target"]
        for a in demo.kpi_assignments
        if a["period_code"] == period
    }
    ach = []
    for a in demo.kpi_actuals:
        if a["period_code"] == period and a["employee_code"] in who:
            t = target[a["indicator_code"], a["employee_code"]]
            ach.append(a["value"] / t if direction[a["indicator_code"]] == "higher" else t / a["value"])
    return float(np.mean(ach))


def test_inflation_anomaly_team_scores_high_in_the_last_month_only(demo: DemoCompany) -> None:
    infl = next(a for a in demo.anomalies if a["kind"] == "inflation")
    assert infl["period_code"] == "2026-02"
    team = set(infl["employee_codes"])
    others = {e["code"] for e in demo.employees if e["department_code"] == "design"} - team
    assert len(team) >= 4 and others
    assert _mean_achievement(demo, "2026-02", team) > 1.08
    assert _mean_achievement(demo, "2026-02", others) < 1.05
    assert _mean_achievement(demo, "2026-01", team) < 1.08


def test_early_warning_anomaly_drops_below_range_on_consecutive_days(demo: DemoCompany) -> None:
    warn = next(a for a in demo.anomalies if a["kind"] == "early_warning")
    emp, code = warn["employee_code"], warn["indicator_code"]
    assignment = next(
        a
        for a in demo.kpi_assignments
        if a["period_code"] == "2026-03" and a["employee_code"] == emp and a["indicator_code"] == code
    )
    series = sorted(
        (a["as_of"], a["value"])
        for a in demo.kpi_actuals
        if a["period_code"] == "2026-03" and a["employee_code"] == emp and a["indicator_code"] == code
    )
    below = [d for d, v in series if v < assignment["target_low"]]
    assert below == warn["dates"] == [date(2026, 3, d) for d in range(10, 15)]
    history = [
        a["value"]
        for a in demo.kpi_actuals
        if a["employee_code"] == emp and a["indicator_code"] == code and a["period_code"] != "2026-03"
    ]
    assert min(history) > max(v for _, v in series[-len(below) :])


@pytest.mark.parametrize("n", [15, 30])
def test_first_day_of_month_and_small_companies_work(n: int) -> None:
    first = generate_demo_company(3, today=date(2025, 7, 1), n_employees=n)
    assert len(first.employees) == n
    cards: dict[tuple[str, str], float] = defaultdict(float)
    for a in first.kpi_assignments:
        cards[a["employee_code"], a["period_code"]] += a["weight"]
    assert len(cards) == n * 25 and all(w == pytest.approx(100) for w in cards.values())
    assert not [a for a in first.kpi_actuals if a["period_code"] == "2025-07"]
    # On the 1st the running month has no data yet: the planted warning sits in June's final days instead.
    kinds = [a["kind"] for a in first.anomalies]
    # The operations warning needs a second specialist under the head of operations, which 15 people lack.
    assert kinds == ["inflation"] + ["early_warning"] * (2 if n >= 30 else 1)
    for warning in first.anomalies[1:]:
        assert warning["period_code"] == "2025-06" and warning["dates"][-1] == date(2025, 6, 30)
        assert len(warning["dates"]) == 5
    assert first.sales["ds"].max() == pd.Timestamp(2025, 6, 30)
    assert {u["username"] for u in first.users} == {"admin", "hr", "manager", "employee", "employee2"}


@pytest.mark.parametrize("n", [5, 14, 100_000])
def test_out_of_range_headcount_is_refused(n: int) -> None:
    with pytest.raises(InvalidInput, match="n_employees"):
        generate_demo_company(1, today=TODAY, n_employees=n)


@pytest.mark.parametrize("today", [date(2015, 12, 31), date(2035, 7, 2)])
def test_days_the_promotion_calendar_does_not_cover_are_refused(today: date) -> None:
    with pytest.raises(InvalidInput, match="today="):
        generate_demo_company(1, today=today)
