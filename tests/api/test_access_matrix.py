"""Every role against every object route with other people's ids: zero leaks, and 404 exactly like missing."""

import pytest

from tests.api.helpers import OrgSnapshot, dept_subtree, expected_employees, org_snapshot, paged_ids, person, reports_of
from tests.conftest import DEMO_USERS

MISSING = 2_000_000_000


@pytest.mark.parametrize("username", DEMO_USERS)
def test_employee_list_is_exactly_the_visible_set(client, tokens, demo_url, username) -> None:
    snap = org_snapshot(demo_url)
    assert paged_ids(client, tokens[username], "/api/v1/employees") == expected_employees(snap, username)


@pytest.mark.parametrize("username", DEMO_USERS)
def test_employee_detail_other_people_answer_like_missing(client, tokens, demo_url, username) -> None:
    snap = org_snapshot(demo_url)
    visible = expected_employees(snap, username)
    missing = client.get(f"/api/v1/employees/{MISSING}", headers=tokens[username])
    assert missing.status_code == 404
    for emp_id in sorted(snap["managers"]):
        r = client.get(f"/api/v1/employees/{emp_id}", headers=tokens[username])
        if emp_id in visible:
            assert r.status_code == 200, (emp_id, r.text)
        else:
            assert r.status_code == 404, (username, emp_id)
            assert r.json()["title"] == missing.json()["title"]
            assert r.headers["content-type"] == "application/problem+json"


def _may_read(snap: OrgSnapshot, username: str, employee_id: int | None, department_id: int | None) -> bool:
    role = snap["users"][username][0]
    if role in ("hr", "admin"):
        return True
    if employee_id is not None:
        return employee_id in expected_employees(snap, username)
    if department_id is None:
        return True
    own = snap["emp_dept"][person(snap, username)]
    managed = dept_subtree(snap["dept_parent"], own) if role == "manager" else set()
    return department_id == own or department_id in managed


@pytest.mark.parametrize("username", DEMO_USERS)
def test_kpi_assignments_never_leak(client, tokens, demo_url, username) -> None:
    snap = org_snapshot(demo_url)
    allowed = {aid for aid, (emp, dept) in snap["assignments"].items() if _may_read(snap, username, emp, dept)}
    listed = paged_ids(client, tokens[username], "/api/v1/kpi-assignments")
    assert listed <= allowed
    # each person's own KPIs are all there
    role, emp = snap["users"][username]
    own = {aid for aid, (e, _d) in snap["assignments"].items() if e == emp}
    assert own <= listed
    sample = sorted(set(snap["assignments"]) - allowed)[:40]
    for aid in sample:
        assert client.get(f"/api/v1/kpi-assignments/{aid}", headers=tokens[username]).status_code == 404
        assert client.get(f"/api/v1/kpi-assignments/{aid}/actuals", headers=tokens[username]).status_code == 404


@pytest.mark.parametrize("username", DEMO_USERS)
def test_objectives_never_leak(client, tokens, demo_url, username) -> None:
    snap = org_snapshot(demo_url)
    allowed = {oid for oid, (_lvl, emp, dept) in snap["objectives"].items() if _may_read(snap, username, emp, dept)}
    assert paged_ids(client, tokens[username], "/api/v1/objectives") <= allowed
    for oid in sorted(set(snap["objectives"]) - allowed)[:20]:
        assert client.get(f"/api/v1/objectives/{oid}", headers=tokens[username]).status_code == 404


@pytest.mark.parametrize(
    ("username", "path"),
    [
        ("employee", "/api/v1/users"),
        ("employee", "/api/v1/audit-events"),
        ("employee", "/api/v1/shops"),
        ("manager", "/api/v1/users"),
        ("manager", "/api/v1/audit-events"),
        ("employee2", "/api/v1/audit-events/verify"),
    ],
)
def test_role_without_permission_gets_403(client, tokens, username, path) -> None:
    r = client.get(path, headers=tokens[username])
    assert r.status_code == 403
    assert r.headers["content-type"] == "application/problem+json"


def test_manager_cannot_plan_outside_their_reports(client, tokens, demo_url) -> None:
    snap = org_snapshot(demo_url)
    manager_emp = person(snap, "manager")
    outsider = min(set(snap["managers"]) - reports_of(snap["managers"], manager_emp))
    period = client.get("/api/v1/periods", headers=tokens["manager"]).json()["data"][0]["id"]
    body = {"period_id": period, "indicator_code": "csat", "employee_id": outsider, "weight": 10, "target": 4.5}
    r = client.post("/api/v1/kpi-assignments", headers=tokens["manager"], json=body)
    assert r.status_code == 404
    own_kpis = paged_ids(client, tokens["manager"], "/api/v1/kpi-assignments", employee_id=manager_emp)
    if own_kpis:  # a manager does not set or edit their own targets
        aid = min(own_kpis)
        etag = client.get(f"/api/v1/kpi-assignments/{aid}", headers=tokens["manager"]).headers["etag"]
        r = client.patch(
            f"/api/v1/kpi-assignments/{aid}", headers={**tokens["manager"], "If-Match": etag}, json={"weight": 99}
        )
        assert r.status_code == 404


def test_employee_cannot_write_anything(client, tokens) -> None:
    h = tokens["employee"]
    assert (
        client.post("/api/v1/departments", headers=h, json={"code": "x", "name_zh": "x", "name_en": "x"}).status_code
        == 403
    )
    assert (
        client.patch("/api/v1/employees/1", headers={**h, "If-Match": '"1"'}, json={"name_en": "x"}).status_code == 403
    )
    assert client.post("/api/v1/kpi-assignments", headers=h, json={}).status_code in (403, 422)


def test_no_token_is_401_problem(client) -> None:
    r = client.get("/api/v1/employees")
    assert r.status_code == 401
    assert r.headers["content-type"] == "application/problem+json"
    assert r.headers["www-authenticate"] == "Bearer"
    assert client.get("/api/v1/employees", headers={"Authorization": "Bearer not-a-token"}).status_code == 401
