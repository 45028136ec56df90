"""The built-in Chinese e-commerce calendar and merging it with shop events and user columns."""

from datetime import date

import pandas as pd
import pytest

from forecasting.calendar import LUNAR_NEW_YEAR, cn_ecommerce_calendar, combine_calendars
from forecasting.errors import CalendarError, ForecastingError


def _day(cal: pd.DataFrame, d: str) -> pd.Series:
    return cal.loc[cal["ds"] == pd.Timestamp(d)].iloc[0]


@pytest.mark.parametrize(
    ("year", "new_year"),
    [
        (2015, "2015-02-19"),
        (2018, "2018-02-16"),
        (2020, "2020-01-25"),
        (2023, "2023-01-22"),
        (2024, "2024-02-10"),
        (2025, "2025-01-29"),
        (2026, "2026-02-17"),
        (2033, "2033-01-31"),
        (2035, "2035-02-08"),
    ],
)
def test_spring_festival_pause_surrounds_lunar_new_year(year: int, new_year: str) -> None:
    cal = cn_ecommerce_calendar(f"{year - 1}-12-01", f"{year}-03-31")
    cny = pd.Timestamp(new_year)
    paused = cal.loc[cal["logistics_pause"], "ds"]
    assert paused.min() == cny - pd.Timedelta(days=7)
    assert paused.max() == cny + pd.Timedelta(days=7)
    assert (cal.loc[cal["logistics_pause"], "event"] == "spring_festival_pause").all()
    assert (cal.loc[cal["logistics_pause"], "promo_intensity"] == 0).all()
    nianhuo = cal.loc[cal["event"] == "nianhuo", "ds"]
    assert nianhuo.max() == paused.min() - pd.Timedelta(days=1)
    assert len(nianhuo) == 21


def test_lunar_table_covers_2015_to_2035_in_order() -> None:
    assert set(range(2015, 2036)) <= set(LUNAR_NEW_YEAR)
    for year, d in LUNAR_NEW_YEAR.items():
        assert d.year == year and (d.month, d.day) >= (1, 21) and (d.month, d.day) <= (2, 20)


@pytest.mark.parametrize("year", [2016, 2022, 2030])
def test_fixed_events_and_phases(year: int) -> None:
    cal = cn_ecommerce_calendar(date(year, 1, 1), date(year, 12, 31))
    assert len(cal) == (366 if year % 4 == 0 else 365)
    d11 = _day(cal, f"{year}-11-11")
    assert (d11["event"], d11["phase"], d11["promo_intensity"]) == ("double11", "peak", 1.0)
    assert _day(cal, f"{year}-10-25")["phase"] == "presale"
    assert _day(cal, f"{year}-11-13")["phase"] == "tail"
    assert _day(cal, f"{year}-06-18")["event"] == "618"
    assert _day(cal, f"{year}-09-09")["event"] == "99"
    assert _day(cal, f"{year}-03-08")["event"] == "women_day"
    assert _day(cal, f"{year}-12-12")["event"] == "double12"
    quiet = _day(cal, f"{year}-07-15")
    assert pd.isna(quiet["event"]) and pd.isna(quiet["phase"]) and quiet["promo_intensity"] == 0
    assert cal["promo_intensity"].between(0, 1).all()
    assert cal["ds"].is_monotonic_increasing and cal["ds"].dt.normalize().equals(cal["ds"])


def test_nianhuo_can_start_in_previous_december() -> None:
    cal = cn_ecommerce_calendar("2022-12-25", "2023-01-05")  # CNY 2023-01-22, pause from 01-15
    assert _day(cal, "2022-12-25")["event"] == "nianhuo"
    assert _day(cal, "2022-12-25")["phase"] == "presale"


def test_bad_inputs_raise_calendar_error() -> None:
    with pytest.raises(CalendarError):
        cn_ecommerce_calendar("2024-02-01", "2024-01-01")
    with pytest.raises(ForecastingError):
        cn_ecommerce_calendar("not a date", "2024-01-01")
    with pytest.raises(CalendarError, match="lunar new year of 2050"):
        cn_ecommerce_calendar("2050-01-01", "2050-12-31")


def test_combine_with_shop_events_and_user_columns() -> None:
    base = cn_ecommerce_calendar("2024-07-01", "2024-07-10")
    shop = [{"name": "anniversary", "start": "2024-07-03", "end": "2024-07-04", "intensity": 0.7}]
    user = pd.DataFrame({"ds": ["2024-07-01", "2024-07-05"], "live_stream": [1, 1]})
    out = combine_calendars(base, shop, user)
    assert len(out) == 10
    assert out.loc[out["shop_event"] == "anniversary", "promo_intensity"].tolist() == [0.7, 0.7]
    assert out["live_stream"].fillna(0).sum() == 2
    per_store = pd.DataFrame({"unique_id": ["a", "b"], "ds": ["2024-07-02", "2024-07-02"], "open": [1, 0]})
    wide = combine_calendars(base, None, per_store)
    assert len(wide) == 20 and set(wide["unique_id"]) == {"a", "b"}


def test_combine_rejects_bad_shop_events_and_clashing_columns() -> None:
    base = cn_ecommerce_calendar("2024-07-01", "2024-07-10")
    with pytest.raises(CalendarError, match="rows \\[0\\]"):
        combine_calendars(base, [{"name": "x", "start": "soon", "end": "2024-07-02"}])
    with pytest.raises(CalendarError, match="end before start"):
        combine_calendars(base, [{"name": "x", "start": "2024-07-05", "end": "2024-07-02"}])
    with pytest.raises(CalendarError, match="clash"):
        combine_calendars(base, None, pd.DataFrame({"ds": ["2024-07-01"], "event": ["mine"]}))


def test_calendar_columns_work_as_regressors() -> None:
    from forecasting.gbm import GlobalGBM
    from tests.forecasting.helpers import make_daily

    history, future = make_daily(n_series=2, days=200, horizon=14)
    cal = combine_calendars(cn_ecommerce_calendar("2023-01-01", "2023-12-31"), [("x", "2023-02-01", "2023-02-03")])
    cal = cal[["ds", "promo_intensity", "logistics_pause"]].assign(logistics_pause=lambda f: f["logistics_pause"] * 1)
    model = GlobalGBM(horizon=14, max_iter=20, n_paths=50).fit(history.merge(cal, on="ds"))
    out = model.predict(X=future.merge(cal, on="ds"))
    assert len(out) == len(future) and "x_promo_intensity" in model.feature_names_
