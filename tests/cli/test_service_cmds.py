"""The service commands on a real SQLite file: db upgrade/current, users create, serve's migration guard."""

from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from cli.main import app
from core.db import session_scope
from core.security import verify_password
from core.settings import get_settings
from core.tables import User


@pytest.fixture
def db_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("KPILOT_DATABASE_URL", url)
    monkeypatch.setenv("KPILOT_SECRET_KEY", "s" * 40)
    monkeypatch.delenv("KPILOT_DEMO", raising=False)
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


def test_db_upgrade_then_current(db_env: str) -> None:
    runner = CliRunner()
    up = runner.invoke(app, ["db", "upgrade"])
    assert up.exit_code == 0, up.output
    current = runner.invoke(app, ["db", "current"])
    assert current.exit_code == 0
    db_rev, code_rev = current.output.split("database: ")[1].split("  code: ")
    assert db_rev.strip() == code_rev.strip() != "none"


def test_users_create_hashes_the_password_and_refuses_bad_roles(db_env: str) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    ok = runner.invoke(
        app, ["users", "create", "li.hr", "--role", "hr", "--password-stdin"], input="a-long-password-123\n"
    )
    assert ok.exit_code == 0, ok.output
    with session_scope(db_env, write=False) as s:
        user = s.execute(select(User).where(User.username == "li.hr")).scalar_one()
        assert user.role == "hr" and user.password_hash != "a-long-password-123"
        assert verify_password("a-long-password-123", user.password_hash)
    bad = runner.invoke(
        app, ["users", "create", "x.y", "--role", "boss", "--password-stdin"], input="a-long-password-123\n"
    )
    assert bad.exit_code == 2 and "unknown role" in bad.output
    short = runner.invoke(app, ["users", "create", "x.z", "--role", "hr", "--password-stdin"], input="short\n")
    assert short.exit_code == 2 and "10 characters" in short.output


def test_serve_refuses_an_unmigrated_database(db_env: str) -> None:
    result = CliRunner().invoke(app, ["serve"])
    assert result.exit_code == 2 and "kpilot db upgrade" in result.output


def test_placeholder_secret_is_a_clear_configuration_error(db_env: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KPILOT_SECRET_KEY", "change-me")
    get_settings.cache_clear()
    result = CliRunner().invoke(app, ["db", "current"])
    assert result.exit_code == 2 and "KPILOT_SECRET_KEY" in result.output
