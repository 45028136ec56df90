"""Lockout as a weapon, probed from two loopback addresses (127.0.0.2 the attacker, 127.0.0.3 the owner): wrong
passwords slow the guesser and never lock the owner out, case variants count as one name, spraying from one
address backs off briefly, X-Forwarded-For is believed only from a trusted proxy, and admins see and lift locks."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, select

from api.app import create_app
from core.db import session_scope
from core.tables import AuditEvent, LoginThrottle
from tests.conftest import make_settings
from workflows.org import login as login_flow

PW = "kpilot-demo"
ATTACKER, OWNER = "127.0.0.2", "127.0.0.3"


def _client(url: str, address: str, today: str | None = None, **overrides: object) -> TestClient:
    settings = make_settings(url, **({"today": today} if today else {}), **overrides)
    return TestClient(create_app(settings), raise_server_exceptions=False, client=(address, 50000))


def _login(c: TestClient, user: str, password: str, **headers: str):
    return c.post("/api/v1/auth/token", data={"username": user, "password": password}, headers=headers)


def _guess(c: TestClient, user: str, n: int, **headers: str) -> list[int]:
    return [_login(c, user, f"wrong-guess-{i}", **headers).status_code for i in range(n)]


@pytest.fixture(scope="module")
def url(demo_url: str) -> str:
    return demo_url


@pytest.fixture(autouse=True)
def no_locks(url: str) -> Iterator[None]:
    with session_scope(url) as s:
        s.execute(delete(LoginThrottle))
    yield


def test_five_wrong_passwords_for_admin_do_not_lock_the_real_admin_out(url: str) -> None:
    with _client(url, ATTACKER) as attacker, _client(url, OWNER) as owner:
        assert _guess(attacker, "admin", login_flow.USER_LIMIT) == [401] * login_flow.USER_LIMIT
        stopped = _login(attacker, "admin", PW)  # the guesser stops, even with the right password
        assert stopped.status_code == 429 and 0 < int(stopped.headers["Retry-After"]) <= login_flow.LOCK_S
        assert stopped.json()["code"] == "login_throttled" and "秒后再试" in stopped.json()["detail_zh"]
        assert _login(owner, "admin", PW).status_code == 200  # the owner, elsewhere, is not locked out


def test_a_case_variant_counts_as_the_same_name_but_only_from_that_address(url: str) -> None:
    with _client(url, ATTACKER) as attacker, _client(url, OWNER) as owner:
        _guess(attacker, "Employee", login_flow.USER_LIMIT)
        assert _login(attacker, "employee", PW).status_code == 429  # "Employee" and "employee": one count
        assert _login(owner, "employee", PW).status_code == 200


def test_a_returning_guesser_waits_twice_as_long_each_time(url: str) -> None:
    times = ["2026-11-18T10:00:00+08:00", "2026-11-18T10:01:01+08:00", "2026-11-18T10:03:02+08:00"]
    waits = []
    for at in times:
        with _client(url, ATTACKER, today=at) as attacker:
            assert _guess(attacker, "hr", login_flow.USER_LIMIT) == [401] * login_flow.USER_LIMIT
            waits.append(int(_login(attacker, "hr", PW).headers["Retry-After"]))
    assert waits == [login_flow.LOCK_S, 2 * login_flow.LOCK_S, 4 * login_flow.LOCK_S]
    with _client(url, ATTACKER, today="2026-11-18T10:07:03+08:00") as later:
        assert _login(later, "hr", PW).status_code == 200  # once the wait is over, the owner is back in


def test_spraying_unknown_names_from_one_address_backs_off_briefly(url: str) -> None:
    with _client(url, ATTACKER) as office:
        codes = [_login(office, f"nobody-{i}", "whatever-pass").status_code for i in range(login_flow.ADDRESS_LIMIT)]
        assert set(codes) == {401}
        slowed = _login(office, "manager", PW)
        assert slowed.status_code == 429 and int(slowed.headers["Retry-After"]) <= login_flow.LOCK_S
    with _client(url, OWNER) as elsewhere:
        assert _login(elsewhere, "manager", PW).status_code == 200
    with _client(url, ATTACKER, today="2026-11-18T10:01:01+08:00") as office:
        assert _login(office, "manager", PW).status_code == 200  # a minute, not a quarter of an hour


def test_rotating_x_forwarded_for_meets_the_throttle_from_an_untrusted_peer(url: str) -> None:
    with _client(url, ATTACKER) as attacker:
        codes = [
            _login(attacker, "manager", f"guess-{i}", **{"X-Forwarded-For": f"203.0.113.{i}"}).status_code
            for i in range(login_flow.USER_LIMIT + 3)
        ]
    assert codes[: login_flow.USER_LIMIT] == [401] * login_flow.USER_LIMIT
    assert set(codes[login_flow.USER_LIMIT :]) == {429}


def test_x_forwarded_for_counts_per_client_behind_a_trusted_proxy(url: str) -> None:
    with _client(url, ATTACKER, trusted_proxies=f"{ATTACKER}/32") as proxy:
        guesser = {"X-Forwarded-For": "198.51.100.7"}
        assert _guess(proxy, "employee2", login_flow.USER_LIMIT, **guesser) == [401] * login_flow.USER_LIMIT
        assert _login(proxy, "employee2", PW, **guesser).status_code == 429
        # A forged hop left of the real client changes nothing: the proxy appended the address it saw.
        forged = {"X-Forwarded-For": "10.9.9.9, 198.51.100.7"}
        assert _login(proxy, "employee2", PW, **forged).status_code == 429
        assert _login(proxy, "employee2", PW, **{"X-Forwarded-For": "198.51.100.8"}).status_code == 200


def test_admin_lists_and_clears_locks_audited_and_nobody_else_may(url: str) -> None:
    with _client(url, ATTACKER) as attacker, _client(url, OWNER) as owner:
        _guess(attacker, "manager", login_flow.USER_LIMIT)
        _login(attacker, "typo-secret-Pa55", "x-password")  # an unknown name never shows in the list
        admin = {"Authorization": f"Bearer {_login(owner, 'admin', PW).json()['access_token']}"}
        employee = {"Authorization": f"Bearer {_login(owner, 'employee', PW).json()['access_token']}"}
        assert owner.get("/api/v1/login-locks", headers=employee).status_code == 403
        locks = owner.get("/api/v1/login-locks", headers=admin).json()
        assert [(x["scope"], x["label"]) for x in locks] == [("name_address", f"manager @ {ATTACKER}")]
        assert "typo-secret" not in str(owner.get("/api/v1/login-locks", headers=admin).json())
        assert owner.delete(f"/api/v1/login-locks/{locks[0]['id']}", headers=employee).status_code == 403
        assert owner.delete(f"/api/v1/login-locks/{locks[0]['id']}", headers=admin).status_code == 204
        assert owner.delete(f"/api/v1/login-locks/{locks[0]['id']}", headers=admin).status_code == 404
        assert _login(attacker, "manager", PW).status_code == 200
    with session_scope(url, write=False) as s:
        ev = s.execute(select(AuditEvent).where(AuditEvent.action == "clear_login_lock")).scalars().one()
        assert ev.actor == "admin" and ev.before is not None and ev.before["label"] == f"manager @ {ATTACKER}"
