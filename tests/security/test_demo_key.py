"""A demo never signs tokens with a known key: each demo database gets a random one, kept across restarts."""

import warnings
from pathlib import Path

import jwt
from fastapi.testclient import TestClient

from api.app import create_app
from core.clock import get_clock
from core.migrate import upgrade
from tests.conftest import copy_database, make_settings


def _demo_app(url: str):
    return create_app(make_settings(url, secret_key="change-me"))  # demo mode with the placeholder secret


def test_each_demo_database_has_its_own_random_key(backend: str, demo_template: str, tmp_path: Path) -> None:
    first = copy_database(backend, demo_template, tmp_path, "demo_key_a")
    second = copy_database(backend, demo_template, tmp_path, "demo_key_b")
    key_a = _demo_app(first).state.settings.secret_key
    assert key_a not in ("change-me", "kpilot-demo-secret") and len(key_a) >= 32
    assert _demo_app(first).state.settings.secret_key == key_a  # a restart of the same demo keeps tokens valid
    assert _demo_app(second).state.settings.secret_key != key_a


def test_a_token_forged_with_a_known_key_is_refused(backend: str, demo_template: str, tmp_path: Path) -> None:
    url = copy_database(backend, demo_template, tmp_path, "demo_key_forge")
    with TestClient(_demo_app(url), raise_server_exceptions=False) as c:
        now = get_clock().now()
        for known in ("change-me", "kpilot-demo-secret", ""):
            with warnings.catch_warnings():  # the known keys are short, which is the point
                warnings.simplefilter("ignore")
                forged = jwt.encode({"sub": "1", "iat": now, "exp": now.timestamp() + 3600}, known or "x", "HS256")
            assert c.get("/api/v1/me", headers={"Authorization": f"Bearer {forged}"}).status_code == 401
        r = c.post("/api/v1/auth/token", data={"username": "admin", "password": "kpilot-demo"})
        assert r.status_code == 200
        me = c.get("/api/v1/me", headers={"Authorization": f"Bearer {r.json()['access_token']}"})
        assert me.json()["role"] == "admin"


def test_a_fresh_migrated_database_gets_a_key_too(backend: str, tmp_path: Path) -> None:
    from tests.conftest import fresh_db_url

    url = fresh_db_url(backend, tmp_path, "demo_key_fresh")
    upgrade(url)
    assert len(_demo_app(url).state.settings.secret_key) >= 32
