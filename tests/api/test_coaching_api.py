"""Coaching routes: plans are mine only (managers their line, HR all), alerts scoped, anomalies and course
edits for HR/admin only, course edits use If-Match and are audited."""

from __future__ import annotations

import pytest

from assistant.texts import detect_language
from tests.api.helpers import expected_employees, org_snapshot
from tests.conftest import DEMO_USERS

MISSING = 2_000_000_000


@pytest.mark.parametrize("username", DEMO_USERS)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_my_plan_is_mine_in_my_language(client, tokens, demo_url, username, lang) -> None:
    snap = org_snapshot(demo_url)
    r = client.get("/api/v1/me/plan", params={"lang": lang}, headers=tokens[username])
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["employee_id"] == snap["users"][username][1]
    assert body["language"] == lang
    assert body["kpis"] and body["score"]["lines"]
    assert body["report"]["source"] == "offline" and body["report"]["problems"] == []
    assert detect_language(body["report"]["text"]) == lang
    assert all(t["reason"] for t in body["training"])


def test_employee_plans_follow_the_reporting_line(client, tokens, demo_url) -> None:
    snap = org_snapshot(demo_url)
    everyone = sorted(snap["managers"])
    for username in ("manager", "employee", "employee2"):
        visible = expected_employees(snap, username)
        missing = client.get(f"/api/v1/employees/{MISSING}/plan", headers=tokens[username])
        assert missing.status_code == 404
        sample = sorted(visible)[:3] + [e for e in everyone if e not in visible][:6]
        for emp_id in sample:
            r = client.get(f"/api/v1/employees/{emp_id}/plan", params={"lang": "en"}, headers=tokens[username])
            if emp_id in visible:
                assert r.status_code == 200, (username, emp_id, r.text)
                assert r.json()["employee_id"] == emp_id
            else:
                assert r.status_code == 404, (username, emp_id)
                assert r.json()["title"] == missing.json()["title"]
    for username in ("hr", "admin"):
        for emp_id in everyone[::37]:
            assert client.get(f"/api/v1/employees/{emp_id}/plan", headers=tokens[username]).status_code == 200


@pytest.mark.parametrize("username", DEMO_USERS)
def test_alerts_are_scoped(client, tokens, demo_url, username) -> None:
    snap = org_snapshot(demo_url)
    r = client.get("/api/v1/alerts", params={"limit": 200}, headers=tokens[username])
    assert r.status_code == 200, r.text
    owners = {a["employee_id"] for a in r.json()["data"]}
    assert owners <= expected_employees(snap, username)
    if username in ("hr", "admin"):
        assert r.json()["count"] >= 1  # the demo load stored the planted warning


@pytest.mark.parametrize(("username", "status"), [("employee", 403), ("manager", 403), ("hr", 200), ("admin", 200)])
def test_running_the_checks_is_hr_business(client, tokens, username, status) -> None:
    r = client.post("/api/v1/alerts/run", headers=tokens[username])
    assert r.status_code == status, r.text
    if status == 200:  # a second run right after never duplicates or changes anything
        again = client.post("/api/v1/alerts/run", headers=tokens[username]).json()
        assert again["created"] == 0 and again["updated"] == 0


@pytest.mark.parametrize(
    ("username", "status"), [("employee", 403), ("employee2", 403), ("manager", 403), ("hr", 200), ("admin", 200)]
)
def test_anomalies_for_hr_only(client, tokens, username, status) -> None:
    r = client.get("/api/v1/anomalies", headers=tokens[username])
    assert r.status_code == status
    if status == 200:
        body = r.json()
        assert any(f["check"] == "all_high" and f["subject"].startswith("team:") for f in body["flags"])
        assert {c["code"] for c in body["checks"]} >= {"all_high", "sudden_jump", "bonus_always_full"}
        assert "no score or record was changed" in body["note"]
    assert client.get("/api/v1/anomalies", params={"period_id": MISSING}, headers=tokens["hr"]).status_code == 404


def test_course_catalogue_crud_with_if_match_and_audit(client, tokens) -> None:
    listed = client.get("/api/v1/courses", params={"limit": 200}, headers=tokens["employee"])
    assert listed.status_code == 200 and listed.json()["count"] >= 30
    body = {
        "code": "TST-COACH-1",
        "title_zh": "测试课程",
        "title_en": "Test course",
        "skills": ["communication"],
        "kpi_codes": ["cross_dept_rating"],
        "departments": ["ops"],
        "duration_hours": 2,
        "format": "online",
    }
    assert client.post("/api/v1/courses", json=body, headers=tokens["manager"]).status_code == 403
    bad = client.post("/api/v1/courses", json={**body, "skills": ["juggling"]}, headers=tokens["hr"])
    assert bad.status_code == 422
    made = client.post("/api/v1/courses", json=body, headers=tokens["hr"])
    assert made.status_code == 201, made.text
    cid, etag = made.json()["id"], made.headers["ETag"]
    path = f"/api/v1/courses/{cid}"
    assert client.patch(path, json={"duration_hours": 3}, headers=tokens["hr"]).status_code == 428
    assert (
        client.patch(path, json={"duration_hours": 3}, headers={**tokens["hr"], "If-Match": '"99"'}).status_code == 412
    )
    ok = client.patch(path, json={"duration_hours": 3, "active": False}, headers={**tokens["hr"], "If-Match": etag})
    assert ok.status_code == 200 and ok.json()["duration_hours"] == 3 and ok.json()["version"] == 2
    assert (
        client.patch(path, json={"active": True}, headers={**tokens["employee"], "If-Match": '"2"'}).status_code == 403
    )
    events = client.get("/api/v1/audit-events", params={"limit": 200}, headers=tokens["hr"]).json()["data"]
    assert {("create", "course"), ("update", "course")} <= {(e["action"], e["entity"]) for e in events}
    assert client.get(f"/api/v1/courses/{MISSING}", headers=tokens["employee"]).status_code == 404
