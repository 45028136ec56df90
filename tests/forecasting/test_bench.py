"""`kpilot eval forecast`: skips cleanly without the data; a tiny real run under -m slow."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "rossmann"
WALMART = DATA.parent / "walmart"


def test_eval_forecast_skips_without_data(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["eval", "forecast", "--data-dir", str(tmp_path / "none")])
    assert result.exit_code == 0
    assert "skipped" in result.output and "../shared/data" in result.output


@pytest.mark.slow
@pytest.mark.skipif(not DATA.is_dir(), reason="needs ../shared/data/rossmann")
def test_eval_forecast_on_a_few_stores(tmp_path: Path) -> None:
    args = ["eval", "forecast", "--stores", "5", "--windows", "1", "--data-dir", str(DATA)]
    result = CliRunner().invoke(app, [*args, "--results-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    table = (tmp_path / "forecast_rossmann_5stores.md").read_text()
    assert "| SeasonalNaive |" in table and "| GlobalGBM |" in table


def test_eval_forecast_rejects_an_unknown_frequency(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["eval", "forecast", "--freq", "hourly", "--data-dir", str(tmp_path)])
    assert result.exit_code == 2 and "--freq 'hourly' is not one of daily, weekly, rossmann-weekly" in result.output


def test_eval_forecast_weekly_skips_without_the_walmart_data(tmp_path: Path) -> None:
    args = ["eval", "forecast", "--freq", "weekly", "--walmart-dir", str(tmp_path / "none")]
    result = CliRunner().invoke(app, [*args, "--results-dir", str(tmp_path)])
    assert result.exit_code == 0
    assert "skipped" in result.output and "walmart" not in {p.name for p in tmp_path.iterdir()}
