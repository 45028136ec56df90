"""Per-series forecasters: the seasonal-naive baseline and a SARIMAX model with exogenous regressors.

The global gradient-boosting model lives in `gbm.py`, automatic selection in `auto.py`.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from threadpoolctl import threadpool_limits

from forecasting.base import BaseForecaster, history_values
from forecasting.data import DS, ID, OPEN, Frequency, Y
from forecasting.intervals import sexp, slog
from forecasting.panel import Panel

MIN_SARIMAX_OBS = 20


def step_index(ds: pd.Series | pd.DatetimeIndex, freq: Frequency) -> np.ndarray:
    """Integer position of each date on the frequency's grid (months count months, weeks count weeks)."""
    ds = pd.DatetimeIndex(ds)
    if freq.alias == "MS":
        return np.asarray(ds.year * 12 + ds.month - 1, dtype=np.int64)
    days = np.asarray((ds - pd.Timestamp("1970-01-05")).days, dtype=np.int64)
    return days // 7 if freq.alias.startswith("W") else days


def _without_returns(obs: pd.DataFrame) -> pd.DataFrame:
    """Observed rows without the return steps (below 0) of series that mostly sell: a return week is an
    event of that week, not of the season, so seasonal naive looks past it to the season before."""
    mostly_sells = obs.groupby(ID)[Y].transform("median") >= 0
    return obs.loc[~(mostly_sells & (obs[Y] < 0))]


