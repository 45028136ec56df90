"""Calibration leaves out backtest windows forecast without the series' recent history."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from forecasting.backtest import backtest_point
from forecasting.intervals import YOUNG_LEVEL, Calibration, small_sample_widening
from forecasting.models import RecentMedian, SeasonalNaive
from forecasting.panel import prepare_history
from tests.forecasting.helpers import make_daily, make_weekly

H = 14


def _backtest_frame(recent_bad: float) -> pd.DataFrame:
    """Two series x two windows of log-normal errors; series b's first window misses by a factor ~3."""
    rng = np.random.default_rng(3)
    rows = []
    for sid in ("a", "b"):
        for k, cutoff in enumerate(pd.to_datetime(["2024-01-01", "2024-01-15"])):
            bad = sid == "b" and k == 0
            err = rng.normal(1.1 if bad else 0.0, 0.5 if bad else 0.05, H)
            rows.append(
                pd.DataFrame(
                    {
                        "unique_id": sid,
                        "ds": cutoff + pd.to_timedelta(np.arange(1, H + 1), unit="D"),
                        "cutoff": cutoff,
                        "step": np.arange(1, H + 1),
                        "y": 1000 * np.exp(err),
                        "yhat": 1000.0,
                        "open": 1.0,
                        "recent_obs": recent_bad if bad else 1.0,
                    }
                )
            )
    return pd.concat(rows, ignore_index=True)


def test_backtest_records_share_of_recent_history() -> None:
    history, _ = make_daily(n_series=2, days=220, gap=True)
    panel = prepare_history(history)
    cutoff = pd.Timestamp("2023-01-02") + pd.Timedelta(days=160)  # last day of shop1's gap
    bt = backtest_point(SeasonalNaive(horizon=H), panel, [cutoff], H)
    recent = bt.groupby("unique_id")["recent_obs"].first()
    assert recent["shop0"] == 1.0
    assert recent["shop1"] == 0.0


def test_windows_without_recent_history_are_left_out() -> None:
    with_gap = Calibration.from_backtest(_backtest_frame(recent_bad=0.0), H)
    kept = Calibration.from_backtest(_backtest_frame(recent_bad=1.0), H)
    clean = _backtest_frame(recent_bad=1.0)
    clean = clean.loc[~((clean["unique_id"] == "b") & (clean["cutoff"] == clean["cutoff"].min()))]
    expected = Calibration.from_backtest(clean, H)
    assert with_gap.n_backtest_paths == 3 and kept.n_backtest_paths == 4
    assert with_gap.series_scale("b") == expected.series_scale("b")
    assert kept.series_scale("b") > 2 * with_gap.series_scale("b")
    np.testing.assert_allclose(with_gap.pool, expected.pool)


def test_all_windows_without_recent_history_still_calibrate() -> None:
    bt = _backtest_frame(recent_bad=0.0).assign(recent_obs=0.0)
    cal = Calibration.from_backtest(bt, H)
    assert cal.n_backtest_paths == 4


def test_a_single_backtest_path_still_gives_a_band() -> None:
    one = _backtest_frame(recent_bad=1.0)
    one = one.loc[(one["unique_id"] == "a") & (one["cutoff"] == one["cutoff"].min())]
    cal = Calibration.from_backtest(one, H)
    assert cal.n_backtest_paths == 1 and len(cal.pool) == 30
    paths = cal.sample(["a"], np.full((1, H), 1000.0), np.ones((1, H), dtype=bool), 200, 0)
    totals = paths.sum(axis=2)[0]
    assert np.quantile(totals, 0.8) > 1.01 * np.quantile(totals, 0.2)


def test_uncertainty_grows_beyond_the_calibrated_horizon() -> None:
    cal = Calibration.from_backtest(_backtest_frame(recent_bad=1.0), H)
    paths = cal.sample(["a"], np.full((1, 10 * H), 1000.0), np.ones((1, 10 * H), dtype=bool), 2000, 0)[0]
    first, last = paths[:, :H].sum(axis=1), paths[:, -H:].sum(axis=1)

    def width(x: np.ndarray) -> float:
        return float(np.quantile(x, 0.9) - np.quantile(x, 0.1))

    assert width(last) > 1.5 * width(first)


