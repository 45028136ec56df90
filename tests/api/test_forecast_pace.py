"""Pace from the forecast and warnings that look ahead: a queued pace job (run here through its real handler)
projects every sales KPI of the running period; the plan, the team page and the report show the chance and the
80% range; the forward-looking warning opens once per change and follows the company's threshold."""

from datetime import date

import pytest
from sqlalchemy import select

from core.clock import get_clock
from core.db import session_scope
from core.tables import CoachingAlert, Indicator, Job, KpiAssignment, PaceForecast, User
from tests.conftest import make_settings
from workflows.coaching.forward_alerts import trigger, warn_ahead
from workflows.jobs.handlers import HANDLERS, JobContext
from workflows.process.notify import gather


@pytest.fixture(scope="module")
def app(demo_url: str):
    """No embedded worker: this module runs the queued `pace` job's handler itself, once."""
    from api.app import create_app

    return create_app(make_settings(demo_url, jobs_embedded=False))


@pytest.fixture(scope="module")
def paced(client, demo_url: str, app) -> str:
    """The demo after housekeeping (app start-up) and one run of the queued `pace` job's handler."""
    ctx = JobContext(url=demo_url, clock=get_clock(), settings=app.state.settings)
    HANDLERS["pace"].run(ctx, {})
    return demo_url


def _employee(url: str, username: str) -> int:
    with session_scope(url, write=False) as s:
        emp = s.execute(select(User.employee_id).where(User.username == username)).scalar_one()
        assert emp is not None
        return int(emp)


def test_the_plan_shows_the_chance_the_range_and_the_straight_line_where_there_is_no_forecast(
    client, tokens, paced
) -> None:
    plan = client.get("/api/v1/me/plan?lang=zh", headers=tokens["admin"]).json()
    kpis = {k["code"]: k for k in plan["kpis"]}
    gmv = kpis["gmv"]["pace"]
    assert gmv["method"] == "forecast" and gmv["probability_pct"] is not None
    assert gmv["low"] < gmv["projected_end"] < gmv["high"]
    assert gmv["explanation"].startswith("按预测，") and "80% 区间" in gmv["explanation"]
    assert "剩余" in gmv["explanation"] and gmv["days_left"] == (date(2026, 11, 30) - date(2026, 11, 17)).days
    assert kpis["gmv"]["measured"]["source"] == "sales" and len(kpis["gmv"]["measured"]["shops"]) >= 2
    others = [k for k in plan["kpis"] if k["measured"] is None and k["pace"] is not None]
    assert others and all(k["pace"]["method"] == "straight" and "直线推算" in k["pace"]["explanation"] for k in others)
    en = client.get("/api/v1/me/plan?lang=en", headers=tokens["admin"]).json()
    gmv_en = {k["code"]: k for k in en["kpis"]}["gmv"]["pace"]
    assert gmv_en["explanation"].startswith("By the forecast") and "80% range" in gmv_en["explanation"]
    # The report says it too, Chinese first: "按预测，…达成目标的概率约 N%；需要在剩余 13 天里日均多卖 …".
    if gmv["probability_pct"] < 50:
        assert "达成目标的概率约" in plan["report"]["text"] and "日均多卖" in plan["report"]["text"]


def test_the_team_page_lists_the_riskiest_first(client, tokens, paced) -> None:
    with session_scope(paced, write=False) as s:
        dept = s.execute(select(User.employee_id).where(User.username == "manager")).scalar_one()
        from core.tables import Employee

        dept_id = s.get(Employee, dept).department_id  # type: ignore[union-attr]
    view = client.get(f"/api/v1/team/overview?department_id={dept_id}", headers=tokens["hr"]).json()
    members = view["members"]
    lows = [m["lowest_probability_pct"] for m in members]
    known = [x for x in lows if x is not None]
    assert known and known == sorted(known) and lows[: len(known)] == known  # riskiest first, unknown last
    head = next(m for m in members if m["employee_id"] == _employee(paced, "manager"))
    assert head["risk"] and head["risk"][0]["code"] == "conversion_rate" and head["risk"][0]["low"] is not None


