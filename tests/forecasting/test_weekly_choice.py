"""Weekly retail files as they come: a regressor recorded only lately, a new series, returns.

Each case checks the model the per-series choice made and the note that says so."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from typer.testing import CliRunner

from cli.main import app
from forecasting.auto import BLEND3, LONG, AutoForecaster
from forecasting.intervals import history_spread
from forecasting.models import SeasonalLevel, SeasonalNaive
from forecasting.mstl import available

H = 13
# The default of a series with two full years (these have 120 weeks); without statsforecast, the three-way one.
DEFAULT_LONG = LONG if available() else BLEND3


def _weekly(n: int = 6, weeks: int = 120, seed: int = 0) -> pd.DataFrame:
    """Weekly sales ending Friday with a yearly cycle, a holiday-week lift and noise."""
    rng = np.random.default_rng(seed)
    dates = pd.date_range("2020-01-03", periods=weeks + H, freq="W-FRI")
    holiday = ((dates.month == 11) & (dates.day >= 23)) | ((dates.month == 12) & (dates.day >= 18))
    parts = []
    for i in range(n):
        season = 1 + 0.3 * np.sin(2 * np.pi * dates.day_of_year.to_numpy() / 365.25 + i)
        y = 1000 * (i + 1) * season * np.where(holiday, 1.6, 1.0) * rng.lognormal(0, 0.08, len(dates))
        parts.append(pd.DataFrame({"unique_id": f"s{i}", "ds": dates, "y": y.round(2), "IsHoliday": holiday}))
    return pd.concat(parts, ignore_index=True)


def _split(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    cut = np.sort(frame["ds"].unique())[-H - 1]
    return frame.loc[frame["ds"] <= cut].reset_index(drop=True), frame.loc[frame["ds"] > cut].drop(columns="y")


def _fit(history: pd.DataFrame) -> AutoForecaster:
    model = AutoForecaster(horizon=H, n_paths=200)
    model.fit(history)
    return model


def test_a_markdown_recorded_only_lately_is_not_used_and_the_note_names_it(tmp_path: Path) -> None:
    frame = _weekly()
    cut = np.sort(frame["ds"].unique())[-H - 1]
    recent = frame["ds"] > cut - pd.Timedelta(weeks=20)  # 20 weeks of history, then all 13 horizon weeks
    frame["MarkDown1"] = np.where(recent, 2500.0, np.nan)
    history, calendar = _split(frame)
    model = _fit(history)
    assert model.panel_.regressors == ["IsHoliday"]
    gbm = model.models_["GlobalGBM"]
    assert not any("MarkDown1" in name for name in gbm.feature_names_)
    notes = model.predict_paths(X=calendar).notes
    assert any("'MarkDown1' is given in only" in n and "not used" in n for n in notes)
    assert set(model.model_names()) == {DEFAULT_LONG}  # every series (two full years) keeps its default
    assert all("backtest MASE" in text for text in model.reasons())
    assert all(text.startswith(f"{DEFAULT_LONG} (the average of the global model,") for text in model.reasons())
    assert all("the default, kept" in text for text in model.reasons())
    # The CLI prints the same note on stderr.
    history.to_csv(tmp_path / "h.csv", index=False)
    calendar.to_csv(tmp_path / "c.csv", index=False)
    args = [
        "forecast",
        str(tmp_path / "h.csv"),
        "--calendar",
        str(tmp_path / "c.csv"),
        "--out",
        str(tmp_path / "f.csv"),
    ]
    result = CliRunner().invoke(app, [*args, "--quiet", "--models-out", str(tmp_path / "m.csv")])
    assert result.exit_code == 0, result.output
    assert "note:" in result.output and "'MarkDown1' is given in only" in result.output
    why = pd.read_csv(tmp_path / "m.csv")
    assert list(why.columns) == ["unique_id", "model", "why"] and len(why) == 6
    assert (why["model"] == DEFAULT_LONG).all() and why["why"].str.contains("the default, kept").all()


def test_a_markdown_given_for_more_than_a_year_is_used() -> None:
    frame = _weekly(n=3)
    frame["MarkDown1"] = np.where(frame.index % 3 == 0, 2500.0, np.nan)  # a third of the weeks, all years
    history, _ = _split(frame)
    model = _fit(history)
    assert model.panel_.regressors == ["IsHoliday", "MarkDown1"]
    assert not any("'MarkDown1' is given in only" in n for n in model.panel_.notes)


def test_a_series_with_8_weeks_gets_the_recent_median_and_a_note_saying_why() -> None:
    frame = _weekly()
    history, calendar = _split(frame)
    new_dates = np.sort(history["ds"].unique())[-8:]
    new = pd.DataFrame({"unique_id": "new", "ds": new_dates, "y": [300.0, 320, 280, 310, 900, 305, 290, 315]})
    new["IsHoliday"] = False
    future = calendar.loc[calendar["unique_id"] == "s0"].assign(unique_id="new")
    model = _fit(pd.concat([history, new], ignore_index=True))
    assert model.model_names()["new"] == "RecentMedian"
    assert (
        model.reasons()["new"] == "RecentMedian: 8 weeks of history, too short for a backtest to tell the models apart"
    )
    paths = model.predict_paths(X=pd.concat([calendar, future], ignore_index=True))
    assert any("'new'" in n and "RecentMedian" in n for n in paths.notes)
    out = model.predict(X=pd.concat([calendar, future], ignore_index=True))
    mine = out.loc[out["unique_id"] == "new"]
    assert np.allclose(paths.point[paths.ids.index("new")], 307.5)  # the median of its 8 weeks, not the 900 spike
    assert np.allclose(mine["p50"], 307.5, rtol=0.1)
    # Its band is at least as wide as its own weeks' spread (1.5x their mean distance from the median on the
    # log scale), not a calm series' borrowed one.
    assert model.calibration_.series_scale("new") >= 1.5 * history_spread(new).iloc[0] > 0
    assert (mine["hi-80"] > mine["lo-80"]).all() and set(model.model_names().drop("new")) == {DEFAULT_LONG}


def test_returns_are_kept_named_and_not_repeated_a_year_later() -> None:
    frame = _weekly()
    history, calendar = _split(frame)
    first_horizon_week = calendar["ds"].min()
    year_before = first_horizon_week - pd.Timedelta(weeks=52)
    s1 = history["unique_id"] == "s1"
    history.loc[s1 & history["ds"].isin([year_before, year_before - pd.Timedelta(weeks=30)]), "y"] = -450.0
    model = _fit(history)
    assert model.panel_.signed == frozenset({"s1"})
    assert any("below 0 in 2 rows" in n and "'s1'" in n and "returns" in n for n in model.panel_.notes)
    assert model.model_names()["s1"] == DEFAULT_LONG
    out = model.predict(X=calendar)
    week = out.loc[(out["unique_id"] == "s1") & (out["ds"] == first_horizon_week)]
    assert float(week["p50"].iloc[0]) > 500  # last year's return week is not this year's forecast
    naive = SeasonalNaive(horizon=H, n_paths=100).fit(history).predict(X=calendar)
    assert (naive.loc[naive["unique_id"] == "s1", "p50"] > 0).all()


def test_seasonal_level_moves_last_years_week_by_the_level_change_and_skips_returns() -> None:
    dates = pd.date_range("2021-01-01", periods=80, freq="W-FRI")
    y = np.full(80, 100.0)
    y[64:] = 150.0  # the level rose by 50 in the last 16 weeks (the 13-week level window lies inside them)
    y[30] = 400.0  # a peak week a year before the third horizon week
    y[31] = -80.0  # a return week a year before the fourth: not repeated a year later
    history = pd.DataFrame({"unique_id": "a", "ds": dates, "y": y})
    paths = SeasonalLevel(horizon=4, n_paths=50).fit(history).predict_paths(h=4)
    # A year before the horizon: weeks 28..31. Level now (weeks 67..79) 150, a year earlier (15..27) 100.
    # Each week: half the exact week, half the mean of it and its neighbours (the return week left out).
    expected = [100 + 50, 0.5 * 100 + 0.5 * 200 + 50, 0.5 * 400 + 0.5 * 250 + 50, 150]
    assert np.allclose(paths.point[0], expected)
    assert (paths.point[0] > 0).all()
