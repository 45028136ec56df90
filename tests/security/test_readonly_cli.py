"""Read-only commands run with nothing but DATABASE_URL (no signing key) and never create a database file."""

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from core.settings import get_settings


@pytest.fixture
def bare_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    for var in ("KPILOT_SECRET_KEY", "KPILOT_DEMO", "KPILOT_DATABASE_URL", "DATABASE_URL"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.chdir(tmp_path)
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


@pytest.mark.parametrize("command", [["audit", "verify"], ["coach", "report", "E0001", "--lang", "en"]])
def test_without_a_database_they_say_so_and_create_nothing(bare_env: Path, command: list[str]) -> None:
    result = CliRunner().invoke(app, command)
    assert result.exit_code == 2, result.output
    assert "there is no database" in result.output and "nothing was created" in result.output
    assert list(bare_env.iterdir()) == []  # no ./var, no kpilot.db


def test_coach_report_needs_no_signing_key(bare_env: Path, demo_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", demo_url)  # the only setting given
    from sqlalchemy import select

    from core.db import session_scope
    from core.tables import Employee, User

    with session_scope(demo_url, write=False) as s:
        emp = s.execute(select(User.employee_id).where(User.username == "employee")).scalar_one()
        code = s.execute(select(Employee.code).where(Employee.id == emp)).scalar_one()
    assert "KPILOT_SECRET_KEY" not in os.environ
    result = CliRunner().invoke(app, ["coach", "report", code, "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert result.output.strip()
    assert list(bare_env.iterdir()) == []