def test_the_forward_warning_opens_once_per_change_and_follows_the_company_setting(client, tokens, paced) -> None:
    gm = _employee(paced, "admin")
    with session_scope(paced) as s:
        gmv = s.execute(
            select(PaceForecast)
            .join(KpiAssignment, KpiAssignment.id == PaceForecast.assignment_id)
            .join(Indicator, Indicator.id == KpiAssignment.indicator_id)
            .where(KpiAssignment.employee_id == gm, Indicator.code == "gmv")
        ).scalar_one()
        p = gmv.p_target
        assert p is not None
        alerts = s.execute(select(CoachingAlert).where(CoachingAlert.kind == "forecast_risk")).scalars().all()
        mine = [a for a in alerts if a.assignment_id == gmv.assignment_id]
        assert (len(mine) == 1) == (p < 0.30)
        rows = list(s.execute(select(PaceForecast)).scalars())
        assert warn_ahead(s, rows) == 0  # the same numbers again: nothing new to send
        messages = [m for m in gather(s, get_clock().today()) if m.key.startswith("alert:")]
    if mine:
        text = mine[0].explanation_zh
        assert text.startswith("按预测，") and f"{round(100 * p)}%" in text and "剩余 13 天" in text
        assert sum(1 for m in messages if m.key == f"alert:{mine[0].id}") == 1
    # The company lowers its threshold below this chance: the warning closes.
    company = client.get("/api/v1/company", headers=tokens["admin"])
    r = client.patch(
        "/api/v1/company",
        json={"forecast_alert_below": max(p - 0.01, 0.0)},
        headers={**tokens["admin"], "If-Match": company.headers["ETag"]},
    )
    assert r.status_code == 200 and r.json()["forecast_alert_below"] == pytest.approx(max(p - 0.01, 0.0))
    with session_scope(paced) as s:
        warn_ahead(s, list(s.execute(select(PaceForecast)).scalars()))
    with session_scope(paced, write=False) as s:
        still = (
            s.execute(
                select(CoachingAlert).where(
                    CoachingAlert.assignment_id == gmv.assignment_id, CoachingAlert.kind == "forecast_risk"
                )
            )
            .scalars()
            .all()
        )
    assert all(not a.ongoing for a in still)


def test_a_drop_of_more_than_twenty_points_in_a_week_warns() -> None:
    row = PaceForecast(as_of=date(2026, 11, 17), p_target=0.5, history=[["2026-11-11", 0.8], ["2026-11-17", 0.5]])
    assert trigger(row, 0.3) == "drop"
    row.history = [["2026-11-11", 0.65], ["2026-11-17", 0.5]]
    assert trigger(row, 0.3) is None
    row.p_target = None  # no probability (thin data): no warning either
    assert trigger(row, 0.3) is None


def test_a_sales_import_queues_a_pace_refresh_once(client, tokens, paced) -> None:
    """Pace is refreshed by the job queue when sales arrive; two imports in a row wait for one refresh."""
    csv = "shop_code,ds,sales,orders,visitors\n"
    shop = client.get("/api/v1/shops", headers=tokens["hr"]).json()
    code = (shop["data"] if isinstance(shop, dict) else shop)[0]["code"]
    for value in (1000, 2000):
        r = client.post(
            "/api/v1/imports/sales",
            files={"file": ("s.csv", f"{csv}{code},2026-11-17,{value},10,100\n".encode())},
            headers=tokens["hr"],
        )
        assert r.status_code == 200, r.text
    with session_scope(paced, write=False) as s:
        kinds = [j.status for j in s.execute(select(Job).where(Job.kind == "pace")).scalars()]
    assert kinds == ["queued"]
