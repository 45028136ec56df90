"""Logins an attacker would probe: throttling per user and per address (429 + Retry-After, lifted by the
clock, never by sleeping), the same work for unknown users, the password policy, password change and
admin reset (audited, old tokens revoked), and the last admin keeping the role."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.app import create_app
from core.db import session_scope
from core.security import verify_password
from core.tables import AuditEvent, Employee, User
from tests.conftest import make_settings
from workflows.org import login as login_flow

DEMO_PW = "kpilot-demo"
LATER = "2026-11-18T10:16:00+08:00"  # after the 15-minute lock of the suite's pinned 10:00


def _client(url: str, address: str, today: str | None = None) -> TestClient:
    settings = make_settings(url, **({"today": today} if today else {}))
    return TestClient(create_app(settings), raise_server_exceptions=False, client=(address, 50000))


@pytest.fixture(scope="module")
def url(demo_url: str) -> str:
    return demo_url


@pytest.fixture
def web(url: str) -> Iterator[TestClient]:
    with _client(url, "10.0.0.1") as c:
        yield c


def _login(c: TestClient, user: str, password: str):
    return c.post("/api/v1/auth/token", data={"username": user, "password": password})


def _auth(c: TestClient, user: str, password: str = DEMO_PW) -> dict[str, str]:
    r = _login(c, user, password)
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def test_wrong_passwords_lock_that_address_for_the_name_then_the_clock_lifts_it(url: str) -> None:
    with _client(url, "10.0.1.1") as c:
        codes = [_login(c, "manager", f"wrong-guess-{i}").status_code for i in range(login_flow.USER_LIMIT)]
        assert codes == [401] * login_flow.USER_LIMIT
        locked = _login(c, "manager", DEMO_PW)  # even the right password waits: guessing must stop
        assert locked.status_code == 429
        assert locked.headers["content-type"] == "application/problem+json"
        assert 0 < int(locked.headers["Retry-After"]) <= login_flow.LOCK_S
    with _client(url, "10.0.1.2") as other_place:  # the owner elsewhere is not locked out (test_lockout.py)
        assert _login(other_place, "manager", DEMO_PW).status_code == 200
    with _client(url, "10.0.1.1", today=LATER) as later:
        assert _login(later, "manager", DEMO_PW).status_code == 200


def test_spraying_many_names_from_one_address_is_throttled(url: str) -> None:
    with _client(url, "10.0.2.1") as c:
        codes = [_login(c, f"nobody-{i}", "whatever-pass").status_code for i in range(login_flow.ADDRESS_LIMIT)]
        assert set(codes) == {401}
        r = _login(c, "hr", DEMO_PW)
        assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0
    with _client(url, "10.0.2.2") as elsewhere:  # hr itself is not locked
        assert _login(elsewhere, "hr", DEMO_PW).status_code == 200


def test_unknown_and_known_users_do_the_same_password_work(web: TestClient, monkeypatch) -> None:
    calls: list[str] = []

    def counting(password: str, password_hash: str) -> bool:
        calls.append(password_hash[:9])
        return verify_password(password, password_hash)

    monkeypatch.setattr(login_flow, "verify_password", counting)
    unknown = _login(web, "no-such-user", "some-password-1")
    known = _login(web, "employee", "some-password-1")
    assert unknown.status_code == known.status_code == 401
    assert unknown.json()["detail"] == known.json()["detail"]
    assert len(calls) == 2 and all(c.startswith("$argon2id") for c in calls)  # one argon2 check each


@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("aaaaaaaaaa", "different characters"),
        ("short-pw", "at least 10"),
        ("zhang.wei-2026", "user name"),
        ("Password2024!", "breached"),
        ("qwertyuiop", "breached"),
    ],
)
def test_weak_passwords_are_refused(web: TestClient, url: str, password: str, why: str) -> None:
    admin = _auth(web, "admin")
    r = web.post(
        "/api/v1/users", headers=admin, json={"username": "zhang.wei", "password": password, "role": "employee"}
    )
    assert r.status_code == 422, r.text
    assert any(why in e.get("msg_en", e["msg"]) for e in r.json()["errors"]), r.json()  # pydantic's or ours


def test_demo_password_is_refused_as_a_new_password_outside_demo_mode() -> None:
    from core.passwords import password_problems

    assert password_problems(DEMO_PW, username="li", demo=True) == []
    assert "demo password" in " ".join(password_problems(DEMO_PW, username="li", demo=False))


def test_password_change_revokes_old_tokens_and_is_audited(web: TestClient, url: str) -> None:
    old = _auth(web, "employee")
    wrong = web.post(
        "/api/v1/me/password", headers=old, json={"current_password": "not-it-123", "new_password": "Blue-Harbor-7319"}
    )
    assert wrong.status_code == 422
    weak = web.post(
        "/api/v1/me/password", headers=old, json={"current_password": DEMO_PW, "new_password": "aaaaaaaaaa"}
    )
    assert weak.status_code == 422
    ok = web.post(
        "/api/v1/me/password", headers=old, json={"current_password": DEMO_PW, "new_password": "Blue-Harbor-7319"}
    )
    assert ok.status_code == 204, ok.text
    assert web.get("/api/v1/me", headers=old).status_code == 401  # the token from the old password is dead
    assert _login(web, "employee", DEMO_PW).status_code == 401
    new = _auth(web, "employee", "Blue-Harbor-7319")
    assert web.get("/api/v1/me", headers=new).json()["username"] == "employee"
    with session_scope(url, write=False) as s:
        ev = s.execute(select(AuditEvent).where(AuditEvent.action == "password_change")).scalars().one()
        assert ev.actor == "employee" and "hash" not in str(ev.after) and "Blue" not in str(ev.after)


def test_admin_resets_a_password_audited_but_not_their_own(web: TestClient, url: str) -> None:
    admin = _auth(web, "admin")
    with session_scope(url, write=False) as s:
        ids = dict(s.execute(select(User.username, User.id)).all())
    victim = _auth(web, "employee2")
    r = web.post(
        f"/api/v1/users/{ids['employee2']}/password", headers=admin, json={"new_password": "Green-Valley-4821"}
    )
    assert r.status_code == 204, r.text
    assert web.get("/api/v1/me", headers=victim).status_code == 401
    assert _login(web, "employee2", "Green-Valley-4821").status_code == 200
    own = web.post(f"/api/v1/users/{ids['admin']}/password", headers=admin, json={"new_password": "Green-Valley-4821"})
    assert own.status_code == 422
    hr = _auth(web, "hr")
    assert (
        web.post(f"/api/v1/users/{ids['hr']}/password", headers=hr, json={"new_password": "x" * 12}).status_code == 403
    )
    with session_scope(url, write=False) as s:
        ev = s.execute(select(AuditEvent).where(AuditEvent.action == "password_reset")).scalars().one()
        assert ev.actor == "admin" and ev.entity_id == str(ids["employee2"])


def test_the_last_admin_cannot_lose_the_role(web: TestClient, url: str) -> None:
    admin = _auth(web, "admin")
    with session_scope(url, write=False) as s:
        admin_id = s.execute(select(User.id).where(User.username == "admin")).scalar_one()
        assert s.execute(select(User.id).where(User.role == "admin", User.active.is_(True))).scalars().all() == [
            admin_id
        ]
    etag = web.get(f"/api/v1/users/{admin_id}", headers=admin).headers["etag"]
    for change in ({"role": "hr"}, {"active": False}):
        r = web.patch(f"/api/v1/users/{admin_id}", headers={**admin, "If-Match": etag}, json=change)
        assert r.status_code == 409, r.text
    with session_scope(url, write=False) as s:  # an admin login belongs to a person (test_people_not_logins.py)
        linked = s.execute(select(User.employee_id).where(User.employee_id.is_not(None))).scalars().all()
        person = s.execute(select(Employee.id).where(Employee.id.not_in(linked)).order_by(Employee.id)).scalars()
        free = next(iter(person))
    second = web.post(
        "/api/v1/users",
        headers=admin,
        json={"username": "deputy", "password": "Quiet-Forest-5532", "role": "admin", "employee_id": free},
    )
    assert second.status_code == 201, second.text
    r = web.patch(f"/api/v1/users/{admin_id}", headers={**admin, "If-Match": etag}, json={"role": "hr"})
    assert r.status_code == 200, r.text  # with another admin in place, stepping down is fine
