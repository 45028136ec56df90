"""`kpilot export scorecard|report` writes a file an Excel reader opens; `kpilot notify` reports what it sent."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from typer.testing import CliRunner

from cli.main import app
from core.settings import get_settings
from workflows.process.exports import find_cjk_font


@pytest.fixture
def demo_env(demo_url: str, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("KPILOT_DATABASE_URL", demo_url)
    monkeypatch.setenv("KPILOT_DEMO", "1")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_export_scorecard_and_report_files(demo_env, tmp_path: Path) -> None:
    out = tmp_path / "card.xlsx"
    r = CliRunner().invoke(app, ["export", "scorecard", "E0126", "--format", "xlsx", "--lang", "en", "--out", str(out)])
    assert r.exit_code == 0, r.output
    wb = load_workbook(io.BytesIO(out.read_bytes()), read_only=True)
    assert wb.sheetnames == ["KPIs this period", "Score breakdown"]
    if find_cjk_font() is not None:
        pdf = tmp_path / "report.pdf"
        r = CliRunner().invoke(app, ["export", "report", "E0126", "--format", "pdf", "--out", str(pdf)])
        assert r.exit_code == 0, r.output
        assert "反馈报告" in (PdfReader(pdf).pages[0].extract_text() or "")


def test_export_errors_exit_2(demo_env) -> None:
    assert CliRunner().invoke(app, ["export", "scorecard", "NOPE"]).exit_code == 2
    assert CliRunner().invoke(app, ["export", "scorecard", "E0126", "--format", "doc"]).exit_code == 2
    assert CliRunner().invoke(app, ["export", "report", "E0126", "--period", "1999-01"]).exit_code == 2


def test_notify_without_channels_sends_nothing(demo_env) -> None:
    r = CliRunner().invoke(app, ["notify"])
    assert r.exit_code == 0, r.output
    assert r.output.startswith("sent 0 (nothing new); failed 0")
    assert "reminders" in CliRunner().invoke(app, ["notify", "--help"]).output
