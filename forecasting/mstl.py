"""statsforecast's MSTL (season-trend decomposition, AutoETS trend) as a member of the weekly default.

Weekly retail series with two full years of history have a season that a decomposition reads well: on
the Walmart development origin 2012-04-27 statsforecast's MSTL with an AutoETS trend scored MASE 0.826
against 0.834 for kpilot's three-way average. `MSTL` runs the library itself, set up as in the benchmark
(`eval/forecast_refs.py`): raw values (returns stay negative, additive), the 52-week season, gaps
interpolated, the last `max_history` steps. A series with less than two full seasons of history from its
first observed step gets no forecast (NaN): an average that holds `MSTL` then averages its other members,
and `AutoForecaster` offers it only to series that have the two seasons. statsforecast is a pinned runtime
dependency, so the CLI and the service offer `MSTL` alike; an install without it falls back to the
three-way average and says so in the note.
"""

from __future__ import annotations

import importlib.util
import warnings

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from forecasting.base import BaseForecaster
from forecasting.data import DS, ID, OPEN, Y
from forecasting.models import step_index
from forecasting.panel import Panel

SEASONS_NEEDED = 2  # STL reads a season only from two full cycles


def available() -> bool:
    """Whether statsforecast is installed (the `MSTL` member needs it)."""
    return importlib.util.find_spec("statsforecast") is not None


def seasons_of_history(panel: Panel) -> pd.Series:
    """Per series: steps from its first observed step to the panel's end, in seasons (what `MSTL` needs)."""
    f = panel.frame
    obs = f.loc[(f[OPEN] == 1) & f[Y].notna()]
    first = obs.groupby(ID)[DS].min().reindex(panel.ids)
    end = step_index(pd.DatetimeIndex([panel.end]), panel.freq)[0]
    steps = end - step_index(pd.DatetimeIndex(first.fillna(panel.end)), panel.freq) + 1
    return pd.Series(steps / panel.freq.season_length, index=first.index).where(first.notna(), 0.0)


def _forecast_one(y: np.ndarray, season: int, steps: int) -> np.ndarray:
    """MSTL with an AutoETS (no season) trend on one series; NaN without two full seasons or when it fails."""
    from statsforecast.models import MSTL as SFMSTL
    from statsforecast.models import AutoETS

    obs = np.isfinite(y)
    none = np.full(steps, np.nan)
    if not obs.any():
        return none
    x = pd.Series(y[int(np.argmax(obs)) :]).interpolate(limit_direction="both").to_numpy(float)
    if len(x) < SEASONS_NEEDED * season:
        return none
    with warnings.catch_warnings(), threadpool_limits(1, user_api="blas"):
        warnings.simplefilter("ignore")  # convergence chatter of the trend model
        try:
            model = SFMSTL(season_length=season, trend_forecaster=AutoETS(model="ZZN"))
            return np.asarray(model.forecast(y=x, h=steps)["mean"], dtype=float)
        except Exception:  # noqa: BLE001 - a series the library cannot fit has no MSTL forecast
            return none


class MSTL(BaseForecaster):
    """statsforecast's MSTL + AutoETS trend per series (see the module docstring); NaN where it cannot fit."""

    def __init__(
        self,
        horizon: int | None = None,
        calibration_windows: int = 3,
        max_history: int = 730,
        n_paths: int = 500,
        seed: int = 0,
        open_col: str = OPEN,
    ) -> None:
        self.horizon = horizon
        self.calibration_windows = calibration_windows
        self.max_history = max_history
        self.n_paths = n_paths
        self.seed = seed
        self.open_col = open_col

    def _fit_point(self, panel: Panel) -> None:
        self.panel_end_ = panel.end  # statsforecast fits at forecast time, for the steps asked for

    def _predict_point(self, panel: Panel, future: pd.DataFrame) -> np.ndarray:
        f = panel.frame.groupby(ID, sort=False).tail(self.max_history)
        end = step_index(pd.DatetimeIndex([panel.end]), panel.freq)[0]
        pos = step_index(future[DS], panel.freq) - end
        steps = int(max(1, pos.max())) if len(pos) else 1
        season = int(panel.freq.season_length)
        wanted = set(future[ID])
        table = {
            sid: _forecast_one(grp[Y].where(grp[OPEN] == 1).to_numpy(float), season, steps)
            for sid, grp in f.groupby(ID, sort=True)
            if sid in wanted
        }
        out = np.full(len(future), np.nan)
        for sid, rows in future.groupby(ID, sort=False).indices.items():
            if sid in table:
                out[rows] = table[sid][pos[rows] - 1]
        return out
