"""The estimator contract shared by every forecaster (statsforecast / scikit-learn conventions).

`__init__` only stores parameters. `fit(df, X=None)` validates the history, fits the point model and
calibrates intervals on `calibration_windows` rolling-origin backtests of `horizon` steps, then returns
self. `predict(h=None, X=None, level=(80,))` returns `unique_id, ds, p50, lo-80, hi-80` (nested bounds
for several levels); `predict_paths` returns the joint sample paths that period totals are built from.
Subclasses implement `_fit_point(panel)` and `_predict_point(panel, future) -> yhat`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, clone

from forecasting.backtest import backtest_point, rolling_cutoffs
from forecasting.data import DS, ID, OPEN, Y, data_hash
from forecasting.errors import NotFittedError
from forecasting.intervals import Calibration, check_levels, summarise
from forecasting.panel import Panel, prepare_future, prepare_history


@dataclass(frozen=True)
class Paths:
    """Joint sample paths: values[i, k, t] is path k of series ids[i] on date ds[t] (NaN: no such row)."""

    ids: list[str]
    ds: pd.DatetimeIndex
    values: np.ndarray
    point: np.ndarray
    is_open: np.ndarray
    notes: tuple[str, ...] = ()


class BaseForecaster(BaseEstimator):  # type: ignore[misc]
    """Fit/predict plumbing, calibration and sample paths; subclasses provide the point forecast."""

    horizon: int | None
    calibration_windows: int
    n_paths: int
    seed: int
    open_col: str

    # --- contract -------------------------------------------------------------------------------
    def fit(self, df: pd.DataFrame, X: pd.DataFrame | None = None) -> BaseForecaster:
        """Fit on long-format history `unique_id, ds, y` (+ regressors in df or X); returns self."""
        panel = prepare_history(df, X, open_col=self.open_col)
        self.fit_panel(panel)
        self.data_hash_ = data_hash(df, X)
        return self

    def fit_panel(self, panel: Panel) -> BaseForecaster:
        """Fit on a prepared panel: backtests for calibration, then the point model on all of it."""
        h = self._calibration_horizon(panel)
        cutoffs = rolling_cutoffs(panel, h, self.calibration_windows)
        backtest = backtest_point(self, panel, cutoffs, h)
        self._fit_point(panel)
        self.panel_ = panel
        self.backtest_ = backtest
        self.calibration_ = Calibration.from_backtest(
            backtest, h, seed=self.seed, signed=panel.signed, young=panel.young(), groups=panel.length_groups()
        )
        return self

    def predict(
        self, h: int | None = None, X: pd.DataFrame | None = None, level: tuple[int, ...] = (80,)
    ) -> pd.DataFrame:
        """Daily quantiles `unique_id, ds, p50, lo-L.., hi-L..` for each horizon row."""
        return quantile_frame(self.predict_paths(h, X), level)

    def predict_paths(self, h: int | None = None, X: pd.DataFrame | None = None) -> Paths:
        """Joint sample paths over the horizon, from which any period total's quantiles follow."""
        self._check_fitted()
        future = prepare_future(self.panel_, h, X, open_col=self.open_col)
        paths = self._paths(self.panel_, future, self.calibration_)
        notes = self.panel_.notes + self.model_notes() + tuple(future.attrs.get("notes", ()))
        return replace(paths, notes=notes)

    # --- helpers shared with backtests and the benchmark ------------------------------------------
    def point_forecast(self, panel: Panel, future: pd.DataFrame) -> np.ndarray:
        """Point forecast for the rows of `future`; closed days exactly 0, below 0 only for `panel.signed` series."""
        yhat = np.asarray(self._predict_point(panel, future), dtype=float)
        signed = future[ID].isin(panel.signed).to_numpy() if panel.signed else np.zeros(len(future), dtype=bool)
        yhat = np.where(signed, yhat, np.clip(yhat, 0, None))
        return np.where(future[OPEN].to_numpy() == 0, 0.0, yhat)

    def _paths(self, panel: Panel, future: pd.DataFrame, calibration: Calibration) -> Paths:
        yhat = self.point_forecast(panel, future)
        paths = paths_from_points(future.assign(yhat=yhat), calibration, self.n_paths, self.seed)
        return with_absence(paths, panel.presence, self.seed)

    def _calibration_horizon(self, panel: Panel) -> int:
        if self.horizon:
            return int(self.horizon)
        return 6 * panel.freq.season_length if panel.freq.season_length > 1 else 12

    def _check_fitted(self) -> None:
        if not hasattr(self, "calibration_"):
            raise NotFittedError(f"{type(self).__name__} is not fitted yet: call fit(df, X) first")

    def _fit_point(self, panel: Panel) -> None:
        raise NotImplementedError

    def _predict_point(self, panel: Panel, future: pd.DataFrame) -> np.ndarray:
        raise NotImplementedError

    def model_notes(self) -> tuple[str, ...]:
        """Notes about the model choice (AutoForecaster: series that do not use the default model)."""
        return ()

    def point_clone(self) -> BaseForecaster:
        """An unfitted copy with the same parameters (used for backtests)."""
        copy: BaseForecaster = clone(self)
        return copy


def quantile_frame(paths: Paths, level: tuple[int, ...] | list[int] = (80,)) -> pd.DataFrame:
    """`unique_id, ds, p50, lo-L.., hi-L..` (widest bound outermost) from sample paths."""
    levels = check_levels(level)
    stats = summarise(paths.values, levels)
    n, horizon = paths.point.shape
    frame = pd.DataFrame({ID: np.repeat(paths.ids, horizon), DS: np.tile(paths.ds, n)})
    for name in ["p50"] + [f"lo-{lv}" for lv in reversed(levels)] + [f"hi-{lv}" for lv in levels]:
        frame[name] = stats[name].reshape(-1).astype(float)
    keep = ~np.isnan(paths.point.reshape(-1))
    return frame.loc[keep].reset_index(drop=True)


def paths_from_points(future: pd.DataFrame, calibration: Calibration, n_paths: int, seed: int) -> Paths:
    """Sample paths around the point forecasts `yhat` of a horizon frame (`unique_id, ds, open, yhat`)."""
    ids = sorted(future[ID].unique().tolist())
    dates = pd.DatetimeIndex(sorted(future[DS].unique()))
    row = pd.Index(ids).get_indexer(future[ID])
    col = dates.get_indexer(future[DS])
    point = np.full((len(ids), len(dates)), np.nan)
    point[row, col] = future["yhat"].to_numpy(float)
    is_open = np.zeros_like(point, dtype=bool)
    is_open[row, col] = future[OPEN].to_numpy() != 0
    values = calibration.sample(ids, point, is_open, n_paths, seed)
    return Paths(ids, dates, values, point, is_open)


def with_absence(paths: Paths, presence: dict[str, float], seed: int) -> Paths:
    """Paths of series that sell in only some steps get steps without sales (0) with the series' share of
    absent steps, drawn independently per path and step (see `panel.presence_shares`)."""
    if not presence:
        return paths
    values = paths.values.copy()
    for i, sid in enumerate(paths.ids):
        share = presence.get(sid)
        if share is None:
            continue
        rng = np.random.default_rng([seed, i, 7])
        values[i][rng.random(values[i].shape) >= share] = 0.0
        values[i][:, np.isnan(paths.point[i])] = np.nan
    return replace(paths, values=values)


def history_values(panel: Panel) -> pd.DataFrame:
    """The panel's observed (open, non-missing) rows."""
    f = panel.frame
    return f.loc[(f[OPEN] == 1) & f[Y].notna()]
