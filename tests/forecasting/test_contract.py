"""The estimator contract, checked the same way for every forecaster."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from forecasting.auto import AutoForecaster
from forecasting.base import BaseForecaster
from forecasting.errors import ForecastingError, NotFittedError
from forecasting.gbm import GlobalGBM
from forecasting.models import SarimaxForecaster, SeasonalLevel, SeasonalNaive
from forecasting.stats import AutoETS, MSTLForecaster
from tests.forecasting.helpers import make_daily, make_weekly

H = 14


def _models() -> list[BaseForecaster]:
    return [
        SeasonalNaive(horizon=H, n_paths=200),
        SeasonalLevel(horizon=H, n_paths=200),
        SarimaxForecaster(horizon=H, calibration_windows=2, max_history=150, n_paths=200),
        GlobalGBM(horizon=H, max_iter=40, n_paths=200),
        AutoETS(horizon=H, calibration_windows=2, n_paths=200),
        MSTLForecaster(horizon=H, calibration_windows=2, n_paths=200),
        AutoForecaster(models=[SeasonalNaive(), GlobalGBM(max_iter=40)], horizon=H, n_paths=200),
    ]


MODELS = pytest.mark.parametrize("model", _models(), ids=lambda m: type(m).__name__)


@pytest.fixture(scope="module")
def daily() -> tuple[pd.DataFrame, pd.DataFrame]:
    return make_daily(n_series=3, days=240, horizon=H)


@MODELS
def test_init_only_stores_parameters(model: BaseForecaster) -> None:
    assert repr(clone(model)) == repr(model)
    assert not [k for k in vars(model) if k.endswith("_")]


@MODELS
def test_predict_before_fit_raises(model: BaseForecaster) -> None:
    with pytest.raises(NotFittedError) as info:
        clone(model).predict(h=H)
    assert isinstance(info.value, ForecastingError)


@MODELS
def test_fit_returns_self_and_learned_attributes_end_in_underscore(
    model: BaseForecaster, daily: tuple[pd.DataFrame, pd.DataFrame]
) -> None:
    history, _ = daily
    m = clone(model)
    params = set(m.get_params())
    assert m.fit(history) is m
    learned = [k for k in vars(m) if k not in params]
    assert learned and all(k.endswith("_") for k in learned)


@MODELS
def test_nested_intervals_closed_days_zero_and_deterministic(
    model: BaseForecaster, daily: tuple[pd.DataFrame, pd.DataFrame]
) -> None:
    history, calendar = daily
    a = clone(model).fit(history).predict(X=calendar, level=(80, 95))
    b = clone(model).fit(history).predict(X=calendar, level=(95, 80))
    assert list(a.columns) == ["unique_id", "ds", "p50", "lo-95", "lo-80", "hi-80", "hi-95"]
    pd.testing.assert_frame_equal(a, b)
    assert len(a) == len(calendar)
    ordered = a[["lo-95", "lo-80", "p50", "hi-80", "hi-95"]].to_numpy()
    assert (np.diff(ordered, axis=1) >= -1e-6).all()
    closed = a.merge(calendar, on=["unique_id", "ds"])["open"].to_numpy() == 0
    assert closed.any()
    assert (ordered[closed] == 0).all()
    assert (a.loc[~closed, "p50"] > 0).all()


@MODELS
def test_weekly_data_without_regressors(model: BaseForecaster) -> None:
    weekly = make_weekly()
    m = clone(model).set_params(horizon=8)
    out = m.fit(weekly).predict(h=8)
    assert len(out) == 16 and out["ds"].min() > weekly["ds"].max()
    assert (out["p50"] > 0).all() and (out["lo-80"] <= out["hi-80"]).all()


def test_series_with_a_gap_and_a_short_series_still_forecast() -> None:
    history, calendar = make_daily(n_series=3, days=240, horizon=H, gap=True)
    short = history.loc[
        (history["unique_id"] == "shop2") & (history["ds"] > history["ds"].max() - pd.Timedelta(days=20))
    ]
    history = pd.concat([history.loc[history["unique_id"] != "shop2"], short])
    model = AutoForecaster(models=[SeasonalNaive(), GlobalGBM(max_iter=30)], horizon=H, n_paths=100).fit(history)
    out = model.predict(X=calendar)
    assert set(out["unique_id"]) == {"shop0", "shop1", "shop2"}
    assert model.model_names()["shop2"] == "SeasonalNaive"  # too short for a backtest: the fallback
    assert np.isfinite(out[["p50", "lo-80", "hi-80"]].to_numpy()).all()
