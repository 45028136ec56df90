"""Shared fixtures: the demo company loaded once per backend (SQLite always, PostgreSQL when configured) as a
template, a private copy of it for every test module that asks for `demo_url` (so no module depends on
another's writes), an app, a client and logins for the demo users on that copy."""

import atexit
import contextlib
import os
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.exc import SQLAlchemyError

from core.settings import Settings

if TYPE_CHECKING:  # imported lazily at run time: the app is built only by tests that ask for it
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

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
# The audit chain is signed in every test database (the key a deployment keeps outside its database).
TEST_AUDIT_KEY = "test-audit-key-kept-outside-the-database-0123456789"
os.environ["KPILOT_AUDIT_KEY"] = TEST_AUDIT_KEY
for _var in ("KPILOT_AUDIT_OLD_KEYS", "KPILOT_SECRET_KEY"):
    os.environ.pop(_var, None)


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


def make_settings(url: str, **overrides: Any) -> Settings:
    """Settings for tests: demo mode, the given database, a fixed secret (`overrides`: any other fields)."""
    values: dict[str, Any] = {"demo": True, "database_url": url, "secret_key": TEST_SECRET}
    values.update(overrides)
    return Settings(**values)


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def _dispose(url: str) -> None:
    """Close every pooled connection to `url` (a template must have none; a file must be complete)."""
    from core.db import get_engine

    get_engine(url).dispose()
    get_engine(url, True).dispose()


_DATABASES: list[str] = []


def _drop_databases() -> None:
    engine = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        for name in reversed(_DATABASES):  # copies before their template
            with contextlib.suppress(SQLAlchemyError):
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


def pg_database(name: str, template: str | None = None) -> str:
    """A new PostgreSQL database (optionally a copy of `template`), dropped when the run ends."""
    name = f"{name}_{os.getpid()}"
    engine = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")))
    engine.dispose()
    if not _DATABASES:
        atexit.register(_drop_databases)
    _DATABASES.append(name)
    return str(make_url(PG_URL).set(database=name).render_as_string(hide_password=False))


def copy_database(backend: str, template_url: str, tmp: Path, name: str) -> str:
    """A private copy of a prepared database: a file copy on SQLite, CREATE DATABASE ... TEMPLATE on PostgreSQL."""
    _dispose(template_url)
    if backend == "postgres":
        return pg_database(f"kpilot_{name}", template=make_url(template_url).database)
    src = Path(template_url.split("///", 1)[1])
    with sqlite3.connect(src) as conn:  # fold the write-ahead log into the file before copying it
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    dst = tmp / f"{name}.db"
    shutil.copyfile(src, dst)
    return f"sqlite:///{dst}"


@pytest.fixture(scope="session")
def demo_template(backend: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The demo company loaded once per backend; tests never use it directly, only copies of it."""
    from core.migrate import upgrade
    from demo.load import load_demo_company

    if backend == "postgres":
        url = pg_database("kpilot_demo_template")
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('template') / 'demo.db'}"
    upgrade(url)
    load_demo_company(url, seed=7)
    _dispose(url)
    return url


@pytest.fixture(scope="module")
def demo_url(
    backend: str, demo_template: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """This test module's own copy of the demo company: no module sees another's writes."""
    name = request.module.__name__.rsplit(".", 1)[-1]
    url = copy_database(backend, demo_template, tmp_path_factory.mktemp(name), name)
    yield url
    _dispose(url)


@pytest.fixture(scope="module")
def app(demo_url: str) -> "FastAPI":
    from api.app import create_app

    return create_app(make_settings(demo_url))


@pytest.fixture(scope="module")
def client(app: "FastAPI") -> "Iterator[TestClient]":
    from fastapi.testclient import TestClient

    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def demo_logins(client: "TestClient") -> dict[str, dict[str, str]]:
    """Authorization headers for each demo user, logged in through `client`."""
    out = {}
    for user in DEMO_USERS:
        r = client.post("/api/v1/auth/token", data={"username": user, "password": "kpilot-demo"})
        assert r.status_code == 200, r.text
        out[user] = {"Authorization": f"Bearer {r.json()['access_token']}"}
    return out


@pytest.fixture(scope="module")
def tokens(client: "TestClient") -> dict[str, dict[str, str]]:
    """Authorization headers for each demo user."""
    return demo_logins(client)