def _iid_frame(n_series: int, windows: int, h: int, seed: int = 5) -> pd.DataFrame:
    """Log-normal errors (sd 0.1) of `n_series` series over `windows` back-to-back windows of h days."""
    rng = np.random.default_rng(seed)
    cutoffs = pd.Timestamp("2024-01-01") + pd.to_timedelta(np.arange(windows) * h, unit="D")
    idx = pd.MultiIndex.from_product([[f"s{i}" for i in range(n_series)], cutoffs, range(1, h + 1)])
    frame = idx.to_frame(index=False, name=["unique_id", "cutoff", "step"])
    frame["ds"] = frame["cutoff"] + pd.to_timedelta(frame["step"], unit="D")
    frame["y"] = 1000 * np.exp(rng.normal(0, 0.1, len(frame)))
    return frame.assign(yhat=1000.0, open=1.0, recent_obs=1.0)


def test_a_pool_on_few_dates_is_widened_and_one_on_many_is_not() -> None:
    # About 600 errors each: 100 series x 2 windows of 3 months (6 dates) vs 5 series x 3 windows of 42 days.
    few = Calibration.from_backtest(_iid_frame(100, 2, 3), 3)
    many = Calibration.from_backtest(_iid_frame(5, 3, 42), 42)
    assert few.n_dates == 6 and many.n_dates == 126
    q_few, q_many = (float(np.quantile(np.abs(c.pool), 0.8)) for c in (few, many))
    assert q_few > 1.3 * q_many
    assert 1.0 <= many.widening < 1.03


def test_small_sample_widening_is_the_conformal_quantile_ratio() -> None:
    pool = np.random.default_rng(0).standard_normal((400, 5))
    absz = np.abs(pool)
    expected = np.quantile(absz, 0.8 * 7 / 6) / np.quantile(absz, 0.8)
    assert small_sample_widening(pool, 6) == pytest.approx(expected)
    assert small_sample_widening(pool, 3) == pytest.approx(absz.max() / np.quantile(absz, 0.8))
    assert small_sample_widening(pool, 10_000) == pytest.approx(1.0, abs=0.01)
    assert small_sample_widening(pool, 0) == 1.0


def _backtest(errors: dict[str, float], windows: int = 3, h: int = 8, seed: int = 0) -> pd.DataFrame:
    """A backtest frame whose series miss by about `errors[sid]` on the log scale."""
    rng = np.random.default_rng(seed)
    rows = []
    for sid, size in errors.items():
        for w in range(windows):
            for step in range(1, h + 1):
                yhat = 1000.0
                rows.append((sid, pd.Timestamp("2024-01-01") + pd.Timedelta(weeks=8 * w), step, yhat, size))
    frame = pd.DataFrame(rows, columns=["unique_id", "cutoff", "step", "yhat", "size"])
    frame["y"] = np.expm1(np.log1p(frame["yhat"]) + frame["size"] * rng.standard_normal(len(frame)))
    frame["open"] = 1.0
    return frame.drop(columns="size")


def test_young_series_whose_errors_run_wider_get_wider_scales() -> None:
    errors = {f"old{i}": 0.1 for i in range(10)} | {f"new{i}": 0.4 for i in range(4)}
    bt = _backtest(errors)
    plain = Calibration.from_backtest(bt, 8)
    young = frozenset(f"new{i}" for i in range(4))
    fitted = Calibration.from_backtest(bt, 8, young=young)
    # Shrunk towards the median series, a new one looked calmer than its own errors (mean |r| = 0.32).
    assert plain.series_scale("new0") < 0.25 and fitted.series_scale("new0") == pytest.approx(0.32, rel=0.15)
    assert fitted.series_scale("old0") == pytest.approx(plain.series_scale("old0"))
    # A young series without backtest errors gets the young scale; an older one the median scale.
    assert fitted.series_scale("old0") == pytest.approx(fitted.series_scale("unseen"), rel=0.3)
    assert replace(fitted, young=young | {"unseen"}).series_scale("unseen") > 2 * plain.series_scale("old0")


