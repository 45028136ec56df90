"""Sessions an attacker would reuse: after logout, a password change, deactivation or an admin's "sign out
everywhere", the cookie and every token minted for its session are dead at once; login and logout refuse
requests from another site."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.app import create_app
from api.deps import CSRF_COOKIE, CSRF_HEADER, SESSION_COOKIE
from core.db import session_scope
from core.tables import AuditEvent, User
from tests.conftest import make_settings

PW = "kpilot-demo"


@pytest.fixture(scope="module")
def url(demo_url: str) -> str:
    return demo_url


@pytest.fixture
def web(url: str) -> Iterator[TestClient]:
    with TestClient(create_app(make_settings(url)), raise_server_exceptions=False, client=("127.0.0.3", 5)) as c:
        yield c


def _bearer(c: TestClient, user: str, password: str = PW) -> dict[str, str]:
    r = c.post("/api/v1/auth/token", data={"username": user, "password": password})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def _browser_login(c: TestClient, user: str) -> tuple[str, str]:
    r = c.post("/api/v1/auth/session", data={"username": user, "password": PW})
    assert r.status_code == 200, r.text
    return c.cookies[SESSION_COOKIE], r.json()["csrf_token"]


def _user_id(url: str, name: str) -> int:
    with session_scope(url, write=False) as s:
        return int(s.execute(select(User.id).where(User.username == name)).scalar_one())


def test_after_logout_the_old_cookie_and_its_token_are_dead(web: TestClient) -> None:
    cookie, csrf = _browser_login(web, "hr")
    assert web.get("/api/v1/me").status_code == 200
    assert web.post("/api/v1/auth/logout", headers={CSRF_HEADER: csrf}).status_code == 204
    # The attacker kept a copy of the cookie and the CSRF token from before the logout.
    web.cookies.set(SESSION_COOKIE, cookie)
    web.cookies.set(CSRF_COOKIE, csrf)
    ended = web.get("/api/v1/me")
    assert ended.status_code == 401 and ended.json()["code"] == "session_ended"
    assert web.post("/api/v1/alerts/run", headers={CSRF_HEADER: csrf}).status_code == 401
    web.cookies.clear()
    assert web.get("/api/v1/me", headers={"Authorization": f"Bearer {cookie}"}).status_code == 401


def test_logout_without_the_csrf_token_is_refused_and_ends_nothing(web: TestClient) -> None:
    _browser_login(web, "manager")
    r = web.post("/api/v1/auth/logout")
    assert r.status_code == 403 and r.headers["content-type"] == "application/problem+json"
    assert web.get("/api/v1/me").status_code == 200


@pytest.mark.parametrize(
    "headers",
    [{"Origin": "http://evil.example"}, {"Origin": "null"}, {"Sec-Fetch-Site": "cross-site"}],
)
def test_login_and_logout_from_another_site_are_refused(web: TestClient, headers: dict[str, str]) -> None:
    form = {"username": "employee", "password": PW}
    refused = web.post("/api/v1/auth/session", data=form, headers=headers)
    assert refused.status_code == 403 and refused.json()["code"] == "cross_site"
    assert web.post("/api/v1/auth/token", data=form, headers=headers).status_code == 403
    _cookie, csrf = _browser_login(web, "employee")
    assert web.post("/api/v1/auth/logout", headers={**headers, CSRF_HEADER: csrf}).status_code == 403
    assert web.get("/api/v1/me").status_code == 200
    same = {"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"}
    assert web.post("/api/v1/auth/session", data=form, headers=same).status_code == 200


def test_a_password_change_ends_every_session_of_the_user(web: TestClient) -> None:
    cookie, csrf = _browser_login(web, "employee2")
    other = _bearer(web, "employee2")
    r = web.post(
        "/api/v1/me/password",
        headers={CSRF_HEADER: csrf},
        json={"current_password": PW, "new_password": "Amber-Canyon-6120"},
    )
    assert r.status_code == 204, r.text
    assert web.get("/api/v1/me", headers=other).status_code == 401
    assert web.get("/api/v1/me", headers={"Authorization": f"Bearer {cookie}"}).status_code == 401


def test_deactivation_ends_sessions_for_good_even_after_reactivation(web: TestClient, url: str) -> None:
    admin = _bearer(web, "admin")
    victim = _bearer(web, "employee")
    uid = _user_id(url, "employee")
    etag = web.get(f"/api/v1/users/{uid}", headers=admin).headers["etag"]
    off = web.patch(f"/api/v1/users/{uid}", headers={**admin, "If-Match": etag}, json={"active": False})
    assert off.status_code == 200, off.text
    assert web.get("/api/v1/me", headers=victim).status_code == 401
    on = web.patch(f"/api/v1/users/{uid}", headers={**admin, "If-Match": off.headers["etag"]}, json={"active": True})
    assert on.status_code == 200, on.text
    assert web.get("/api/v1/me", headers=victim).status_code == 401  # the old session stays ended
    assert web.get("/api/v1/me", headers=_bearer(web, "employee")).status_code == 200


def test_admin_signs_a_user_out_everywhere_audited(web: TestClient, url: str) -> None:
    admin = _bearer(web, "admin")
    uid = _user_id(url, "manager")
    stolen = [_bearer(web, "manager"), _bearer(web, "manager")]
    assert web.post(f"/api/v1/users/{uid}/sign-out", headers=stolen[0]).status_code == 403
    r = web.post(f"/api/v1/users/{uid}/sign-out", headers=admin)
    assert r.status_code == 200 and r.json()["ended"] >= 2
    assert [web.get("/api/v1/me", headers=h).status_code for h in stolen] == [401, 401]
    assert web.get("/api/v1/me", headers=_bearer(web, "manager")).status_code == 200
    with session_scope(url, write=False) as s:
        ev = s.execute(select(AuditEvent).where(AuditEvent.action == "sign_out_everywhere")).scalars().one()
        assert ev.actor == "admin" and ev.entity_id == str(uid)
