"""Period totals from joint paths, target ranges and the fan chart."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forecasting.errors import DataValidationError
from forecasting.models import SeasonalNaive
from forecasting.plot import fan_chart
from forecasting.targets import TargetRanges, period_totals, target_ranges
from tests.forecasting.helpers import make_daily

H = 42


@pytest.fixture(scope="module")
def fitted() -> tuple[SeasonalNaive, pd.DataFrame, pd.DataFrame]:
    history, calendar = make_daily(n_series=2, days=400, horizon=H)
    return SeasonalNaive(horizon=H, n_paths=300).fit(history), history, calendar


def test_totals_come_from_paths_not_from_adding_daily_bounds(fitted) -> None:
    model, _, calendar = fitted
    daily = model.predict(X=calendar)
    totals = period_totals(model.predict_paths(X=calendar), "horizon")
    assert list(totals.columns) == ["unique_id", "period", "start", "end", "p50", "lo-80", "hi-80"]
    summed = daily.groupby("unique_id")[["lo-80", "hi-80"]].sum()
    width = totals.set_index("unique_id")["hi-80"] - totals.set_index("unique_id")["lo-80"]
    assert (width < summed["hi-80"] - summed["lo-80"]).all()  # errors partly cancel over 42 days
    assert (totals["lo-80"] <= totals["p50"]).all() and (totals["p50"] <= totals["hi-80"]).all()


def test_month_and_campaign_periods(fitted) -> None:
    model, _, calendar = fitted
    paths = model.predict_paths(X=calendar)
    months = period_totals(paths, "month")
    assert months.groupby("unique_id").size().min() >= 2
    campaign = period_totals(
        paths, [("summer sale", calendar["ds"].min(), calendar["ds"].min() + pd.Timedelta(days=6))]
    )
    assert set(campaign["period"]) == {"summer sale"}
    with pytest.raises(DataValidationError, match="outside the horizon"):
        period_totals(paths, [("old", "2000-01-01", "2000-01-31")])


def test_target_ranges_are_ordered_and_carry_evidence(fitted) -> None:
    model, _, calendar = fitted
    result = target_ranges(model, X=calendar, period="horizon")
    assert isinstance(result, TargetRanges) and len(result.ranges) == 2
    frame = result.to_frame()
    assert (frame["conservative"] < frame["base"]).all() and (frame["base"] < frame["stretch"]).all()
    assert frame["model"].eq("SeasonalNaive").all()
    assert len(result.data_hash) == 64 and frame["data_hash"].eq(result.data_hash).all()
    assert frame["backtest_mase"].gt(0).all()
    assert frame["backtest_daily_coverage"].between(0, 1).all()
    wide = target_ranges(model, X=calendar, period="horizon", quantiles=(0.1, 0.5, 0.9)).to_frame()
    assert (wide["stretch"] > frame["stretch"]).all()
    with pytest.raises(DataValidationError):
        target_ranges(model, X=calendar, quantiles=(0.5, 0.2, 0.8))


def test_data_hash_changes_with_the_data(fitted) -> None:
    model, history, _ = fitted
    changed = history.copy()
    changed.loc[10, "y"] += 1
    other = SeasonalNaive(horizon=H, n_paths=50, calibration_windows=1).fit(changed)
    assert other.data_hash_ != model.data_hash_


def test_fan_chart_is_a_png(fitted) -> None:
    model, history, calendar = fitted
    forecast = model.predict(X=calendar, level=(50, 80))
    png = fan_chart(history, forecast, unique_id="shop0", promo_days=calendar.loc[calendar["promo"] == 1, "ds"])
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 5000
    with pytest.raises(DataValidationError, match="pass unique_id"):
        fan_chart(history, forecast)
    assert np.isfinite(forecast["p50"]).all()


def test_batch_over_groups_matches_columns_and_keeps_every_series() -> None:
    from forecasting.batch import batch_forecast

    history, calendar = make_daily(n_series=3, days=120, horizon=14)
    result = batch_forecast(SeasonalNaive(horizon=14, n_paths=50), history, calendar, group_size=2)
    assert len(result.models) == 2
    assert sorted(result.forecast["unique_id"].unique()) == ["shop0", "shop1", "shop2"]
    assert result.paths.values.shape == (3, 50, 14)
    assert result.model_names().to_dict() == {f"shop{i}": "SeasonalNaive" for i in range(3)}
    totals = period_totals(result.paths, "horizon")
    assert len(totals) == 3


def test_shops_that_miss_their_backtest_coverage_get_wider_ranges_and_say_so() -> None:
    history, calendar = make_daily(n_series=2, days=400, horizon=H)
    grow = history["unique_id"] == "shop1"
    step = (history["ds"] - history["ds"].min()).dt.days
    history.loc[grow & (step >= 400 - H), "y"] *= 1.8  # a jump in the last backtest window only
    model = SeasonalNaive(horizon=H, n_paths=300).fit(history)
    plain = target_ranges(model, X=calendar, period="horizon", recalibrate=False)
    fixed = target_ranges(model, X=calendar, period="horizon")
    acc = {r.unique_id: r.backtest_total_coverage for r in plain.ranges}
    assert acc["shop1"] is not None and acc["shop1"] < 0.8
    assert fixed.recalibrated() == ["shop1"] and not plain.recalibrated()
    before, after = plain.ranges[1], fixed.ranges[1]
    assert after.interval_widening > 1 and after.nominal_coverage == 0.8
    assert after.stretch - after.conservative > 1.2 * (before.stretch - before.conservative)
    assert any("'shop1'" in note and "widened" in note for note in fixed.notes)
    assert fixed.ranges[0] == plain.ranges[0]


def test_a_period_far_beyond_the_backtests_still_has_a_widening_range() -> None:
    history, _ = make_daily(n_series=1, days=400, horizon=0)
    model = SeasonalNaive(horizon=28, n_paths=300).fit(history.drop(columns=["promo", "holiday"]))
    ranges = target_ranges(model, h=540, period="month").ranges
    widths = [(r.stretch - r.conservative) / r.base for r in ranges if r.base > 0]
    assert all(w > 0.01 for w in widths)
    assert widths[-1] > widths[0]
