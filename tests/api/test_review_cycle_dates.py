"""Review-cycle stages move on the company's dates: at midnight in Shanghai (16:00 UTC the day before), and
across 31 December; an extension and the once-a-day reminders follow the company's calendar too."""

from typing import Any

from core.clock import Clock, parse_pin, zone
from core.db import session_scope
from tests.api.helpers import org_snapshot, person
from tests.conftest import demo_logins
from workflows.cycles.cockpit import reminder_messages
from workflows.cycles.stages import advance

SHANGHAI = zone("Asia/Shanghai")


def _advance(app: Any, url: str, when: str) -> Clock:
    clock = Clock(tz=SHANGHAI, pinned=parse_pin(when, SHANGHAI))
    app.state.clock = clock
    with session_scope(url, clock=clock) as s:
        advance(s)
    return clock


def test_stages_turn_at_shanghai_midnight_and_across_the_year(app, client, demo_url) -> None:
    _advance(app, demo_url, "2026-11-18")
    hr = demo_logins(client)["hr"]
    snap = org_snapshot(demo_url)
    dept = snap["emp_dept"][person(snap, "employee2")]
    periods = client.get("/api/v1/periods", headers=hr, params={"kind": "month", "limit": 200}).json()["data"]
    period = next(p["id"] for p in periods if p["code"] == "2026-11")
    body = {
        "period_id": period,
        "population": "departments",
        "department_ids": [dept],
        "all_cadences": True,
        "self_assessment_on": "2026-11-25",
        "manager_review_on": "2026-12-01",
        "calibration_on": "2026-12-31",
        "publish_on": "2027-01-01",
        "appeal_until": "2027-01-05",
        "lock_on": "2027-01-08",
    }
    r = client.post("/api/v1/review-cycles", headers=hr, json={**body, "lock_on": "2027-01-05"})
    assert r.status_code == 422  # the lock comes after the last day to appeal
    r = client.post("/api/v1/review-cycles", headers=hr, json=body)
    assert r.status_code == 201, r.text
    cid = r.json()["id"]

    def stage(when: str) -> str:
        _advance(app, demo_url, when)
        login = demo_logins(client)["hr"]
        return str(client.get(f"/api/v1/review-cycles/{cid}", headers=login).json()["stage"])

    assert stage("2026-11-30T15:59:59Z") == "self_assessment"  # 23:59:59 in Shanghai
    assert stage("2026-11-30T16:00:00Z") == "manager_review"  # midnight in Shanghai, still 30 Nov in UTC
    assert stage("2026-12-31T15:59:59Z") == "calibration"
    # 1 January in Shanghai: publication is due, but housekeeping never publishes over missing manager reviews.
    assert stage("2026-12-31T16:00:00Z") == "calibration"
    login = demo_logins(client)["hr"]
    cockpit = client.get(f"/api/v1/review-cycles/{cid}/cockpit", headers=login).json()
    late = [e for row in cockpit["late"] for e in row["employee_ids"]]
    assert late and {row["department_id"] for row in cockpit["late"]} == {dept}

    # HR extends the manager review for one person into the new year (audited): they are not late on 1 January.
    etag = client.get(f"/api/v1/review-cycles/{cid}", headers=login).headers["ETag"]
    ext = {"stage": "manager_review", "until": "2027-01-02", "employee_ids": [late[0]], "reason": "假期顺延"}
    assert client.post(f"/api/v1/review-cycles/{cid}/extensions", headers=login, json=ext).status_code == 428
    r = client.post(f"/api/v1/review-cycles/{cid}/extensions", headers={**login, "If-Match": etag}, json=ext)
    assert r.status_code == 200, r.text
    cockpit = client.get(f"/api/v1/review-cycles/{cid}/cockpit", headers=login).json()
    assert late[0] not in [e for row in cockpit["late"] for e in row["employee_ids"]]
    events = client.get("/api/v1/audit-events", headers=login, params={"limit": 20}).json()["data"]
    assert any(e["action"] == "extend" and e["entity"] == "review_cycle" for e in events)

    # Reminders: one key per person and company day, so a second run the same day sends nothing new.
    with session_scope(demo_url, write=False) as s:
        first = {k for k, _, _ in reminder_messages(s, parse_pin("2027-01-01", SHANGHAI).date())}
        again = {k for k, _, _ in reminder_messages(s, parse_pin("2027-01-01", SHANGHAI).date())}
        next_day = {k for k, _, _ in reminder_messages(s, parse_pin("2027-01-02", SHANGHAI).date())}
    assert first and first == again and not first & next_day
    assert all(k.endswith(":2027-01-01") for k in first)


