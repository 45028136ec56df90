"""`kpilot pay ...` reads the database with only DATABASE_URL, prints exact sums, and says what is wrong."""

from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from core.settings import get_settings


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    for var in ("KPILOT_SECRET_KEY", "KPILOT_DEMO", "KPILOT_DATABASE_URL", "DATABASE_URL"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.chdir(tmp_path)
    get_settings.cache_clear()
    yield monkeypatch
    get_settings.cache_clear()


def test_pay_commands_on_the_demo(env: pytest.MonkeyPatch, demo_url: str) -> None:
    env.setenv("DATABASE_URL", demo_url)
    runner = CliRunner()
    result = runner.invoke(app, ["pay", "allocation", "2026-10"])
    assert result.exit_code == 0, result.output
    assert "223,456.78" in result.output and "lines + retained = 223,456.78" in result.output
    result = runner.invoke(app, ["pay", "calibration", "--lang", "en"])
    assert result.exit_code == 0 and "guide 20/50/30" in result.output, result.output
    assert runner.invoke(app, ["pay", "reviews"]).exit_code == 0
    bad = runner.invoke(app, ["pay", "allocation", "1999-01"])
    assert bad.exit_code == 2 and "no period with code" in bad.output


def test_without_a_database_nothing_is_created(env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["pay", "calibration"])
    assert result.exit_code == 2 and "nothing was created" in result.output
    assert list(tmp_path.iterdir()) == []
