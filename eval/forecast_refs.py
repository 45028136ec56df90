"""A reference global gradient-boosting forecaster for the benchmarks (not the product's model).

What a user of mlforecast would set up first: one scikit-learn HistGradientBoostingRegressor over all
series, direct strategy (every lag >= the horizon), the target scaled by each series' training mean
(mlforecast's LocalStandardScaler idea), lags h..h+3, the lag one season back (when it is >= h), a
rolling mean over one season at lag h, calendar fields and the known regressors as they are; squared
error loss. Intervals come from the same calibrated sample paths as every other model in the benchmark.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingRegressor
from threadpoolctl import threadpool_limits

from forecasting.base import BaseForecaster
from forecasting.data import DS, ID, OPEN, Y, complete_grid
from forecasting.panel import Panel


class LagGBM(BaseForecaster):
    """Reference global gradient boosting on lagged values (see the module docstring)."""

    def __init__(
        self,
        horizon: int | None = None,
        calibration_windows: int = 3,
        max_iter: int = 300,
        n_paths: int = 500,
        seed: int = 0,
        open_col: str = OPEN,
    ) -> None:
        self.horizon = horizon
        self.calibration_windows = calibration_windows
        self.max_iter = max_iter
        self.n_paths = n_paths
        self.seed = seed
        self.open_col = open_col

    def _features(self, frame: pd.DataFrame, panel: Panel) -> pd.DataFrame:
        h = self._calibration_horizon(panel)
        season = panel.freq.season_length
        keys = frame[ID].to_numpy()
        scaled = frame[Y].where(frame[OPEN] == 1) / self.mean_.reindex(keys).to_numpy()
        grouped = scaled.groupby(keys)
        feats = {f"lag{k}": grouped.shift(k).to_numpy() for k in range(h, h + 4)}
        if season >= h:
            feats["lag_season"] = grouped.shift(season).to_numpy()
        feats["roll_season"] = (
            grouped.shift(h).groupby(keys).transform(lambda s: s.rolling(season, min_periods=1).mean()).to_numpy()
        )
        ds = frame[DS]
        feats["month"] = ds.dt.month.to_numpy(float)
        feats["week"] = ds.dt.isocalendar().week.to_numpy(float)
        feats["dow"] = ds.dt.day_of_week.to_numpy(float)
        feats["open"] = frame[OPEN].to_numpy(float)
        for col in panel.regressors:
            feats[f"x_{col}"] = frame[col].to_numpy(float)
        return pd.DataFrame(feats, index=frame.index)

    def _fit_point(self, panel: Panel) -> None:
        f = panel.frame
        self.mean_ = f[Y].where(f[OPEN] == 1).abs().groupby(f[ID]).mean().clip(lower=1.0)
        X = self._features(f, panel)
        target = (f[Y].where(f[OPEN] == 1) / self.mean_.reindex(f[ID]).to_numpy()).to_numpy()
        rows = np.isfinite(target)
        # An all-empty column (a regressor not recorded yet) breaks the binning: left out, as a user would.
        self.columns_ = [c for c in X.columns if X.loc[rows, c].notna().any()]
        model = HistGradientBoostingRegressor(max_iter=self.max_iter, learning_rate=0.05, random_state=self.seed)
        with threadpool_limits(1, user_api="openmp"):
            self.model_ = model.fit(X.loc[rows, self.columns_], target[rows])

    def _predict_point(self, panel: Panel, future: pd.DataFrame) -> np.ndarray:
        hist = panel.frame
        full = pd.concat([hist, future.assign(**{Y: np.nan})[hist.columns]], ignore_index=True)
        full = complete_grid(full.sort_values([ID, DS], kind="stable"), panel.freq)
        with threadpool_limits(1, user_api="openmp"):
            pred = (
                self.model_.predict(self._features(full, panel)[self.columns_])
                * self.mean_.reindex(full[ID]).to_numpy()
            )
        lookup = pd.Series(pred, index=pd.MultiIndex.from_frame(full[[ID, DS]]))
        return np.asarray(lookup.reindex(pd.MultiIndex.from_frame(future[[ID, DS]])).to_numpy(), dtype=float)


SF_SEASONS = {"D": (7, 365), "W": (52,), "M": (12,)}
SF_MIN_OBS = 8


def _sf_one(y: np.ndarray, kind: str, seasons: tuple[int, ...], steps: int) -> np.ndarray:
    """statsforecast's AutoETS or MSTL (AutoETS trend) on one series; the last value when it cannot fit."""
    import warnings

    from statsforecast.models import MSTL
    from statsforecast.models import AutoETS as SFAutoETS

    obs = np.isfinite(y)
    if obs.sum() < SF_MIN_OBS:
        return np.full(steps, y[obs][-1] if obs.any() else 0.0)
    x = pd.Series(y[int(np.argmax(obs)) :]).interpolate(limit_direction="both").to_numpy(float)
    usable = [p for p in seasons if len(x) >= 2 * p]  # two full seasons (104 weeks), as STL needs
    with warnings.catch_warnings(), threadpool_limits(1, user_api="blas"):
        warnings.simplefilter("ignore")  # "season_length > 24: non-seasonal" and convergence chatter
        try:
            if kind == "ets":
                model = SFAutoETS(season_length=usable[0] if usable else 1)
            elif usable:
                model = MSTL(season_length=usable, trend_forecaster=SFAutoETS(model="ZZN"))
            else:
                model = SFAutoETS(season_length=1)
            return np.asarray(model.forecast(y=x, h=steps)["mean"], dtype=float)
        except Exception:  # noqa: BLE001 - a series statsforecast cannot fit gets the naive forecast
            return np.full(steps, x[-1])


