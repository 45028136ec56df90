"""Org and logins edited by hand after the import: departments, a person's place, logins with one-time
passwords, disabling, signing out, linking the first admin to a person, and a leaver handed on."""

from datetime import date
from typing import Any

from sqlalchemy import select

from core.db import session_scope
from core.tables import AuditEvent, Indicator, KpiAssignment, Period
from tests.onboarding.conftest import login

ORG = (
    "工号,姓名,部门,岗位,直属上级工号,入职日期\n"
    "E001,王总,总经办,总经理,,2019-03-01\n"
    "E002,李娜,运营中心/天猫运营部,运营经理,E001,2020-05-07\n"
    "E003,张伟,运营中心/天猫运营部,运营专员,E002,2021-06-01\n"
    "E004,赵敏,运营中心/天猫运营部,运营专员,E002,2022-01-10\n"
)
API = "/api/v1"


def _people(client, headers) -> dict[str, dict[str, Any]]:
    return {e["code"]: e for e in client.get(f"{API}/employees?limit=200", headers=headers).json()["data"]}


def _depts(client, headers) -> dict[str, dict[str, Any]]:
    return {d["name_zh"]: d for d in client.get(f"{API}/departments?limit=200", headers=headers).json()["data"]}


def _etag(client, path: str, headers) -> str:
    return str(client.get(f"{API}{path}", headers=headers).headers["ETag"])


def test_a_company_with_its_org(fresh) -> None:
    admin = login(fresh, "boss")
    assert fresh.post(f"{API}/company", json={"name_zh": "好物", "name_en": "Haowu"}, headers=admin).status_code == 201
    r = fresh.post(f"{API}/imports/org", files={"file": ("org.csv", ORG.encode())}, headers=admin)
    assert r.status_code == 200 and r.json()["created"] == 4, r.text


def test_hr_creates_renames_moves_and_heads_a_department(fresh) -> None:
    hr = login(fresh, "hrlead")
    depts, people = _depts(fresh, hr), _people(fresh, hr)
    body = {"code": "CS", "name_zh": "客服部", "name_en": "Customer service", "parent_id": depts["运营中心"]["id"]}
    once = fresh.post(f"{API}/departments", json=body, headers={**hr, "Idempotency-Key": "cs-1"})
    again = fresh.post(f"{API}/departments", json=body, headers={**hr, "Idempotency-Key": "cs-1"})
    assert once.status_code == again.status_code == 201 and once.json()["id"] == again.json()["id"]
    path = f"/departments/{once.json()['id']}"
    assert fresh.patch(f"{API}{path}", json={"name_zh": "客户服务部"}, headers=hr).status_code == 428
    stale = fresh.patch(f"{API}{path}", json={"name_zh": "客户服务部"}, headers={**hr, "If-Match": '"99"'})
    assert stale.status_code == 412
    change = {"name_zh": "客户服务部", "parent_id": None, "head_id": people["E003"]["id"]}
    r = fresh.patch(f"{API}{path}", json=change, headers={**hr, "If-Match": _etag(fresh, path, hr)})
    assert r.status_code == 200, r.text
    assert r.json()["name_zh"] == "客户服务部" and r.json()["parent_id"] is None
    assert r.json()["head_id"] == people["E003"]["id"]
    # A department cannot sit under its own child.
    center = f"/departments/{depts['运营中心']['id']}"
    loop = {"parent_id": depts["天猫运营部"]["id"]}
    assert (
        fresh.patch(f"{API}{center}", json=loop, headers={**hr, "If-Match": _etag(fresh, center, hr)}).status_code
        == 422
    )


def test_hr_moves_a_person_to_another_department_and_manager(fresh) -> None:
    hr = login(fresh, "hrlead")
    depts, people = _depts(fresh, hr), _people(fresh, hr)
    path = f"/employees/{people['E004']['id']}"
    change = {"department_id": depts["客户服务部"]["id"], "manager_id": people["E001"]["id"]}
    r = fresh.patch(f"{API}{path}", json=change, headers={**hr, "If-Match": _etag(fresh, path, hr)})
    assert r.status_code == 200, r.text
    assert r.json()["department_id"] == depts["客户服务部"]["id"] and r.json()["manager_id"] == people["E001"]["id"]
    boss_path = f"/employees/{people['E001']['id']}"
    loop = {"manager_id": people["E004"]["id"]}
    tag = _etag(fresh, boss_path, hr)
    assert fresh.patch(f"{API}{boss_path}", json=loop, headers={**hr, "If-Match": tag}).status_code == 422


