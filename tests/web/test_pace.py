"""The forecast's chance and 80% range in Chromium: the manager's own plan (a KPI measured from the operations
shops' sales) and the team page, in Chinese and in English, checked against the API's JSON."""

from pathlib import Path

import pytest

from core.clock import get_clock
from tests.web.conftest import api, login


@pytest.fixture(scope="module", autouse=True)
def paced(demo_url: str) -> None:
    """Housekeeping's sales actuals, then the queued `pace` job's run (what the worker does after an import)."""
    from workflows.coaching.forecast_pace import run_pace_job
    from workflows.goals.sales_actuals import run_sales_actuals

    run_sales_actuals(demo_url, get_clock())
    run_pace_job(demo_url, get_clock())


def _forecast_kpis(plan: dict) -> list[dict]:  # type: ignore[type-arg]
    return [k for k in plan["kpis"] if k["pace"] and k["pace"]["method"] == "forecast"]


def _pct(v: float) -> str:
    return f"{round(v):.0f}%"


def test_the_plan_shows_the_chance_and_the_range_in_both_languages(page, screenshots: Path) -> None:
    login(page, "manager")
    page.goto("/#/plan")
    page.wait_for_selector(".chance")
    plan = api(page, "/me/plan?lang=zh")
    kpis = _forecast_kpis(plan)
    assert kpis, "the head of operations' conversion is measured from sales and forecast"
    for k in kpis:
        row = page.locator("main table").first.locator("tr", has=page.locator(f'[data-code="{k["code"]}"]'))
        text = row.inner_text()
        if k["pace"]["probability_pct"] is not None:
            assert f"达成目标的概率约 {_pct(k['pace']['probability_pct'])}" in text
        assert "预计期末 80% 区间" in text and k["pace"]["explanation"] in text
        assert "来自销售数据" in text and k["measured"]["formula"] in text
    page.screenshot(path=screenshots / "plan-forecast-zh.png", full_page=True)
    page.click("#lang")
    page.wait_for_selector("text=80% range of the end value")
    en = api(page, "/me/plan?lang=en")
    for k in _forecast_kpis(en):
        row = page.locator("main table").first.locator("tr", has=page.locator(f'[data-code="{k["code"]}"]'))
        text = row.inner_text()
        if k["pace"]["probability_pct"] is not None:
            assert f"about {_pct(k['pace']['probability_pct'])} chance of the target" in text
        assert k["pace"]["explanation"] in text and "From sales data" in text
    page.screenshot(path=screenshots / "plan-forecast-en.png", full_page=True)


def test_the_team_page_shows_the_chance_and_the_range_riskiest_first(page, screenshots: Path) -> None:
    login(page, "hr")
    me = api(page, "/me")
    assert me
    manager = [e for e in api(page, "/employees?limit=200")["data"] if e["id"] == _manager_id(page)][0]
    page.goto(f"/#/team?department={manager['department_id']}")
    page.wait_for_selector(".risk")
    view = api(page, f"/team/overview?department_id={manager['department_id']}")
    first = view["members"][0]
    assert first["lowest_probability_pct"] is not None  # riskiest first
    rows = page.locator("main table tbody tr")
    assert first["name_zh"] in rows.first.inner_text()
    text = rows.first.inner_text()
    for r in first["risk"]:
        assert r["name_zh"] in text and "预计期末 80% 区间" in text
        if r["probability_pct"] is not None:
            assert _pct(r["probability_pct"]) in text
    assert "达成概率" in page.inner_text("main table thead")
    page.screenshot(path=screenshots / "team-forecast-zh.png", full_page=True)
    page.click("#lang")
    page.wait_for_selector("text=Chance of target")
    assert first["name_en"] in page.locator("main table tbody tr").first.inner_text()
    assert "80% range of the end value" in page.locator("main table tbody tr").first.inner_text()
    page.screenshot(path=screenshots / "team-forecast-en.png", full_page=True)


def _manager_id(page) -> int:
    """The demo manager's employee id, as HR reads it from the users list."""
    users = api(page, "/users?limit=200")["data"]
    return int(next(u["employee_id"] for u in users if u["username"] == "manager"))