class SeasonalNaive(BaseForecaster):
    """Each horizon step repeats the last observed open value one or more seasons back (past return weeks).

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
        obs = _without_returns(history_values(panel))
        self.season_ = int(self.season_length or panel.freq.season_length)
        self.last_ = obs.groupby(ID)[Y].last()

    def _predict_point(self, panel: Panel, future: pd.DataFrame) -> np.ndarray:
        obs = _without_returns(history_values(panel))
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


def _fit_sarimax(y: np.ndarray, exog: np.ndarray | None) -> Any:
    from statsmodels.tsa.statespace.sarimax import SARIMAX

    if np.isfinite(y).sum() < MIN_SARIMAX_OBS:
        return None
    # Single-threaded BLAS: the matrices are tiny, and threads fighting for cores made fits 20x slower.
    with warnings.catch_warnings(), threadpool_limits(1, user_api="blas"):
        warnings.simplefilter("ignore")  # convergence chatter on short series is expected
        model = SARIMAX(slog(y), exog=exog, order=(1, 1, 1), trend="n")
        return model.fit(disp=False, maxiter=50)


class SarimaxForecaster(BaseForecaster):
    """ARIMA(1,1,1) on log1p(y) per series with exogenous regressors (a SARIMAX without seasonal lags).

    Seasonality enters as exogenous terms, which is much faster than seasonal ARMA lags: day-of-week
    dummies for daily data, yearly Fourier terms for weekly and monthly data with two years of history.
    Closed and missing days enter as missing values (the Kalman filter skips them). Only the last
    `max_history` steps are used. Series with fewer than 20 observations repeat the seasonal-naive value
    (documented fallback). For short or few series; per-series fits run in parallel with joblib.
    """

    def __init__(
        self,
        horizon: int | None = None,
        calibration_windows: int = 3,
        max_history: int = 730,
        n_paths: int = 500,
        seed: int = 0,
        n_jobs: int = 1,
        open_col: str = OPEN,
    ) -> None:
        self.horizon = horizon
        self.calibration_windows = calibration_windows
        self.max_history = max_history
        self.n_paths = n_paths
        self.seed = seed
        self.n_jobs = n_jobs
        self.open_col = open_col

    def _design(self, frame: pd.DataFrame, panel: Panel, cols: list[str]) -> np.ndarray | None:
        parts = [frame[cols].fillna(0.0).to_numpy(float)] if cols else []
        freq = panel.freq
        if freq.season_length == 7:
            dow = frame[DS].dt.day_of_week.to_numpy()
            parts.append((dow[:, None] == np.arange(1, 7)[None, :]).astype(float))
        elif self.fourier_:
            parts.append(_fourier(step_index(frame[DS], freq), freq.steps_per_year, 2))
        return np.hstack(parts) if parts else None

    def _fit_point(self, panel: Panel) -> None:
        f = panel.frame.groupby(ID, sort=False).tail(self.max_history)
        self.exog_cols_ = [c for c in panel.regressors if f[c].nunique(dropna=True) > 1]
        years = f.groupby(ID)[DS].agg(lambda d: (d.max() - d.min()).days / 365.25).min()
        self.fourier_ = bool(years >= 2)
        groups = [(sid, grp) for sid, grp in f.groupby(ID, sort=True)]
        fits = Parallel(n_jobs=self.n_jobs)(
            delayed(_fit_sarimax)(
                grp[Y].where(grp[OPEN] == 1).to_numpy(float), self._design(grp, panel, self.exog_cols_)
            )
            for _, grp in groups
        )
        self.results_ = {sid: res for (sid, _), res in zip(groups, fits, strict=True)}
        self.fallback_ = SeasonalNaive()
        self.fallback_._fit_point(panel)

    def _predict_point(self, panel: Panel, future: pd.DataFrame) -> np.ndarray:
        out = self.fallback_._predict_point(panel, future)
        end = step_index(pd.DatetimeIndex([panel.end]), panel.freq)[0]
        for sid, rows in future.groupby(ID, sort=False):
            if self.results_.get(sid) is None:
                continue
            pos = step_index(rows[DS], panel.freq) - end
            steps = int(pos.max())
            grid = pd.DataFrame({DS: pd.date_range(panel.end, periods=steps + 1, freq=panel.freq.alias)[1:]})
            grid = grid.merge(rows, on=DS, how="left")
            exog = self._design(grid, panel, self.exog_cols_)
            with warnings.catch_warnings(), threadpool_limits(1, user_api="blas"):
                warnings.simplefilter("ignore")
                fc = np.asarray(self.results_[sid].forecast(steps=steps, exog=exog))
            out[rows.index.to_numpy()] = sexp(np.clip(fc[pos - 1], -50, 50))
        return out


RECENT_WINDOW = {"D": 4, "W": 13, "M": 3}  # daily: the last 4 of the same weekday


class RecentMedian(BaseForecaster):
    """The median of the series' last `window` observed values (daily data: of the same weekday).

    The method for series too short for a backtest or a season (a product launched 8 weeks ago): it
    needs no year-ago value and a single odd week (a return, a spike) does not move it."""

    def __init__(
        self,
        window: int | None = None,
        horizon: int | None = None,
        calibration_windows: int = 3,
        n_paths: int = 500,
        seed: int = 0,
        open_col: str = OPEN,
    ) -> None:
        self.window = window
        self.horizon = horizon
        self.calibration_windows = calibration_windows
        self.n_paths = n_paths
        self.seed = seed
        self.open_col = open_col

    def _fit_point(self, panel: Panel) -> None:
        obs = history_values(panel)
        kind = "D" if panel.freq.alias == "D" else ("M" if panel.freq.alias == "MS" else "W")
        window = int(self.window or RECENT_WINDOW[kind])
        self.daily_ = kind == "D"
        if self.daily_:
            keyed = obs.assign(dow=obs[DS].dt.day_of_week)
            self.by_dow_ = keyed.groupby([ID, "dow"])[Y].apply(lambda s: s.tail(window).median())
            window *= 7
        self.median_ = obs.groupby(ID)[Y].apply(lambda s: s.tail(window).median())

    def _predict_point(self, panel: Panel, future: pd.DataFrame) -> np.ndarray:
        out = self.median_.reindex(future[ID]).to_numpy(float)
        if self.daily_:
            keys = pd.MultiIndex.from_arrays([future[ID], future[DS].dt.day_of_week])
            by_dow = self.by_dow_.reindex(keys).to_numpy(float)
            out = np.where(np.isnan(by_dow), out, by_dow)
        return np.asarray(out, dtype=float)


LEVEL_STEPS = 13  # SeasonalLevel: the level change is measured over the last 13 observed steps


class SeasonalLevel(BaseForecaster):
    """Last season's step moved by the change in the series' level since then (weekly: a year ago).

    Each horizon step takes the value one season earlier (half that step, half the mean of it and the
    steps either side: one odd week does not become next year's week) plus the level change: the mean
    of the last `window` steps minus the mean of the same steps a season earlier. Return steps of a
    series that mostly sells are left out, as in `SeasonalNaive`. A series without last season's step or
    without those two levels gets the mean of its last `window` observed steps. The additive form keeps
    series with returns and near-zero weeks as they are; it is the ETS-with-a-season idea with the season
    read from one year (two years of weekly history rarely exist before a forecast)."""

    def __init__(
        self,
        window: int = LEVEL_STEPS,
        horizon: int | None = None,
        calibration_windows: int = 3,
        n_paths: int = 500,
        seed: int = 0,
        open_col: str = OPEN,
    ) -> None:
        self.window = window
        self.horizon = horizon
        self.calibration_windows = calibration_windows
        self.n_paths = n_paths
        self.seed = seed
        self.open_col = open_col

    def _fit_point(self, panel: Panel) -> None:
        self.season_ = int(panel.freq.season_length)

    def _predict_point(self, panel: Panel, future: pd.DataFrame) -> np.ndarray:
        obs = _without_returns(history_values(panel))
        ids = pd.Index(panel.ids)
        first = int(step_index(pd.DatetimeIndex([panel.frame[DS].min()]), panel.freq)[0])
        end = int(step_index(pd.DatetimeIndex([panel.end]), panel.freq)[0]) - first
        grid = np.full((len(ids), end + 1), np.nan)
        grid[ids.get_indexer(obs[ID]), step_index(obs[DS], panel.freq) - first] = obs[Y].to_numpy(float)
        w, s = int(self.window), self.season_
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # a series without values in a window: NaN
            recent = np.nanmean(grid[:, max(0, end - w + 1) :], axis=1)
            lo = end - w + 1 - s
            before = np.nanmean(grid[:, lo : end + 1 - s], axis=1) if lo >= 0 else np.full(len(ids), np.nan)
            rows = ids.get_indexer(future[ID])
            pos = step_index(future[DS], panel.freq) - first
            back = pos - s * np.maximum(1, -(-(pos - end) // s))

            def at(p: np.ndarray) -> np.ndarray:
                ok = (p >= 0) & (p <= end) & (rows >= 0)
                out = np.full(len(p), np.nan)
                out[ok] = grid[rows[ok], p[ok]]
                return out

            exact = at(back)
            around = np.nanmean(np.vstack([at(back - 1), exact, at(back + 1)]), axis=0)
        moved = 0.5 * exact + 0.5 * around + (recent - before)[rows]
        last = obs.groupby(ID)[Y].last().reindex(future[ID]).to_numpy(float)  # nothing lately: the last value
        return np.asarray(
            np.where(np.isnan(moved), np.where(np.isnan(recent[rows]), last, recent[rows]), moved), dtype=float
        )