def test_admin_makes_a_login_with_a_one_time_password(fresh) -> None:
    admin, hr = login(fresh, "boss"), login(fresh, "hrlead")
    people = _people(fresh, admin)
    body = {"employee_id": people["E002"]["id"], "role": "manager"}
    assert fresh.post(f"{API}/logins", json=body, headers=hr).status_code == 403  # HR does not hand out logins
    made = fresh.post(f"{API}/logins", json=body, headers={**admin, "Idempotency-Key": "login-e002"})
    assert made.status_code == 201, made.text
    assert made.json()["username"] == "e002" and len(made.json()["one_time_password"]) >= 12
    replay = fresh.post(f"{API}/logins", json=body, headers={**admin, "Idempotency-Key": "login-e002"})
    assert replay.json()["user_id"] == made.json()["user_id"] and replay.json()["one_time_password"] is None
    assert fresh.post(f"{API}/logins", json=body, headers=admin).json()["code"] == "users.person_has_login"
    first = fresh.post(f"{API}/auth/token", data={"username": "e002", "password": made.json()["one_time_password"]})
    bearer = {"Authorization": f"Bearer {first.json()['access_token']}"}
    assert fresh.get(f"{API}/me", headers=bearer).json()["must_change_password"] is True
    assert fresh.get(f"{API}/employees", headers=bearer).status_code == 403  # only the password change first
    change = {"current_password": made.json()["one_time_password"], "new_password": "li-na-own-password-7"}
    assert fresh.post(f"{API}/me/password", json=change, headers=bearer).status_code == 204


def test_admin_resets_disables_enables_and_signs_out(fresh) -> None:
    admin = login(fresh, "boss")
    users = {u["username"]: u for u in fresh.get(f"{API}/users", headers=admin).json()["data"]}
    uid = users["e002"]["id"]
    own = fresh.post(f"{API}/auth/token", data={"username": "e002", "password": "li-na-own-password-7"})
    bearer = {"Authorization": f"Bearer {own.json()['access_token']}"}
    reset = fresh.post(f"{API}/users/{uid}/one-time-password", headers=admin)
    assert reset.status_code == 200 and reset.json()["one_time_password"]
    assert fresh.get(f"{API}/me", headers=bearer).status_code == 401  # the old session ended
    retry = fresh.post(f"{API}/auth/token", data={"username": "e002", "password": reset.json()["one_time_password"]})
    assert retry.status_code == 200
    mine = fresh.post(f"{API}/users/{users['boss']['id']}/one-time-password", headers=admin)
    assert mine.status_code == 422 and mine.json()["code"] == "users.own_password"
    codes = [fresh.post(f"{API}/users/{uid}/one-time-password", headers=admin).status_code for _ in range(5)]
    assert codes == [200, 200, 200, 200, 429]  # five an hour per login
    path = f"/users/{uid}"
    off = fresh.patch(f"{API}{path}", json={"active": False}, headers={**admin, "If-Match": _etag(fresh, path, admin)})
    assert off.status_code == 200 and off.json()["active"] is False
    on = fresh.patch(f"{API}{path}", json={"active": True}, headers={**admin, "If-Match": _etag(fresh, path, admin)})
    assert on.status_code == 200 and on.json()["active"] is True
    assert fresh.post(f"{API}/users/{uid}/sign-out", headers=admin).json()["ended"] == 0
    last = f"/users/{users['boss']['id']}"
    refused = fresh.patch(
        f"{API}{last}", json={"active": False}, headers={**admin, "If-Match": _etag(fresh, last, admin)}
    )
    assert refused.status_code == 409  # never lock out the last admin


def test_the_first_admin_links_itself_to_its_person(fresh) -> None:
    admin = login(fresh, "boss")
    people = _people(fresh, admin)
    users = {u["username"]: u for u in fresh.get(f"{API}/users", headers=admin).json()["data"]}
    path = f"/users/{users['boss']['id']}"
    taken = {"employee_id": people["E002"]["id"]}
    r = fresh.patch(f"{API}{path}", json=taken, headers={**admin, "If-Match": _etag(fresh, path, admin)})
    assert r.status_code == 409 and r.json()["code"] == "users.person_has_login"
    mine = {"employee_id": people["E001"]["id"]}
    r = fresh.patch(f"{API}{path}", json=mine, headers={**admin, "If-Match": _etag(fresh, path, admin)})
    assert r.status_code == 200, r.text
    assert fresh.get(f"{API}/me", headers=login(fresh, "boss")).json()["employee_id"] == people["E001"]["id"]


