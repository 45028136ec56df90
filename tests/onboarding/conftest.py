"""An empty, migrated database with one admin and one HR login: where a real company starts."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import _dispose, fresh_db_url, make_settings

PASSWORD = "a-long-enough-password-1"


@pytest.fixture(scope="module")
def empty_url(backend: str, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Iterator[str]:
    """A migrated database with no company, an admin `boss` and an HR login `hrlead`."""
    from core.db import session_scope
    from core.migrate import upgrade
    from workflows.org.users import create_user

    name = request.module.__name__.rsplit(".", 1)[-1]
    url = fresh_db_url(backend, Path(tmp_path_factory.mktemp(name)), name)
    upgrade(url)
    with session_scope(url) as s:
        create_user(s, caller=None, username="boss", password=PASSWORD, role="admin", employee_id=None)
        create_user(s, caller=None, username="hrlead", password=PASSWORD, role="hr", employee_id=None)
    yield url
    _dispose(url)


@pytest.fixture(scope="module")
def fresh(empty_url: str) -> Iterator[object]:
    """A client on the empty database."""
    from fastapi.testclient import TestClient

    from api.app import create_app

    with TestClient(create_app(make_settings(empty_url, demo=False)), raise_server_exceptions=False) as c:
        yield c


def login(client, username: str) -> dict[str, str]:
    """Authorization headers for a login of the empty company."""
    r = client.post("/api/v1/auth/token", data={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def token(client, username: str, password: str) -> dict[str, str]:
    """Authorization headers for a login."""
    r = client.post("/api/v1/auth/token", data={"username": username, "password": password})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


PERSON_PASSWORD = "a-long-enough-password-2"


def person_login(client, admin: dict[str, str], code: str = "H1", role: str = "HR") -> dict[str, str]:
    """The way a real company gets logins for its people: the admin's org import makes one with a one-time
    password, which its owner changes; the headers of that person's login (linked to their employee record)."""
    text = f"工号,姓名,部门,角色\n{code},{code}某,人事部,{role}\n"
    r = client.post("/api/v1/imports/org", files={"file": ("person.csv", text.encode())}, headers=admin)
    assert r.status_code == 200, r.text
    made = next(x for x in r.json()["logins"] if x["username"] == code.lower())
    first = token(client, made["username"], made["one_time_password"])
    change = {"current_password": made["one_time_password"], "new_password": PERSON_PASSWORD}
    assert client.post("/api/v1/me/password", json=change, headers=first).status_code == 204
    return token(client, made["username"], PERSON_PASSWORD)
