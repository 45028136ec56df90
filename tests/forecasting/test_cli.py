"""`kpilot forecast` on small generated CSV files (the CLI contract other tools rely on)."""

from __future__ import annotations

import gzip
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from cli.main import app
from tests.forecasting.helpers import make_daily

runner = CliRunner()


@pytest.fixture()
def files(tmp_path: Path) -> tuple[Path, Path]:
    history, calendar = make_daily(n_series=2, days=200, horizon=21)
    history = history.rename(columns={"unique_id": "Store", "ds": "Date", "y": "Sales", "open": "Open"})
    history["Customers"] = 1  # a history-only column: ignored
    calendar = calendar.rename(columns={"unique_id": "Store", "ds": "Date", "open": "Open"})
    hist_path = tmp_path / "history.csv.gz"
    with gzip.open(hist_path, "wt") as fh:
        history.to_csv(fh, index=False)
    cal_path = tmp_path / "future.csv"
    calendar.to_csv(cal_path, index=False)
    return hist_path, cal_path


def _args(hist: Path, cal: Path, out: Path, *extra: str) -> list[str]:
    cols = ["--id-col", "Store", "--date-col", "Date", "--value-col", "Sales", "--open-col", "Open"]
    return ["forecast", str(hist), "--calendar", str(cal), *cols, "--out", str(out), "--quiet", *extra]


def test_forecast_writes_quantiles_totals_and_charts(files: tuple[Path, Path], tmp_path: Path) -> None:
    hist, cal = files
    out, totals, plots = tmp_path / "fc.csv", tmp_path / "totals.csv", tmp_path / "plots"
    extra = ["--level", "90", "--totals-out", str(totals), "--period", "month", "--plot", str(plots)]
    result = runner.invoke(app, _args(hist, cal, out, *extra))
    assert result.exit_code == 0, result.output
    fc = pd.read_csv(out, dtype={"unique_id": str})
    assert list(fc.columns) == ["unique_id", "ds", "p50", "lo-90", "hi-90"]
    assert len(fc) == 2 * 21 and set(fc["unique_id"]) == {"shop0", "shop1"}
    calendar = pd.read_csv(cal)
    closed = fc.merge(calendar, left_on=["unique_id", "ds"], right_on=["Store", "Date"])["Open"] == 0
    assert (fc.loc[closed.to_numpy(), ["p50", "lo-90", "hi-90"]] == 0).all().all()
    tot = pd.read_csv(totals)
    assert list(tot.columns) == ["unique_id", "start", "end", "p50", "lo-90", "hi-90"]
    assert len(tot) == 2 * tot["start"].nunique() and tot["start"].nunique() >= 1
    assert sorted(p.name for p in plots.iterdir()) == ["shop0.png", "shop1.png"]


def test_errors_exit_2_with_advice_and_leave_no_file(files: tuple[Path, Path], tmp_path: Path) -> None:
    hist, cal = files
    out = tmp_path / "fc.csv"
    bad = pd.read_csv(cal)
    bad.loc[3, "promo"] = None
    bad_cal = tmp_path / "bad.csv"
    bad.to_csv(bad_cal, index=False)
    result = runner.invoke(app, _args(hist, bad_cal, out))
    assert result.exit_code == 2
    assert "['promo'] are empty in series 'shop0' rows 3" in result.output
    assert "what to do" in result.output
    assert not out.exists() and not list(tmp_path.glob("*.tmp"))
    result = runner.invoke(app, _args(hist, cal, out, "--period", "week"))
    assert result.exit_code == 2 and "--period" in result.output