def test_key_positions_population_follows_the_role_cadence(app, client, demo_url) -> None:
    from sqlalchemy import select

    from core.tables import Employee, Position

    _advance(app, demo_url, "2026-11-18")
    hr = demo_logins(client)["hr"]
    periods = client.get("/api/v1/periods", headers=hr, params={"limit": 200}).json()["data"]
    quarter = next(p["id"] for p in periods if p["code"] == "2026-Q4")
    body = {
        "period_id": quarter,
        "population": "key_positions",
        "self_assessment": False,
        "self_assessment_on": "2027-01-02",
        "manager_review_on": "2027-01-02",
        "calibration_on": "2027-01-10",
        "publish_on": "2027-01-12",
        "appeal_until": "2027-01-15",
        "lock_on": "2027-01-18",
    }
    r = client.post("/api/v1/review-cycles", headers=hr, json=body)
    assert r.status_code == 201, r.text
    assert r.json()["stage"] == "manager_review"  # no self-assessment in this cycle
    items = client.get(f"/api/v1/review-cycles/{r.json()['id']}/items", headers=hr).json()
    with session_scope(demo_url, write=False) as s:
        rows = s.execute(select(Employee.id, Position.key_class, Position.review_cycle).join(Position)).all()
    info = {emp: (cls, cadence) for emp, cls, cadence in rows}
    expected = {emp for emp, (cls, cadence) in info.items() if cls in ("A", "B") and cadence == "quarter"}
    assert expected and {i["employee_id"] for i in items} == expected  # key positions reviewed quarterly only
    assert all(i["reviewer_id"] != i["employee_id"] for i in items)


def test_skip_level_appeals_are_a_company_setting(app, client, demo_url) -> None:
    _advance(app, demo_url, "2026-11-18")
    logins = demo_logins(client)
    hr = logins["hr"]
    etag = client.get("/api/v1/company", headers=hr).headers["ETag"]
    r = client.patch("/api/v1/company", headers={**hr, "If-Match": etag}, json={"appeal_decider": "skip_level"})
    assert r.status_code == 200 and r.json()["appeal_decider"] == "skip_level", r.text
    periods = client.get("/api/v1/periods", headers=hr, params={"kind": "month", "limit": 200}).json()["data"]
    period = next(p["id"] for p in periods if p["code"] == "2026-09")
    body = {
        "period_id": period,
        "population": "company",
        "self_assessment_on": "2026-11-18",
        "manager_review_on": "2026-11-19",
        "calibration_on": "2026-11-20",
        "publish_on": "2026-11-21",
        "appeal_until": "2026-11-25",
        "lock_on": "2026-11-28",
    }
    r = client.post("/api/v1/review-cycles", headers=hr, json=body)
    assert r.status_code == 201 and r.json()["appeal_decider"] == "skip_level", r.text
    cid = r.json()["id"]
    etag = client.get(f"/api/v1/review-cycles/{cid}", headers=hr).headers["ETag"]
    move = {"stage": "published", "reason": "演示：按计算结果发布"}
    assert (
        client.post(f"/api/v1/review-cycles/{cid}/stage", headers={**hr, "If-Match": etag}, json=move).status_code
        == 200
    )
    snap = org_snapshot(demo_url)
    me, gm = person(snap, "employee"), person(snap, "admin")
    emp = logins["employee"]
    item = client.get(f"/api/v1/review-cycles/{cid}/items", headers=emp).json()[0]
    kpis = client.get("/api/v1/kpi-assignments", headers=emp, params={"period_id": period, "employee_id": me}).json()
    path = f"/api/v1/review-cycles/{cid}/items/{item['id']}"
    ask = {"assignment_ids": [kpis["data"][0]["id"]], "reason": "数据有误"}
    r = client.post(f"{path}/appeal", headers={**emp, "If-Match": f'"{item["version"]}"'}, json=ask)
    assert r.status_code == 201, r.text
    appeal = r.json()
    assert appeal["decider_id"] == gm  # the employee's manager's manager
    decision = {"decision": "uphold", "reason": "核实无误"}
    apath = f"/api/v1/appeals/{appeal['id']}/decision"
    assert client.post(apath, headers={**hr, "If-Match": '"1"'}, json=decision).status_code == 404  # not the decider
    assert client.get("/api/v1/appeals", headers=logins["manager"]).json() == []  # neither appellant nor decider
    r = client.post(apath, headers={**logins["admin"], "If-Match": '"1"'}, json=decision)
    assert r.status_code == 200 and r.json()["status"] == "upheld", r.text
    assert client.get(path, headers=emp).json()["answer"] == "appeal_upheld"
