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
    extra = ["--level", "90", "--totals-out", str(totals), "--period", "month", "--plot", str(plots), "--lang", "zh"]
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


def test_empty_calendar_values_are_filled_and_reported(files: tuple[Path, Path], tmp_path: Path) -> None:
    hist, cal = files
    out = tmp_path / "fc.csv"
    bad = pd.read_csv(cal)
    bad.loc[3, "promo"] = None
    bad_cal = tmp_path / "bad.csv"
    bad.to_csv(bad_cal, index=False)
    result = runner.invoke(app, _args(hist, bad_cal, out))
    assert result.exit_code == 0, result.output
    assert "note: bad.csv: 'promo' is empty in 1 of 42 lines (Store 'shop0' lines 5)" in result.output
    assert "filled with the most common history value 0" in result.output


def _fails(args: list[str]) -> str:
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    return str(result.output)


def test_errors_exit_2_with_the_users_names_lines_and_advice(files: tuple[Path, Path], tmp_path: Path) -> None:
    hist, cal = files
    out = tmp_path / "fc.csv"
    bad = pd.read_csv(hist)
    bad["Date"] = bad["Date"].astype(str)
    bad.loc[3, "Date"] = "2023-13-45"
    bad_hist = tmp_path / "bad.csv"
    bad.to_csv(bad_hist, index=False)
    output = _fails(_args(bad_hist, cal, out))
    assert "bad.csv column 'Date': lines 5 are not dates ('2023-13-45')" in output
    assert "what to do: write the dates as YYYY-MM-DD" in output
    assert not out.exists() and not list(tmp_path.glob("*.tmp"))
    bad = pd.read_csv(hist)
    bad.loc[[0, 1], "Sales"] = -5.0  # returns: valid by default, refused with --non-negative
    bad.to_csv(bad_hist, index=False)
    output = _fails(_args(bad_hist, cal, out, "--non-negative"))
    assert "negative 'Sales' in Store 'shop0' lines 2-3" in output and "drop the flag" in output
    output = _fails(_args(hist, cal, out, "--value-col", "Revenue"))
    assert "no column Revenue (--value-col)" in output and "--id-col/--date-col/--value-col" in output
    assert "--period" in _fails(_args(hist, cal, out, "--period", "week"))


def test_empty_files_are_clear_errors(files: tuple[Path, Path], tmp_path: Path) -> None:
    hist, cal = files
    empty, header = tmp_path / "empty.csv", tmp_path / "header.csv"
    empty.write_text("")
    header.write_text("Store,Date,Sales,Open\n")
    assert "empty.csv: the file is empty" in _fails(_args(empty, cal, tmp_path / "fc.csv"))
    assert "header.csv: the file has a header line but no data lines" in _fails(_args(header, cal, tmp_path / "f.csv"))


def test_returns_forecast_without_error(files: tuple[Path, Path], tmp_path: Path) -> None:
    hist, cal = files
    bad = pd.read_csv(hist)
    bad.loc[[10, 40], "Sales"] = -250.0
    returns = tmp_path / "returns.csv"
    bad.to_csv(returns, index=False)
    out = tmp_path / "fc.csv"
    result = runner.invoke(app, _args(returns, cal, out))
    assert result.exit_code == 0, result.output
    assert pd.read_csv(out)["p50"].notna().all()