def _open_assignment(url: str, employee_id: int) -> tuple[int, int]:
    """A month that ends after the leaving day with one active KPI of the leaver's, and one that ended before."""
    with session_scope(url) as s:
        ind = Indicator(code="leaver_gmv", name_zh="销售额", name_en="GMV", unit="CNY", direction="higher")
        past = Period(code="t-2026-09", kind="month", start_date=date(2026, 9, 1), end_date=date(2026, 9, 30),
                      name_zh="2026年9月", name_en="Sep 2026")  # fmt: skip
        now = Period(code="t-2026-12", kind="month", start_date=date(2026, 12, 1), end_date=date(2026, 12, 31),
                     name_zh="2026年12月", name_en="Dec 2026")  # fmt: skip
        s.add_all([ind, past, now])
        s.flush()
        done = KpiAssignment(period_id=past.id, indicator_id=ind.id, employee_id=employee_id, weight=1.0)
        running = KpiAssignment(period_id=now.id, indicator_id=ind.id, employee_id=employee_id, weight=1.0)
        s.add_all([done, running])
        s.flush()
        return done.id, running.id


def test_a_leaver_is_handed_on(fresh, empty_url: str) -> None:
    hr, admin = login(fresh, "hrlead"), login(fresh, "boss")
    people, depts = _people(fresh, hr), _depts(fresh, hr)
    leaver = people["E002"]
    done, running = _open_assignment(empty_url, leaver["id"])
    path = f"/employees/{leaver['id']}"
    assert fresh.post(f"{API}{path}/leave", json={"left_on": "2026-12-15"}, headers=hr).status_code == 428
    head = f"/departments/{depts['天猫运营部']['id']}"
    fresh.patch(f"{API}{head}", json={"head_id": leaver["id"]}, headers={**hr, "If-Match": _etag(fresh, head, hr)})
    r = fresh.post(
        f"{API}{path}/leave", json={"left_on": "2026-12-15"}, headers={**hr, "If-Match": _etag(fresh, path, hr)}
    )
    assert r.status_code == 200, r.text
    assert r.json()["active"] is False and r.json()["left_on"] == "2026-12-15"
    after = _people(fresh, hr)
    assert after["E003"]["manager_id"] == people["E001"]["id"]  # the reports move up to the leaver's manager
    assert _depts(fresh, hr)["天猫运营部"]["head_id"] is None
    users = {u["username"]: u for u in fresh.get(f"{API}/users", headers=admin).json()["data"]}
    assert users["e002"]["active"] is False
    assert fresh.post(f"{API}/auth/token", data={"username": "e002", "password": "x" * 12}).status_code == 401
    upath = f"/users/{users['e002']['id']}"
    back = fresh.patch(
        f"{API}{upath}", json={"active": True}, headers={**admin, "If-Match": _etag(fresh, upath, admin)}
    )
    assert back.status_code == 409 and back.json()["code"] == "users.person_left"
    with session_scope(empty_url, write=False) as s:
        status = dict(s.execute(select(KpiAssignment.id, KpiAssignment.status)).all())
        actions = set(s.execute(select(AuditEvent.action).where(AuditEvent.entity_id == str(leaver["id"]))).scalars())
    assert status == {done: "active", running: "closed"}
    assert "leave" in actions
    moved = {"manager_id": leaver["id"]}
    tag = _etag(fresh, f"/employees/{people['E003']['id']}", hr)
    refused = fresh.patch(f"{API}/employees/{people['E003']['id']}", json=moved, headers={**hr, "If-Match": tag})
    assert refused.status_code == 422 and refused.json()["code"] == "org.bad_reference"  # nobody reports to a leaver
    moved = {"manager_id": leaver["id"]}
    tag = _etag(fresh, f"/employees/{people['E003']['id']}", hr)
    refused = fresh.patch(f"{API}/employees/{people['E003']['id']}", json=moved, headers={**hr, "If-Match": tag})
    assert refused.status_code == 422 and refused.json()["code"] == "org.bad_reference"  # nobody reports to a leaver
    again = fresh.post(
        f"{API}{path}/leave", json={"left_on": "2026-12-15"}, headers={**hr, "If-Match": _etag(fresh, path, hr)}
    )
    assert again.status_code == 409


def test_the_last_admin_cannot_leave_and_nobody_marks_themselves(fresh) -> None:
    hr, admin = login(fresh, "hrlead"), login(fresh, "boss")
    boss = _people(fresh, hr)["E001"]
    path = f"/employees/{boss['id']}"
    r = fresh.post(
        f"{API}{path}/leave", json={"left_on": "2026-12-15"}, headers={**hr, "If-Match": _etag(fresh, path, hr)}
    )
    assert r.status_code == 409 and r.json()["code"] == "users.last_admin"
    r = fresh.post(
        f"{API}{path}/leave", json={"left_on": "2026-12-15"}, headers={**admin, "If-Match": _etag(fresh, path, hr)}
    )
    assert r.status_code == 403 and r.json()["code"] == "own_record_locked"
