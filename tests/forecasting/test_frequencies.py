"""Weekly (any anchor, 53-week years, returns, empty regressor weeks) and monthly series forecast."""

from __future__ import annotations

import numpy as np
import pandas as pd

from eval.forecast_freq import aggregate_rossmann, generated_weekly
from forecasting.features import _trend_shift
from forecasting.gbm import GlobalGBM
from forecasting.panel import prepare_history
from forecasting.targets import target_ranges

H = 13


def _split(frame: pd.DataFrame, h: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    cut = np.sort(frame["ds"].unique())[-h - 1]
    return frame.loc[frame["ds"] <= cut], frame.loc[frame["ds"] > cut].drop(columns="y")


def test_a_weekly_retail_file_with_returns_and_empty_markdowns_forecasts() -> None:
    weekly = generated_weekly(n_series=8, weeks=230, seed=3)
    assert (weekly["y"] < 0).any() and weekly["MarkDown"].isna().any()
    history, calendar = _split(weekly, H)
    model = GlobalGBM(horizon=H, max_iter=60, n_paths=200).fit(history)
    assert model.panel_.freq.alias == "W-SAT" and model.panel_.signed
    paths = model.predict_paths(X=calendar)
    assert (paths.ds.day_of_week == 5).all() and len(paths.ds) == H
    assert any("'MarkDown' is empty" in note for note in paths.notes)
    out = model.predict(X=calendar)
    assert np.isfinite(out[["p50", "lo-80", "hi-80"]].to_numpy()).all()
    ranges = target_ranges(model, X=calendar, period="month")
    assert all(r.stretch > r.conservative for r in ranges.ranges if r.base > 1000)


def test_53_week_years_keep_one_step_per_week() -> None:
    weekly = generated_weekly(n_series=2, weeks=230, seed=1)  # 2019-01-05..2023-05: 2022 has 53 Saturdays
    panel = prepare_history(weekly)
    dates = panel.frame.loc[panel.frame["unique_id"] == "g000", "ds"]
    assert (dates.diff().dropna() == pd.Timedelta(days=7)).all()
    assert (dates.dt.year == 2022).sum() == 53


def test_monthly_series_dated_at_month_end_forecast_monthly() -> None:
    months = pd.date_range("2019-01-31", periods=48, freq="ME")
    rng = np.random.default_rng(0)
    y = 1000 * (1 + 0.2 * np.sin(2 * np.pi * np.arange(48) / 12)) * np.exp(0.01 * np.arange(48))
    frame = pd.DataFrame({"unique_id": "m", "ds": months, "y": y * rng.lognormal(0, 0.03, 48)})
    model = GlobalGBM(horizon=6, max_iter=60, n_paths=200).fit(frame)
    out = model.predict(h=6)
    assert model.panel_.freq.alias == "MS" and len(out) == 6
    assert list(out["ds"].dt.month) == [1, 2, 3, 4, 5, 6] and (out["ds"].dt.year == 2023).all()
    assert (out["p50"] > 0).all() and (out["hi-80"] > out["lo-80"]).all()


def test_rossmann_style_days_sum_to_complete_weeks_and_months() -> None:
    days = pd.date_range("2015-01-01", "2015-03-13", freq="D")  # Thursday .. Friday
    daily = pd.DataFrame(
        {
            "unique_id": "1",
            "ds": days.strftime("%Y-%m-%d"),
            "y": "100",
            "open": "1",
            "Promo": "0",
            "StateHoliday": np.where(days == pd.Timestamp("2015-01-01"), "a", "0"),
            "SchoolHoliday": "0",
        }
    )
    weeks = aggregate_rossmann(daily, "W-FRI")
    assert weeks["ds"].dt.day_of_week.eq(4).all() and (weeks["y"] == 700).all()
    assert weeks["ds"].min() == pd.Timestamp("2015-01-09")  # the partial first week is dropped
    months = aggregate_rossmann(daily, "MS")
    assert list(months["ds"]) == [pd.Timestamp("2015-01-01"), pd.Timestamp("2015-02-01")]
    assert months.loc[0, "holiday_days"] == 1 and months.loc[1, "y"] == 2800


def test_trend_shift_is_the_last_years_growth_carried_to_the_row() -> None:
    ly = pd.Series(np.log(1000) + 0.4 * np.arange(900) / 364)  # 40% log growth a year
    keys = np.zeros(900, dtype=int)
    shift = _trend_shift(ly, keys, lag=120, spy=364, bw=28)
    assert not shift[: 120 + 364].any()  # no growth estimate without a year before the recent one
    np.testing.assert_allclose(shift[-1], 0.4 * (120 + 13.5) / 364, rtol=1e-6)
