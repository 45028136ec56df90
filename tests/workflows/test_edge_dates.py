"""kpilot is right on every day of the year: the date-sensitive flows on the days that used to break them.

For each edge (the 1st of a month, the 1st of a quarter, 1 January, 31 December at 20:00 UTC = already
1 January in Shanghai, and 29 February) a demo company is loaded with the clock pinned there, and a manager,
an employee and HR use it through the API without any set-up. Then the calendar moves on to the next
month's first day and the people find their KPIs already there.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from core.clock import Clock, clock_for, parse_pin, zone
from core.db import session_scope
from core.tables import Department, KpiAssignment, Period
from kpi import periods as cal
from tests.conftest import demo_logins, fresh_db_url, make_settings
from workflows.goals.calendar import run_calendar

EDGES = {
    "first-of-month": "2027-02-01T09:00:00+08:00",
    "first-of-quarter": "2027-04-01T09:00:00+08:00",
    "new-year": "2027-01-01T00:30:00+08:00",
    "new-year-eve-utc": "2026-12-31T20:00:00Z",
    "leap-day": "2028-02-29T09:00:00+08:00",
}
SHANGHAI = zone("Asia/Shanghai")


@dataclass
class Edge:
    """A demo company loaded on one edge day, and an API client whose clock stands on that day."""

    url: str
    now: str
    today: date
    client: TestClient
    headers: dict[str, dict[str, str]]


@pytest.fixture(scope="module", params=sorted(EDGES), ids=sorted(EDGES))
def edge(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Edge]:
    from api.app import create_app
    from core.migrate import upgrade
    from demo.load import load_demo_company

    now = EDGES[request.param]
    clock = Clock(tz=SHANGHAI, pinned=parse_pin(now, SHANGHAI))
    url = fresh_db_url("sqlite", tmp_path_factory.mktemp("edge"), request.param)
    upgrade(url)
    assert load_demo_company(url, seed=11, clock=clock, n_employees=30)
    with TestClient(create_app(make_settings(url, today=now)), raise_server_exceptions=False) as client:
        yield Edge(url, now, clock.today(), client, demo_logins(client))


def test_the_company_day_is_the_shanghai_day(edge: Edge) -> None:
    expected = {"2026-12-31T20:00:00Z": date(2027, 1, 1), "2027-01-01T00:30:00+08:00": date(2027, 1, 1)}
    assert edge.today == expected.get(edge.now, date.fromisoformat(edge.now[:10]))


def test_periods_exist_through_next_quarter(edge: Edge) -> None:
    r = edge.client.get("/api/v1/periods", params={"limit": 200}, headers=edge.headers["manager"])
    assert r.status_code == 200, r.text
    codes = {p["code"] for p in r.json()["data"]}
    nxt = cal.add_months(cal.quarter_start(edge.today), 3)
    assert {cal.month(edge.today).code, cal.quarter(edge.today).code, cal.year(edge.today).code} <= codes
    assert {cal.quarter(nxt).code, cal.month(cal.add_months(nxt, 2)).code, cal.year(nxt).code} <= codes


def test_manager_sees_recent_warnings_in_their_language(edge: Edge) -> None:
    r = edge.client.get("/api/v1/alerts", headers=edge.headers["manager"])
    assert r.status_code == 200, r.text
    alerts = r.json()["data"]
    assert alerts, "a manager opening kpilot on an edge day must not see an empty alert list"
    newest = max(a["end_date"] for a in alerts)
    assert (edge.today - date.fromisoformat(newest)).days <= 7
    zh, en = alerts[0]["explanation_zh"], alerts[0]["explanation_en"]
    assert "转化率" in zh and "conversion" not in zh.lower() and "onversion" in en


def test_employee_plan_is_a_plan_for_today(edge: Edge) -> None:
    r = edge.client.get("/api/v1/me/plan", params={"lang": "zh"}, headers=edge.headers["employee"])
    assert r.status_code == 200, r.text
    plan = r.json()
    current = plan["current_period"]
    assert current["kind"] == "month" and current["start_date"] <= edge.today.isoformat() <= current["end_date"]
    assert plan["kpis"] and all(k["target"] is not None for k in plan["kpis"])
    review = plan["review_period"]
    assert review is not None and review["end_date"] < edge.today.isoformat()
    text = plan["report"]["text"] if plan["report"] else ""
    assert "总分 0 分" not in text and "总分 0.0 分" not in text
    assert plan["report"] is not None or plan["notes"]


def test_manager_drafts_the_running_quarter_without_setup(edge: Edge) -> None:
    with session_scope(edge.url, write=False) as s:
        ops = s.execute(select(Department.id).where(Department.code == "ops")).scalar_one()
        quarter = s.execute(select(Period.id).where(Period.code == cal.quarter(edge.today).code)).scalar_one()
        nxt = s.execute(
            select(Period.id).where(Period.code == cal.quarter(cal.add_months(edge.today, 3)).code)
        ).scalar_one()
    for period in (quarter, nxt):
        r = edge.client.post(
            "/api/v1/goal-drafts",
            headers=edge.headers["manager"],
            json={"department_id": ops, "period_id": period, "lang": "zh", "again": True},
        )
        assert r.status_code == 201, r.text[:300]
        assert r.json()["draft"]["people"]


def test_approved_weights_take_effect_next_company_month(edge: Edge) -> None:
    hr = edge.headers["hr"]
    pending = edge.client.get("/api/v1/weight-proposals", headers=hr, params={"status": "pending"}).json()["data"]
    assert pending
    detail = edge.client.get(f"/api/v1/weight-proposals/{pending[0]['id']}", headers=hr)
    ok = edge.client.post(
        f"/api/v1/weight-proposals/{pending[0]['id']}/approve",
        headers={**hr, "If-Match": detail.headers["etag"]},
        json={"note": "edge"},
    )
    assert ok.status_code == 200, ok.text
    # 31 December 20:00 UTC is already January in Shanghai: the new weights start in February, not January.
    assert ok.json()["effective_period"] == cal.month(cal.add_months(edge.today, 1)).code


def test_on_the_next_period_s_first_day_people_already_have_their_kpis(edge: Edge) -> None:
    first = cal.add_months(edge.today, 1)
    moved = clock_for(make_settings(edge.url, today=first.isoformat()))
    run = run_calendar(edge.url, moved)
    assert run.today == first and run.assignments_rolled > 0
    with session_scope(edge.url, write=False) as s:
        month = s.execute(select(Period).where(Period.code == cal.month(first).code)).scalar_one()
        prev = s.execute(select(Period).where(Period.code == cal.month(edge.today).code)).scalar_one()
        counts = {
            p.code: s.execute(select(func.count(KpiAssignment.id)).where(KpiAssignment.period_id == p.id)).scalar_one()
            for p in (month, prev)
        }
        ahead = s.execute(select(Period.code).where(Period.code == cal.quarter(cal.add_months(first, 3)).code))
        assert ahead.scalar_one_or_none() is not None
    assert counts[month.code] == counts[prev.code] > 0
    # A second run on the same day changes nothing (no duplicates).
    again = run_calendar(edge.url, moved)
    assert again.assignments_rolled == 0 and again.periods_created == []
