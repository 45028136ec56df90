"""Versioned updates, idempotent creates, strict bodies and problem+json errors."""

import uuid

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from core.db import session_scope
from core.tables import AuditEvent, Department, KpiAssignment


def _new_department(client, headers, **extra):
    code = "t-" + uuid.uuid4().hex[:10]
    body = {"code": code, "name_zh": "测试部", "name_en": "Test dept", **extra}
    r = client.post("/api/v1/departments", headers=headers, json=body)
    assert r.status_code == 201, r.text
    return r


def test_update_needs_if_match_and_rejects_stale_versions(client, tokens) -> None:
    h = tokens["hr"]
    created = _new_department(client, h)
    dept, etag = created.json(), created.headers["etag"]
    url = f"/api/v1/departments/{dept['id']}"
    assert client.patch(url, headers=h, json={"name_en": "A"}).status_code == 428
    ok = client.patch(url, headers={**h, "If-Match": etag}, json={"name_en": "Renamed"})
    assert ok.status_code == 200 and ok.json()["name_en"] == "Renamed" and ok.json()["version"] == 2
    stale = client.patch(url, headers={**h, "If-Match": etag}, json={"name_en": "Lost update"})
    assert stale.status_code == 412
    assert stale.headers["content-type"] == "application/problem+json"
    assert client.get(url, headers=h).json()["name_en"] == "Renamed"
    assert client.get(url, headers=h).headers["etag"] == ok.headers["etag"]


def test_idempotency_key_makes_a_retry_return_the_first_result(client, tokens, demo_url) -> None:
    h = {**tokens["hr"], "Idempotency-Key": uuid.uuid4().hex}
    code = "idem-" + uuid.uuid4().hex[:8]
    body = {"code": code, "name_zh": "幂等部", "name_en": "Idempotent"}
    first = client.post("/api/v1/departments", headers=h, json=body)
    again = client.post("/api/v1/departments", headers=h, json=body)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    with session_scope(demo_url, write=False) as s:
        assert len(s.execute(select(Department).where(Department.code == code)).scalars().all()) == 1
    other = client.post("/api/v1/departments", headers=h, json={**body, "name_en": "Different"})
    assert other.status_code == 409


def test_duplicate_unique_code_is_409(client, tokens) -> None:
    h = tokens["hr"]
    first = _new_department(client, h).json()
    dup = client.post(
        "/api/v1/departments", headers=h, json={"code": first["code"], "name_zh": "重复", "name_en": "Dup"}
    )
    assert dup.status_code == 409
    assert "Traceback" not in dup.text and "INSERT" not in dup.text.upper()


def test_unknown_fields_are_rejected(client, tokens) -> None:
    r = client.post(
        "/api/v1/departments",
        headers=tokens["hr"],
        json={"code": "x-unknown", "name_zh": "x", "name_en": "x", "budget": 1},
    )
    assert r.status_code == 422
    body = r.json()
    assert body["status"] == 422 and r.headers["content-type"] == "application/problem+json"
    assert any(e["loc"][-1] == "budget" for e in body["errors"])


def test_malformed_json_is_400_problem(client, tokens) -> None:
    r = client.post(
        "/api/v1/departments", headers={**tokens["hr"], "Content-Type": "application/json"}, content=b'{"code": "x",'
    )
    assert r.status_code == 400
    assert r.headers["content-type"] == "application/problem+json"


def test_oversized_body_is_413(client, tokens) -> None:
    big = b'{"code": "' + b"x" * 3_000_000 + b'"}'
    r = client.post("/api/v1/departments", headers={**tokens["hr"], "Content-Type": "application/json"}, content=big)
    assert r.status_code == 413
    assert r.headers["content-type"] == "application/problem+json"


def test_department_cannot_become_its_own_ancestor(client, tokens) -> None:
    h = tokens["hr"]
    parent = _new_department(client, h).json()
    child = _new_department(client, h, parent_id=parent["id"]).json()
    r = client.patch(
        f"/api/v1/departments/{parent['id']}", headers={**h, "If-Match": '"1"'}, json={"parent_id": child["id"]}
    )
    assert r.status_code == 422


def test_every_change_is_audited_with_before_and_after(client, tokens, demo_url) -> None:
    h = tokens["hr"]
    created = _new_department(client, h)
    dept = created.json()
    client.patch(
        f"/api/v1/departments/{dept['id']}",
        headers={**h, "If-Match": created.headers["etag"]},
        json={"name_en": "Audited"},
    )
    with session_scope(demo_url, write=False) as s:
        events = (
            s.execute(
                select(AuditEvent)
                .where(AuditEvent.entity == "department", AuditEvent.entity_id == str(dept["id"]))
                .order_by(AuditEvent.id)
            )
            .scalars()
            .all()
        )
    assert [e.action for e in events] == ["create", "update"]
    assert events[1].actor == "hr"
    assert events[1].before is not None and events[1].after is not None
    assert events[1].before["name_en"] == "Test dept" and events[1].after["name_en"] == "Audited"
    verify = client.get("/api/v1/audit-events/verify", headers=h).json()
    assert verify["ok"], verify


def test_health_reports_database_and_llm_provider(client) -> None:
    body = client.get("/api/v1/health").json()
    assert body["status"] == "ok"
    assert body["llm_provider"] == "offline"
    assert body["migration"] is not None


def test_demo_password_refused_outside_demo_mode(demo_url) -> None:
    from fastapi.testclient import TestClient

    from api.app import create_app
    from tests.conftest import TEST_SECRET, make_settings

    app = create_app(make_settings(demo_url, demo=False, secret_key=TEST_SECRET))
    with TestClient(app) as c:
        r = c.post("/api/v1/auth/token", data={"username": "hr", "password": "kpilot-demo"})
    assert r.status_code == 401
    assert "demo" in r.json()["detail_en"]


def test_wrong_password_is_401(client) -> None:
    r = client.post("/api/v1/auth/token", data={"username": "hr", "password": "wrong-password"})
    assert r.status_code == 401


def test_same_kpi_twice_for_one_person_and_period_is_409(client, tokens, demo_url) -> None:
    from tests.api.helpers import org_snapshot, person, reports_of

    snap = org_snapshot(demo_url)
    manager_emp = person(snap, "manager")
    report = min(reports_of(snap["managers"], manager_emp) - {manager_emp})
    period = client.post(
        "/api/v1/periods",
        headers=tokens["hr"],
        json={
            "code": "dup-" + uuid.uuid4().hex[:8],
            "kind": "campaign",
            "start_date": "2031-06-01",
            "end_date": "2031-06-18",
            "name_zh": "测试活动",
            "name_en": "Test campaign",
        },
    ).json()["id"]
    body = {
        "period_id": period,
        "indicator_code": "conversion_rate",
        "employee_id": report,
        "weight": 30,
        "target": 3.5,
    }
    first = client.post("/api/v1/kpi-assignments", headers=tokens["manager"], json=body)
    assert first.status_code == 201, first.text
    again = client.post("/api/v1/kpi-assignments", headers=tokens["manager"], json=body)
    assert again.status_code == 409 and "already has 'conversion_rate'" in again.text
    # The database refuses it too (a partial unique index per owner kind), so two racing requests cannot both
    # write it: a direct insert of the same owner, indicator and period fails.
    with pytest.raises(IntegrityError), session_scope(demo_url) as s:
        kept = s.execute(select(KpiAssignment).where(KpiAssignment.id == first.json()["id"])).scalar_one()
        s.add(
            KpiAssignment(
                period_id=kept.period_id, indicator_id=kept.indicator_id, employee_id=kept.employee_id, weight=10
            )
        )
        s.flush()
