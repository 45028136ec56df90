"""Shared fixtures: a migrated database per backend (SQLite always, PostgreSQL when configured), the demo
company loaded once per backend, an app and a client, and logins for the demo users."""

import atexit
import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import SQLAlchemyError

from core.settings import Settings

PG_URL = os.environ.get("KPILOT_TEST_POSTGRES_URL", "")
BACKENDS = ["sqlite"] + (["postgres"] if PG_URL else [])
TEST_SECRET = "test-secret-that-is-long-enough-for-hs256-0123456789"
DEMO_USERS = ("admin", "hr", "manager", "employee", "employee2")

# Tests never trace to LangSmith nor follow an environment-provided OpenAI URL (LLM.md).
for _var in ("LANGSMITH_TRACING", "LANGCHAIN_TRACING_V2", "LANGSMITH_API_KEY", "OPENAI_BASE_URL", "OPENAI_API_BASE"):
    os.environ.pop(_var, None)
os.environ["NO_PROXY"] = "127.0.0.1,localhost"
# Time is an input: the whole suite runs on one pinned day (a Wednesday in the middle of a month), whatever
# the real date; tests of date edges pin their own clock (tests/workflows/test_edge_dates.py).
TEST_NOW = "2026-11-18T10:00:00+08:00"
os.environ["KPILOT_TODAY"] = TEST_NOW
os.environ.pop("KPILOT_TIMEZONE", None)


def _drop_schemas(names: list[str]) -> None:
    engine = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("SET lock_timeout = '5s'"))  # never hang the end of a run on a leftover lock
        for name in names:
            # A schema that cannot be dropped now is left behind, harmless: names are unique per process.
            with contextlib.suppress(SQLAlchemyError):
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
    engine.dispose()


_CREATED: list[str] = []


def fresh_pg_schema(schema: str) -> str:
    """A PostgreSQL URL whose search_path is a new, empty schema (so tests never touch `public`).

    The process id is part of the name, so two test runs on one server never drop each other's schema;
    the schemas are dropped when the run ends."""
    schema = f"{schema}_{os.getpid()}"
    engine = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    if not _CREATED:
        atexit.register(lambda: _drop_schemas(_CREATED))
    _CREATED.append(schema)
    sep = "&" if "?" in PG_URL else "?"
    return f"{PG_URL}{sep}options=-csearch_path%3D{schema}"


def fresh_db_url(backend: str, tmp: Path, name: str) -> str:
    """An empty database of `backend` for one test or suite."""
    if backend == "postgres":
        return fresh_pg_schema(f"kpilot_{name}")
    return f"sqlite:///{tmp / (name + '.db')}"


def make_settings(url: str, **overrides: object) -> Settings:
    """Settings for tests: demo mode, the given database, a fixed secret."""
    values: dict[str, object] = {"demo": True, "database_url": url, "secret_key": TEST_SECRET}
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="session")
def demo_url(backend: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A migrated database with the demo company, shared by the API tests of one backend."""
    from core.migrate import upgrade
    from demo.load import load_demo_company

    url = fresh_db_url(backend, tmp_path_factory.mktemp("db"), "demo")
    upgrade(url)
    load_demo_company(url, seed=7)
    return url


@pytest.fixture(scope="session")
def app(demo_url: str):  # type: ignore[no-untyped-def]
    from api.app import create_app

    return create_app(make_settings(demo_url))


@pytest.fixture(scope="session")
def client(app) -> Iterator[object]:  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


@pytest.fixture(scope="session")
def tokens(client) -> dict[str, dict[str, str]]:  # type: ignore[no-untyped-def]
    """Authorization headers for each demo user."""
    out = {}
    for user in DEMO_USERS:
        r = client.post("/api/v1/auth/token", data={"username": user, "password": "kpilot-demo"})
        assert r.status_code == 200, r.text
        out[user] = {"Authorization": f"Bearer {r.json()['access_token']}"}
    return out