class StatsForecastModel(BaseForecaster):
    """statsforecast's `AutoETS` (kind="ets") or `MSTL` with an AutoETS trend (kind="mstl"), per series.

    Set up as a statsforecast user would: raw values, the frequency's season (52 weeks, 12 months;
    statsforecast's ETS drops seasons longer than 24 steps), gaps and closed steps interpolated (it needs
    a gap-free series), the last `max_history` steps. Univariate: regressors are ignored. Intervals come
    from the same calibrated sample paths as every other model in the benchmark."""

    def __init__(
        self,
        kind: str = "ets",
        horizon: int | None = None,
        calibration_windows: int = 3,
        max_history: int = 730,
        n_paths: int = 500,
        seed: int = 0,
        open_col: str = OPEN,
    ) -> None:
        self.kind = kind
        self.horizon = horizon
        self.calibration_windows = calibration_windows
        self.max_history = max_history
        self.n_paths = n_paths
        self.seed = seed
        self.open_col = open_col

    def _fit_point(self, panel: Panel) -> None:
        self.panel_end_ = panel.end  # statsforecast fits at forecast time (it has no separate fit step)

    def _predict_point(self, panel: Panel, future: pd.DataFrame) -> np.ndarray:
        from forecasting.models import step_index

        f = panel.frame.groupby(ID, sort=False).tail(self.max_history)
        end = step_index(pd.DatetimeIndex([panel.end]), panel.freq)[0]
        pos = step_index(future[DS], panel.freq) - end
        steps = int(max(1, pos.max()))
        key = "M" if panel.freq.alias == "MS" else ("W" if panel.freq.alias.startswith("W") else "D")
        table = {
            sid: _sf_one(grp[Y].where(grp[OPEN] == 1).to_numpy(float), self.kind, SF_SEASONS[key], steps)
            for sid, grp in f.groupby(ID, sort=True)
        }
        out = np.full(len(future), np.nan)
        for sid, rows in future.groupby(ID, sort=False).indices.items():
            if sid in table:
                out[rows] = table[sid][pos[rows] - 1]
        return out
