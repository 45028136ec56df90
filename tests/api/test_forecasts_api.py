"""Target-range forecasts through the API: a job on the queue, persisted ranges, fan chart, access checks."""

import re
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from core.clock import get_clock
from core.db import session_scope
from core.tables import Department, Period, Shop
from tests.api.helpers import settled_job
from tests.conftest import make_settings


@pytest.fixture(scope="module")
def fast_client(demo_url, tokens):
    """The app with a short history window so a forecast job runs in seconds in tests."""
    from api.app import create_app

    app = create_app(make_settings(demo_url, forecast_history_days=120))
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def _current_month(url: str) -> tuple[int, date]:
    today = get_clock().today()
    with session_scope(url, write=False) as s:
        p = s.execute(
            select(Period).where(
                Period.kind == "month",
                Period.start_date <= today - timedelta(days=1),
                Period.end_date >= today - timedelta(days=1),
            )
        ).scalar_one()
        return p.id, p.end_date


def _shops_of(url: str, dept_codes: set[str]) -> dict[int, str]:
    with session_scope(url, write=False) as s:
        rows = s.execute(
            select(Shop.id, Shop.code)
            .join(Department, Department.id == Shop.department_id)
            .where(Department.code.in_(dept_codes))
        ).all()
    return dict(rows)


def test_manager_forecast_runs_and_stores_ranges_for_own_shops(fast_client, tokens, demo_url) -> None:
    period_id, _ = _current_month(demo_url)
    r = fast_client.post("/api/v1/forecasts", headers=tokens["manager"], json={"period_id": period_id})
    assert r.status_code == 202, r.text
    job = settled_job(fast_client, r.headers["location"], tokens["manager"])
    assert job["status"] == "done", job["message"]
    # the status is data (a code and its parameters) with words in both languages, none machine text in Chinese
    assert job["message_code"] in ("forecast.done", "forecast.done_widened")
    assert job["message_params"]["count"] == len(job["ranges"]) and job["message"] == job["message_en"]
    assert "target range(s)" in job["message_en"] and f"{len(job['ranges'])} 个目标区间" in job["message_zh"]
    assert not re.search(r"[A-Za-z\[\]']", job["message_zh"]), job["message_zh"]
    own = _shops_of(demo_url, {"ops"})
    assert {x["shop_id"] for x in job["ranges"]} == set(own)
    for rng in job["ranges"]:
        assert 0 < rng["conservative"] <= rng["base"] <= rng["stretch"]
        assert rng["quantiles"] == [0.2, 0.5, 0.8] and len(rng["data_hash"]) == 64
    listed = fast_client.get(
        "/api/v1/target-ranges", headers=tokens["manager"], params={"period_id": period_id}
    ).json()["data"]
    assert {x["job_id"] for x in listed} >= {job["id"]}
    chart = fast_client.get(f"/api/v1/forecasts/{job['id']}/chart.png", headers=tokens["manager"])
    assert chart.status_code == 200 and chart.headers["content-type"] == "image/png"
    assert chart.content[:8] == b"\x89PNG\r\n\x1a\n"
    english = fast_client.get(f"/api/v1/forecasts/{job['id']}/chart.png?lang=en", headers=tokens["manager"])
    assert english.status_code == 200 and english.content[:8] == b"\x89PNG\r\n\x1a\n"


def test_manager_cannot_forecast_or_read_other_departments_shops(fast_client, tokens, demo_url) -> None:
    period_id, _ = _current_month(demo_url)
    foreign = set(_shops_of(demo_url, {"live"}))
    assert foreign, "the demo has a live-stream shop"
    shop = min(foreign)
    r = fast_client.post("/api/v1/forecasts", headers=tokens["manager"], json={"period_id": period_id, "shop_id": shop})
    assert r.status_code == 404
    hr_job = fast_client.post(
        "/api/v1/forecasts", headers=tokens["hr"], json={"period_id": period_id, "shop_id": shop}
    ).json()
    assert fast_client.get(f"/api/v1/forecasts/{hr_job['id']}", headers=tokens["manager"]).status_code == 404
    assert settled_job(fast_client, f"/api/v1/forecasts/{hr_job['id']}", tokens["hr"])["status"] == "done"
    ranges = fast_client.get("/api/v1/target-ranges", headers=tokens["manager"], params={"shop_id": shop}).json()
    assert ranges["count"] == 0


def test_employees_cannot_trigger_or_read_forecasts(fast_client, tokens, demo_url) -> None:
    period_id, _ = _current_month(demo_url)
    for user in ("employee", "employee2"):
        assert (
            fast_client.post("/api/v1/forecasts", headers=tokens[user], json={"period_id": period_id}).status_code
            == 403
        )
        assert fast_client.get("/api/v1/target-ranges", headers=tokens[user]).status_code == 403


def test_past_period_is_refused_with_a_reason(fast_client, tokens, demo_url) -> None:
    with session_scope(demo_url, write=False) as s:
        old = s.execute(
            select(Period.id).where(Period.end_date < get_clock().today() - timedelta(days=40)).limit(1)
        ).scalar_one()
    r = fast_client.post("/api/v1/forecasts", headers=tokens["hr"], json={"period_id": old})
    assert r.status_code == 422 and "period" in r.json()["detail_en"]


def test_bad_quantiles_are_422(fast_client, tokens, demo_url) -> None:
    period_id, _ = _current_month(demo_url)
    r = fast_client.post(
        "/api/v1/forecasts", headers=tokens["hr"], json={"period_id": period_id, "quantiles": [0.8, 0.5, 0.2]}
    )
    assert r.status_code == 422


def test_a_forecast_lists_the_promotion_events_it_used(fast_client, tokens, demo_url) -> None:
    """The company's own campaign in the horizon is listed with the job, per shop and in both languages, and
    stays as the forecast saw it when the calendar is corrected afterwards."""
    period_id, end = _current_month(demo_url)
    shop = min(_shops_of(demo_url, {"ops"}))
    start = end - timedelta(days=3)
    campaign = {"name": "会员日", "kind": "shop", "shop_id": shop, "start_date": str(start), "end_date": str(end)}
    made = fast_client.post("/api/v1/promotions", headers=tokens["hr"], json=campaign)
    assert made.status_code == 201, made.text
    r = fast_client.post("/api/v1/forecasts", headers=tokens["hr"], json={"period_id": period_id, "shop_id": shop})
    job = settled_job(fast_client, r.headers["location"], tokens["hr"])
    assert job["status"] == "done", job["message"]
    mine = [e for e in job["events"] if e["name_zh"] == "会员日"]
    assert mine == [
        {"shop_id": shop, "name_zh": "会员日", "name_en": "会员日", "start_date": str(start), "end_date": str(end)}
    ]
    assert all(e["shop_id"] == shop and e["start_date"] <= e["end_date"] for e in job["events"])
    etag = made.headers["etag"]
    moved = {"start_date": str(start - timedelta(days=1))}
    path = f"/api/v1/promotions/{made.json()['id']}"
    assert fast_client.patch(path, headers={**tokens["hr"], "If-Match": etag}, json=moved).status_code == 200
    again = fast_client.get(f"/api/v1/forecasts/{job['id']}", headers=tokens["hr"]).json()
    assert again["events"] == job["events"]  # what the forecast used, not today's calendar