def test_each_length_group_whose_errors_run_wider_gets_wider_scales() -> None:
    # Two-year-old series miss by 0.1, one-to-two-year-old ones by 0.4 (shrinkage hides part of it).
    errors = {f"long{i}": 0.1 for i in range(10)} | {f"mid{i}": 0.4 for i in range(4)}
    bt = _backtest(errors)
    mid = frozenset(f"mid{i}" for i in range(4))
    long = frozenset(f"long{i}" for i in range(10))
    plain = Calibration.from_backtest(bt, 8)
    fitted = Calibration.from_backtest(bt, 8, groups=(mid, long))
    assert fitted.series_scale("mid0") > 1.15 * plain.series_scale("mid0")
    assert fitted.series_scale("long0") == pytest.approx(plain.series_scale("long0"))  # not wider: unchanged

    def cover(cal: Calibration, sid: str) -> float:
        rows = bt.loc[bt["unique_id"] == sid]
        z = np.quantile(np.abs(cal.pool), 0.8) * cal.series_scale(sid)
        r = np.abs(np.log1p(rows["y"]) - np.log1p(rows["yhat"]))
        return float((r <= z).mean())

    mids = [cover(fitted, f"mid{i}") for i in range(4)]
    assert np.mean([cover(plain, f"mid{i}") for i in range(4)]) < 0.75 <= np.mean(mids)


def _total_width(paths: np.ndarray) -> float:
    """Width of the 80% interval of the path totals, relative to their median."""
    totals = paths.sum(axis=-1)
    lo, mid, hi = np.quantile(totals, [0.1, 0.5, 0.9])
    return float((hi - lo) / mid)


def test_young_series_paths_carry_a_longer_level_miss_and_older_ones_are_unchanged() -> None:
    errors = {f"old{i}": 0.2 for i in range(10)} | {f"new{i}": 0.2 for i in range(4)}
    young = frozenset(f"new{i}" for i in range(4))
    fitted = Calibration.from_backtest(_backtest(errors, seed=4), 8, young=young, seed=4)
    assert fitted.young_level == YOUNG_LEVEL > 1
    without = replace(fitted, young_level=1.0)  # the same calibration without the group rule
    point, is_open = np.full((2, 13), 1000.0), np.ones((2, 13), dtype=bool)
    ids = ["new0", "old0"]
    ours, theirs = fitted.sample(ids, point, is_open, 2000, seed=7), without.sample(ids, point, is_open, 2000, seed=7)
    # The young series' 13-step total spreads wider, by more than its single steps do; the old one is untouched.
    assert _total_width(ours[0]) > 1.4 * _total_width(theirs[0])
    week = [float(np.subtract(*np.quantile(p[:, 0], [0.9, 0.1]))) for p in (ours[0], theirs[0])]
    assert week[0] > week[1] and week[0] / week[1] < _total_width(ours[0]) / _total_width(theirs[0])
    np.testing.assert_array_equal(ours[1], theirs[1])
    # Deterministic: the same seed gives the same paths.
    np.testing.assert_array_equal(ours, fitted.sample(ids, point, is_open, 2000, seed=7))
    # A young series with returns (signed: sparse values around 0) keeps its paths: a longer level miss on
    # the signed log scale blew its totals up to thousands of times its history.
    returns = frozenset({"new0"})
    signed = replace(fitted, signed=returns).sample(ids, point, is_open, 2000, seed=7)
    np.testing.assert_array_equal(signed, replace(without, signed=returns).sample(ids, point, is_open, 2000, seed=7))


def test_a_panel_with_a_short_series_gives_it_wider_totals_than_without_the_group_rule() -> None:
    frame = make_weekly(n_series=4, weeks=130, seed=3)
    end = frame["ds"].max()
    short = (frame["unique_id"] == "w0") & (frame["ds"] <= end - pd.Timedelta(weeks=30))
    frame = frame.loc[~short].reset_index(drop=True)  # w0: 30 weeks of history, the others 130
    model = RecentMedian(horizon=13, n_paths=400).fit(frame)
    assert model.panel_.young() == frozenset({"w0"})
    ours = model.predict_paths(13)
    model.calibration_ = replace(model.calibration_, young_level=1.0)
    theirs = model.predict_paths(13)
    assert ours.ids == theirs.ids and ours.ids[0] == "w0"
    assert _total_width(ours.values[0]) > 1.3 * _total_width(theirs.values[0])
    np.testing.assert_array_equal(ours.values[1:], theirs.values[1:])
    np.testing.assert_array_equal(ours.point, theirs.point)
