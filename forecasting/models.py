"""Per-series forecasters: the seasonal-naive baseline and a SARIMAX model with exogenous regressors.

The global gradient-boosting model lives in `gbm.py`, automatic selection in `auto.py`.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
from joblib import Parallel, delayed

from forecasting.base import BaseForecaster, history_values
from forecasting.data import DS, ID, OPEN, Y, Frequency
from forecasting.panel import Panel


def step_index(ds: pd.Series | pd.DatetimeIndex, freq: Frequency) -> np.ndarray:
    """Integer position of each date on the frequency's grid (months count months, weeks count weeks)."""
    ds = pd.DatetimeIndex(ds)
    if freq.alias == "MS":
        return np.asarray(ds.year * 12 + ds.month - 1, dtype=np.int64)
    days = np.asarray((ds - pd.Timestamp("1970-01-05")).days, dtype=np.int64)
    return days // 7 if freq.alias.startswith("W") else days


class SeasonalNaive(BaseForecaster):
    """Each horizon step repeats the last observed open value one or more seasons back.

    Series shorter than one season repeat their last observed value (naive), which is also the
    documented fallback for series too short for the other models.
    """

    def __init__(
        self,
        season_length: int | None = None,
        horizon: int | None = None,
        calibration_windows: int = 3,
        n_paths: int = 500,
        seed: int = 0,
        open_col: str = OPEN,
    ) -> None:
        self.season_length = season_length
        self.horizon = horizon
        self.calibration_windows = calibration_windows
        self.n_paths = n_paths
        self.seed = seed
        self.open_col = open_col

    def _fit_point(self, panel: Panel) -> None:
        obs = history_values(panel)
        self.season_ = int(self.season_length or panel.freq.season_length)
        self.last_ = obs.groupby(ID)[Y].last()

    def _predict_point(self, panel: Panel, future: pd.DataFrame) -> np.ndarray:
        obs = history_values(panel)
        lookup = pd.Series(
            obs[Y].to_numpy(), index=pd.MultiIndex.from_arrays([obs[ID], step_index(obs[DS], panel.freq)])
        )
        end = step_index(pd.DatetimeIndex([panel.end]), panel.freq)[0]
        pos = step_index(future[DS], panel.freq)
        out = np.full(len(future), np.nan)
        first_k = np.maximum(1, -(-(pos - end) // self.season_))
        for extra in range(60):  # look back up to 60 seasons for an open, observed day
            todo = np.isnan(out)
            if not todo.any():
                break
            back = pos[todo] - (first_k[todo] + extra) * self.season_
            keys = pd.MultiIndex.from_arrays([future[ID].to_numpy()[todo], back])
            out[todo] = lookup.reindex(keys).to_numpy()
        missing = np.isnan(out)
        out[missing] = self.last_.reindex(future[ID].to_numpy()[missing]).to_numpy()
        return out


def _fourier(pos: np.ndarray, period: int, k: int) -> np.ndarray:
    angle = 2 * np.pi * np.outer(pos, np.arange(1, k + 1)) / period
    return np.hstack([np.sin(angle), np.cos(angle)])


def _fit_sarimax(y: np.ndarray, exog: np.ndarray | None, seasonal: tuple[int, int, int, int]) -> Any:
    from statsmodels.tsa.statespace.sarimax import SARIMAX

    with warnings.catch_warnings():  # convergence chatter on short series is expected
        warnings.simplefilter("ignore")
        model = SARIMAX(np.log1p(y), exog=exog, order=(1, 1, 1), seasonal_order=seasonal, trend="n")
        return model.fit(disp=False, maxiter=60)


class SarimaxForecaster(BaseForecaster):
    """SARIMAX(1,1,1) on log1p(y) per series, with the regressors as exogenous variables.

    Daily data gets a weekly seasonal AR/MA (1,0,1,7); weekly and monthly data get yearly Fourier terms
    when there are two years of history. Closed and missing days enter as missing values (the Kalman
    filter skips them). For short or few series; per-series fits run in parallel with joblib.
    """

    def __init__(
        self,
        horizon: int | None = None,
        calibration_windows: int = 3,
        n_paths: int = 500,
        seed: int = 0,
        n_jobs: int = 1,
        open_col: str = OPEN,
    ) -> None:
        self.horizon = horizon
        self.calibration_windows = calibration_windows
        self.n_paths = n_paths
        self.seed = seed
        self.n_jobs = n_jobs
        self.open_col = open_col

    def _design(self, frame: pd.DataFrame, panel: Panel, cols: list[str]) -> np.ndarray | None:
        parts = [frame[cols].fillna(0.0).to_numpy(float)] if cols else []
        freq = panel.freq
        if freq.season_length > 7 and self.fourier_:
            parts.append(_fourier(step_index(frame[DS], freq), freq.steps_per_year, 2))
        return np.hstack(parts) if parts else None

    def _fit_point(self, panel: Panel) -> None:
        f = panel.frame
        varying = [c for c in panel.regressors if f[c].nunique(dropna=True) > 1]
        self.exog_cols_ = varying
        years = f.groupby(ID)[DS].agg(lambda d: (d.max() - d.min()).days / 365.25).min()
        self.fourier_ = bool(years >= 2)
        seasonal = (1, 0, 1, 7) if panel.freq.season_length == 7 else (0, 0, 0, 0)
        groups = [(sid, grp) for sid, grp in f.groupby(ID, sort=True)]
        fits = Parallel(n_jobs=self.n_jobs)(
            delayed(_fit_sarimax)(
                grp[Y].where(grp[OPEN] == 1).to_numpy(float), self._design(grp, panel, varying), seasonal
            )
            for _, grp in groups
        )
        self.results_ = {sid: res for (sid, _), res in zip(groups, fits, strict=True)}

    def _predict_point(self, panel: Panel, future: pd.DataFrame) -> np.ndarray:
        out = np.full(len(future), np.nan)
        end = step_index(pd.DatetimeIndex([panel.end]), panel.freq)[0]
        for sid, rows in future.groupby(ID, sort=False):
            pos = step_index(rows[DS], panel.freq) - end
            steps = int(pos.max())
            grid = pd.DataFrame({DS: pd.date_range(panel.end, periods=steps + 1, freq=panel.freq.alias)[1:]})
            grid = grid.merge(rows, on=DS, how="left")
            exog = self._design(grid, panel, self.exog_cols_)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                fc = np.asarray(self.results_[sid].forecast(steps=steps, exog=exog))
            out[rows.index.to_numpy()] = np.expm1(np.clip(fc[pos - 1], -50, 50))
        return out
