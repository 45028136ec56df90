"""Review-cycle reminders go through the notification channels (a real loopback WeCom robot): the late get one
reminder per person and company day, whatever runs the notification step, and another the next day."""

from __future__ import annotations

from core.clock import Clock, get_clock, parse_pin, zone
from tests.api.helpers import org_snapshot, person
from tests.process.conftest import LOOPBACK_ALLOWED
from tests.process.servers import webhook_server
from workflows.process.notify import run_notify


def test_late_people_get_one_reminder_a_day(client, tokens, demo_url) -> None:
    hr = tokens["hr"]
    snap = org_snapshot(demo_url)
    dept = snap["emp_dept"][person(snap, "employee")]
    periods = client.get("/api/v1/periods", headers=hr, params={"kind": "month", "limit": 200}).json()["data"]
    period = next(p["id"] for p in periods if p["code"] == "2026-10")
    body = {
        "period_id": period,
        "population": "departments",
        "department_ids": [dept],
        "all_cadences": True,
        "self_assessment_on": "2026-11-10",
        "manager_review_on": "2026-11-25",
        "calibration_on": "2026-11-27",
        "publish_on": "2026-11-28",
        "appeal_until": "2026-11-30",
        "lock_on": "2026-12-02",
    }
    r = client.post("/api/v1/review-cycles", headers=hr, json=body)
    assert r.status_code == 201, r.text
    cid = r.json()["id"]
    late = len(client.get(f"/api/v1/review-cycles/{cid}/items", headers=hr).json())
    with webhook_server() as (url, robot):
        version = client.get("/api/v1/notification-channels", headers=tokens["admin"]).json()["version"]
        channel = {"channels": [{"kind": "wecom", "secret": f"{url}/cgi-bin/webhook/send?key=K"}]}
        put = client.put(
            "/api/v1/notification-channels", json=channel, headers={**tokens["admin"], "If-Match": f'"{version}"'}
        )
        assert put.status_code == 200, put.text

        def cycle_posts() -> list[str]:
            texts = [p[1]["text"]["content"] for p in robot.posts]
            return [t for t in texts if f"评估周期 #{cid}" in t]

        run_notify(demo_url, get_clock(), allow=LOOPBACK_ALLOWED)
        first = cycle_posts()
        assert len(first) == late and all("自评" in t for t in first)  # every late person, once
        run_notify(demo_url, get_clock(), allow=LOOPBACK_ALLOWED)
        assert len(cycle_posts()) == late  # the same day: nothing new
        tz = zone("Asia/Shanghai")
        tomorrow = Clock(tz=tz, pinned=parse_pin("2026-11-19", tz))
        run_notify(demo_url, tomorrow, allow=LOOPBACK_ALLOWED)
        assert len(cycle_posts()) == 2 * late  # the next company day: one more each
