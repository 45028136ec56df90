"""Input validation: clear errors that name the series and rows, and documented fallbacks."""

from __future__ import annotations

import pandas as pd
import pytest

from forecasting.data import infer_frequency
from forecasting.errors import (
    DataValidationError,
    DuplicateDatesError,
    ForecastingError,
    MissingRegressorsError,
    NegativeValuesError,
    UnparseableDatesError,
)
from forecasting.models import SeasonalNaive
from forecasting.panel import prepare_future, prepare_history
from tests.forecasting.helpers import make_daily


@pytest.fixture()
def data() -> tuple[pd.DataFrame, pd.DataFrame]:
    return make_daily(n_series=2, days=60, horizon=7)


def test_duplicate_dates_name_series_and_rows(data: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    history, _ = data
    dup = pd.concat([history, history.iloc[[5]]], ignore_index=True)
    with pytest.raises(DuplicateDatesError, match=r"series 'shop0' rows 5, \d+"):
        prepare_history(dup)


def test_negative_values_name_series_and_rows(data: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    history, _ = data
    history.loc[70, "y"] = -3
    with pytest.raises(NegativeValuesError, match="series 'shop1' rows 70"):
        prepare_history(history)


def test_unparseable_dates_name_rows(data: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    history, _ = data
    history["ds"] = history["ds"].astype(str)
    history.loc[3, "ds"] = "31/31/2023"
    with pytest.raises(UnparseableDatesError, match="rows 3 .*31/31/2023"):
        prepare_history(history)


def test_missing_columns_are_listed(data: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    history, _ = data
    with pytest.raises(DataValidationError, match=r"missing columns \['y'\]"):
        prepare_history(history.drop(columns="y"))


def test_regressors_missing_in_the_horizon(data: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    history, calendar = data
    panel = prepare_history(history)
    with pytest.raises(MissingRegressorsError, match=r"\['promo'\] are in the history but not the horizon"):
        prepare_future(panel, X=calendar.drop(columns="promo"))
    calendar.loc[2, "promo"] = None
    with pytest.raises(MissingRegressorsError, match="series 'shop0' rows 2"):
        prepare_future(panel, X=calendar)
    with pytest.raises(MissingRegressorsError, match="no horizon rows for series"):
        prepare_future(panel, X=calendar.loc[calendar["unique_id"] == "shop0"])
    with pytest.raises(DataValidationError, match="pass their horizon values"):
        prepare_future(panel, h=7)


def test_all_errors_share_one_root() -> None:
    for cls in (DuplicateDatesError, NegativeValuesError, UnparseableDatesError, MissingRegressorsError):
        assert issubclass(cls, ForecastingError)


def test_gaps_are_filled_as_missing_not_zero(data: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    history, _ = data
    holed = history.drop(index=history.index[(history["unique_id"] == "shop1")][10:30])
    panel = prepare_history(holed)
    shop1 = panel.frame.loc[panel.frame["unique_id"] == "shop1"]
    assert len(shop1) == 60 and shop1["y"].isna().sum() == 20 and shop1["open"].isna().sum() == 20
    model = SeasonalNaive(horizon=7, n_paths=50).fit(holed.drop(columns=["promo", "holiday"]))
    assert len(model.predict(h=7)) == 14


def test_text_regressors_get_stable_codes() -> None:
    history, calendar = make_daily(n_series=2, days=140, horizon=7)
    panel = prepare_history(history)
    assert panel.codes["holiday"] == {"0": 0.0, "a": 1.0} and panel.codes["promo"] is None
    calendar.loc[0, "holiday"] = "z"  # unseen code in the horizon: a new code, not an error
    future = prepare_future(panel, X=calendar)
    assert future.loc[0, "holiday"] == 2.0
    calendar["promo"] = calendar["promo"].astype(object)
    calendar.loc[1, "promo"] = "yes"
    with pytest.raises(DataValidationError, match="'promo' is numeric in the history but not in series 'shop0' rows 1"):
        prepare_future(panel, X=calendar)


def test_frequency_inference() -> None:
    assert infer_frequency(pd.Series(pd.date_range("2024-01-01", periods=5, freq="D"))).alias == "D"
    weekly = infer_frequency(pd.Series(pd.date_range("2024-01-07", periods=5, freq="W-SUN")))
    assert (weekly.alias, weekly.season_length) == ("W-SUN", 52)
    assert infer_frequency(pd.Series(pd.date_range("2024-01-01", periods=5, freq="MS"))).alias == "MS"
    with pytest.raises(DataValidationError, match="3 days apart"):
        infer_frequency(pd.Series(pd.date_range("2024-01-01", periods=5, freq="3D")))
