"""The MSTL member of the weekly default: used for series with two full years, not for shorter ones, and
left out when the backtests where it had two years scored it worse; each case says so in words."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forecasting.auto import BLEND3, LONG, SEASONAL, AutoForecaster
from forecasting.mstl import MSTL, available
from tests.forecasting.test_weekly_choice import H, _split, _weekly

pytestmark = pytest.mark.skipif(not available(), reason="statsforecast is not installed (the MSTL member needs it)")


def _fit(history: pd.DataFrame) -> AutoForecaster:
    return AutoForecaster(horizon=H, n_paths=100).fit(history)


def test_series_with_two_full_years_get_the_average_with_mstl_and_a_note_saying_why() -> None:
    history, calendar = _split(_weekly(n=4, weeks=120))
    model = _fit(history)
    assert set(model.model_names()) <= {LONG, SEASONAL} and LONG in set(model.model_names())
    for sid in model.model_names().index[model.model_names() == SEASONAL]:  # chosen alone: on its own windows
        assert "over the 1 window(s) it could forecast, more than 30% below the default" in model.reasons()[sid]
    kept = model.reasons()[model.model_names() == LONG]
    assert all(text.startswith(f"{LONG} (the average of the global model, last season's") for text in kept)
    assert all("a season-trend decomposition of this series (MSTL)" in text for text in kept)
    assert all("the default, kept" in text for text in kept)
    notes = model.predict_paths(X=calendar).notes
    note = next(n for n in notes if "season-trend decomposition" in n)
    assert note.startswith(f"4 series with 2 full years (104 weeks) of history use {LONG} by default")
    assert "takes seasonal naive's place in the average" in note
    # 4 series-windows with two full years cannot overrule the measured default: the note says so.
    assert "4 backtest series-windows with 2 full years (104 weeks) of history here, fewer than the 30" in note
    assert SEASONAL in model.models_  # fitted for the forecast, as the average's fourth member


def test_series_shorter_than_two_years_keep_the_three_way_average_and_get_no_mstl_forecast() -> None:
    frame = _weekly(n=4, weeks=120)
    young = frame["unique_id"].isin(["s2", "s3"]) & (frame["ds"] < frame["ds"].min() + pd.Timedelta(weeks=40))
    history, calendar = _split(frame.loc[~young].reset_index(drop=True))  # s2, s3: 80 weeks of history
    model = _fit(history)
    names = model.model_names()
    assert names["s2"] == BLEND3 and names["s3"] == BLEND3
    assert names["s0"] in (LONG, SEASONAL) and names["s1"] in (LONG, SEASONAL)
    assert "MSTL" not in model.reasons()["s2"] and "the default, kept" in model.reasons()["s2"]
    note = next(n for n in model.predict_paths(X=calendar).notes if "season-trend decomposition" in n)
    assert f"the other 2 keep {BLEND3}" in note
    # MSTL itself gives no forecast for a series without two full seasons (the average does without it).
    own = MSTL(horizon=H, n_paths=20).fit(history)
    point = own.predict_paths(X=calendar).point
    ids = own.predict_paths(X=calendar).ids
    assert np.isnan(point[ids.index("s2")]).all() and np.isfinite(point[ids.index("s0")]).all()


def test_mstl_is_left_out_of_the_default_when_its_backtests_scored_worse() -> None:
    history, _ = _split(_weekly(n=30, weeks=120))
    model = _fit(history)
    scores = model.window_scores_
    with_mstl = scores.index.isin(model.mstl_windows_)
    assert with_mstl.sum() == 30  # one window per series had two full years (the last one)
    # The rule itself: the same fit, with the four-way average scored worse where MSTL took part.
    model.window_scores_ = scores.assign(**{LONG: scores[LONG].where(~with_mstl, scores[BLEND3] + 0.1)})
    defaults = model._defaults(model.panel_)
    assert set(defaults) == {BLEND3}
    assert model.mstl_note_.startswith(f"{SEASONAL} (statsforecast's season-trend decomposition) is not in the")
    assert f"in the 30 backtest series-windows with 2 full years (104 weeks) of history {LONG} scored MASE" in (
        model.mstl_note_
    )
    # Scored better there, it stays the default of every series with two full years.
    model.window_scores_ = scores.assign(**{LONG: scores[LONG].where(~with_mstl, scores[BLEND3] - 0.1)})
    assert set(model._defaults(model.panel_)) == {LONG}
    assert "in 30 backtest series-windows with 2 full years (104 weeks) of history: MASE" in model.mstl_note_
