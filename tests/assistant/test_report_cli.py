"""`kpilot coach report`: a report from the database, clear errors with exit code 2."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from cli.main import app
from core.settings import get_settings


@pytest.fixture
def demo_env(demo_url: str, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("KPILOT_DATABASE_URL", demo_url)
    monkeypatch.setenv("KPILOT_DEMO", "1")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.mark.parametrize(("lang", "heading"), [("zh", "下一步行动"), ("en", "Next steps")])
def test_report_from_the_database(demo_env, lang: str, heading: str) -> None:
    result = CliRunner().invoke(app, ["coach", "report", "E0126", "--lang", lang])
    assert result.exit_code == 0, result.output
    assert heading in result.output and "LIVE-" in result.output


def test_bad_language_and_unknown_employee_exit_2(demo_env) -> None:
    bad = CliRunner().invoke(app, ["coach", "report", "E0126", "--lang", "fr"])
    assert bad.exit_code == 2 and "--lang" in bad.output
    missing = CliRunner().invoke(app, ["coach", "report", "NOPE"])
    assert missing.exit_code == 2 and "NOPE" in missing.output
