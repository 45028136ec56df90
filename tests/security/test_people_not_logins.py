"""Only people score people: an admin cannot mint an HR login that belongs to nobody and use it to raise their
own score; a login left unlinked (from the console) may not write actuals, targets, imports or pay; nobody edits
their own manager, department or position; the audit names the person behind the login."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.app import create_app
from core.db import session_scope
from core.tables import AuditEvent, Employee, KpiAssignment, User
from tests.conftest import demo_logins, make_settings
from workflows.org.users import create_user

PW = "Silver-Lantern-8842"


@pytest.fixture(scope="module")
def web(demo_url: str) -> Iterator[TestClient]:
    with TestClient(create_app(make_settings(demo_url)), raise_server_exceptions=False) as c:
        yield c


@pytest.fixture(scope="module")
def auth(web: TestClient) -> dict[str, dict[str, str]]:
    return demo_logins(web)


def _ids(url: str) -> tuple[dict[str, int], int]:
    """Each demo login's employee id, and an employee nobody logs in as."""
    with session_scope(url, write=False) as s:
        linked = dict(s.execute(select(User.username, User.employee_id)).all())
        free = s.execute(
            select(Employee.id).where(Employee.id.not_in([e for e in linked.values() if e])).order_by(Employee.id)
        ).scalars()
        return {k: int(v) for k, v in linked.items() if v}, int(next(iter(free)))


def _login(web: TestClient, name: str) -> dict[str, str]:
    r = web.post("/api/v1/auth/token", data={"username": name, "password": PW})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def test_an_admin_cannot_create_a_login_that_scores_people_for_nobody(web, auth, demo_url) -> None:
    for role in ("hr", "manager", "admin"):
        r = web.post(
            "/api/v1/users", headers=auth["admin"], json={"username": f"x.{role}", "password": PW, "role": role}
        )
        assert r.status_code == 422, r.text
        assert [e.get("code") for e in r.json()["errors"]] == ["person_required"]
    _, free = _ids(demo_url)
    ok = web.post(
        "/api/v1/users",
        headers=auth["admin"],
        json={"username": "ok.hr", "password": PW, "role": "hr", "employee_id": free},
    )
    assert ok.status_code == 201, ok.text
    plain = web.post(
        "/api/v1/users", headers=auth["admin"], json={"username": "kiosk", "password": PW, "role": "employee"}
    )
    assert plain.status_code == 201  # a login that scores nobody may stay unlinked ...
    etag = plain.headers["etag"]
    up = web.patch(
        f"/api/v1/users/{plain.json()['id']}", headers={**auth["admin"], "If-Match": etag}, json={"role": "hr"}
    )
    assert up.status_code == 422 and up.json()["errors"][0]["code"] == "person_required"  # ... but not be promoted


def test_an_unlinked_login_from_the_console_cannot_write_scores(web, auth, demo_url) -> None:
    linked, _ = _ids(demo_url)
    with session_scope(demo_url) as s:  # `kpilot users create` without --employee-code (the bootstrap path)
        create_user(s, caller=None, username="ghost.hr", password=PW, role="hr", employee_id=None)
        admins_kpi = s.execute(select(KpiAssignment.id).where(KpiAssignment.employee_id == linked["admin"])).scalar()
    ghost = _login(web, "ghost.hr")
    r = web.post(
        f"/api/v1/kpi-assignments/{admins_kpi}/actuals", headers=ghost, json={"as_of": "2026-11-18", "value": 1e6}
    )
    assert r.status_code == 403 and r.json()["code"] == "person_required" and r.json()["detail_zh"]
    csv = b"employee_code,period_code,indicator_code,as_of,value\n"
    r = web.post("/api/v1/imports/actuals", headers=ghost, files={"file": ("x.csv", csv, "text/csv")})
    assert r.status_code == 403
    assert web.get("/api/v1/employees", headers=ghost).status_code == 200  # reading stays allowed


def test_nobody_edits_their_own_manager_department_or_position(web, auth, demo_url) -> None:
    linked, _ = _ids(demo_url)
    me = linked["hr"]
    etag = web.get(f"/api/v1/employees/{me}", headers=auth["hr"]).headers["etag"]
    for change in ({"manager_id": None}, {"department_id": 1}, {"position_id": 1}, {"active": False}):
        r = web.patch(f"/api/v1/employees/{me}", headers={**auth["hr"], "If-Match": etag}, json=change)
        assert r.status_code == 403 and r.json()["code"] == "own_record_locked", (change, r.text)
    r = web.patch(f"/api/v1/employees/{me}", headers={**auth["hr"], "If-Match": etag}, json={"name_en": "Hu Min"})
    assert r.status_code == 200, r.text  # one's own name is fine
    other = linked["employee"]
    etag = web.get(f"/api/v1/employees/{other}", headers=auth["hr"]).headers["etag"]
    r = web.patch(f"/api/v1/employees/{other}", headers={**auth["hr"], "If-Match": etag}, json={"manager_id": me})
    assert r.status_code == 200, r.text  # HR still edits everyone else's


def test_the_audit_names_the_person_behind_the_login(web, auth, demo_url) -> None:
    linked, _ = _ids(demo_url)
    with session_scope(demo_url, write=False) as s:
        ev = (
            s.execute(
                select(AuditEvent)
                .where(AuditEvent.actor == "hr", AuditEvent.entity == "employee")
                .order_by(AuditEvent.id)
            )
            .scalars()
            .first()
        )
    assert ev is not None and ev.actor_employee_id == linked["hr"]
    listed = web.get("/api/v1/audit-events", headers=auth["admin"]).json()["data"]
    assert any(e["actor"] == "hr" and e["actor_employee_id"] == linked["hr"] for e in listed)
    assert web.get("/api/v1/audit-events/verify", headers=auth["admin"]).json()["ok"] is True
