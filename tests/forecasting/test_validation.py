"""Input validation: clear errors that name the series and rows, and documented fallbacks."""

from __future__ import annotations

import pandas as pd
import pytest

from forecasting.data import check_nonnegative, infer_frequency
from forecasting.errors import (
    DataValidationError,
    DuplicateDatesError,
    EmptyInputError,
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


def test_negative_values_are_valid_unless_refused(data: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    history, _ = data
    history.loc[70, "y"] = -3  # a return exceeding the day's sales
    panel = prepare_history(history)
    assert panel.signed == frozenset({"shop1"}) and (panel.frame["y"] == -3).sum() == 1
    with pytest.raises(NegativeValuesError, match="series 'shop1' rows 70"):
        check_nonnegative(history)


def test_empty_input_is_a_clear_error(data: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    history, _ = data
    with pytest.raises(EmptyInputError, match="no data rows"):
        prepare_history(history.iloc[:0])
    with pytest.raises(EmptyInputError, match="has no values"):
        prepare_history(history.assign(y=float("nan")))


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
    with pytest.raises(MissingRegressorsError, match=r"\['promo'\] are in the history but not in the calendar"):
        prepare_future(panel, X=calendar.drop(columns="promo"))
    with pytest.raises(MissingRegressorsError, match=r"no dates after the history for unique_id \['shop1'\]"):
        prepare_future(panel, X=calendar.loc[calendar["unique_id"] == "shop0"])
    with pytest.raises(DataValidationError, match="pass their horizon values"):
        prepare_future(panel, h=7)


def test_empty_regressor_values_are_handled_and_reported(data: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    history, calendar = data
    calendar.loc[[2, 3], "promo"] = None  # never empty in the history: the most common value
    future = prepare_future(prepare_history(history), X=calendar)
    assert future["promo"].notna().all()
    assert "'promo' is empty in 2 of 14 rows (series 'shop0' rows 2-3)" in future.attrs["notes"][0]
    assert "filled with the most common history value 0" in future.attrs["notes"][0]
    history.loc[[5, 6, 7], "promo"] = None  # empty in the history too: kept empty, as learnt
    panel = prepare_history(history)
    assert "'promo' is empty in 3 of 120 rows (series 'shop0' rows 5-7)" in panel.notes[0]
    future = prepare_future(panel, X=calendar)
    assert future["promo"].isna().sum() == 2 and "kept empty, as in the history" in future.attrs["notes"][0]
    paths = (
        SeasonalNaive(horizon=7, n_paths=20)
        .fit(history.drop(columns="holiday"))
        .predict_paths(X=calendar.drop(columns="holiday"))
    )
    assert len(paths.notes) == 2


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
    with pytest.raises(
        DataValidationError, match=r"'promo' is numeric in the history but not \('yes'\) in series 'shop0' rows 1"
    ):
        prepare_future(panel, X=calendar)


def test_frequency_inference() -> None:
    assert infer_frequency(pd.Series(pd.date_range("2024-01-01", periods=5, freq="D"))).alias == "D"
    weekly = infer_frequency(pd.Series(pd.date_range("2024-01-07", periods=5, freq="W-SUN")))
    assert (weekly.alias, weekly.season_length) == ("W-SUN", 52)
    assert infer_frequency(pd.Series(pd.date_range("2024-01-01", periods=5, freq="MS"))).alias == "MS"
    with pytest.raises(DataValidationError, match="3 days apart"):
        infer_frequency(pd.Series(pd.date_range("2024-01-01", periods=5, freq="3D")))
