"""Weekly check-ins (过程跟踪): only the KPI's owner posts, once per KPI and week; the manager chain comments; reads
are scoped; a missing check-in is a reminder (from Thursday, one per person and week), never a penalty."""

from datetime import date

from core.db import session_scope
from tests.api.helpers import org_snapshot
from workflows.cycles.checkins import missing_messages


def test_check_ins(client, tokens, demo_url) -> None:
    emp, emp2, mgr, hr = (tokens[u] for u in ("employee", "employee2", "manager", "hr"))
    users = org_snapshot(demo_url)["users"]
    me, me2 = users["employee"][1], users["employee2"][1]
    periods = client.get("/api/v1/periods", headers=hr, params={"kind": "month", "limit": 200}).json()["data"]
    now = next(p["id"] for p in periods if p["code"] == "2026-11")
    kpi = client.get("/api/v1/kpi-assignments", headers=emp, params={"period_id": now, "employee_id": me}).json()
    kid = kpi["data"][0]["id"]
    body = {"assignment_id": kid, "note": "完成两场直播复盘", "confidence": 4, "blocker": "等待设计素材"}
    assert client.post("/api/v1/check-ins", headers=emp, json={**body, "confidence": 6}).status_code == 422
    assert client.post("/api/v1/check-ins", headers=emp2, json=body).status_code == 404  # not their KPI
    assert client.post("/api/v1/check-ins", headers=mgr, json=body).status_code == 404  # not even their manager
    r = client.post("/api/v1/check-ins", headers=emp, json=body)
    assert r.status_code == 201, r.text
    row = r.json()
    assert row["week_start"] == "2026-11-16" and row["confidence"] == 4  # the Monday, company time
    assert client.post("/api/v1/check-ins", headers=emp, json=body).status_code == 409  # once per KPI and week

    def ids(h: dict[str, str]) -> set[int]:
        got = client.get("/api/v1/check-ins", headers=h, params={"period_id": now})
        assert got.status_code == 200, got.text
        return {c["id"] for c in got.json()["data"]}

    assert row["id"] in ids(emp) and row["id"] in ids(mgr) and row["id"] in ids(hr)
    assert row["id"] not in ids(emp2)
    path = f"/api/v1/check-ins/{row['id']}/comment"
    assert client.post(path, headers={**emp, "If-Match": '"1"'}, json={"comment": "自评"}).status_code == 403
    assert client.post(path, headers=mgr, json={"comment": "素材我来协调"}).status_code == 428
    r = client.post(path, headers={**mgr, "If-Match": '"1"'}, json={"comment": "素材我来协调"})
    assert r.status_code == 200, r.text
    assert r.json()["manager_comment"] == "素材我来协调" and r.json()["commented_by_name"] == "manager"
    assert client.post(path, headers={**mgr, "If-Match": '"1"'}, json={"comment": "再改"}).status_code == 412
    with session_scope(demo_url, write=False) as s:
        assert missing_messages(s, date(2026, 11, 18)) == []  # Wednesday: the week is young
        keys = {k for k, _, _ in missing_messages(s, date(2026, 11, 19))}
    assert f"checkin:{me2}:2026-11-16" in keys and f"checkin:{me}:2026-11-16" not in keys
