"""A global gradient-boosting forecaster: one scikit-learn model across all series (see features.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingRegressor
from threadpoolctl import threadpool_limits

from forecasting.base import BaseForecaster
from forecasting.data import DS, ID, OPEN, Y, complete_grid
from forecasting.features import SEASONAL, build_features, fit_encodings, observed_log
from forecasting.panel import Panel

SMALL_DATA_ROWS = 200_000
MIN_REGIME_ROWS = 2_000


class GlobalGBM(BaseForecaster):
    """HistGradientBoostingRegressor on log1p(y) relative to each series' lagged level.

    Trained on open, observed days of all series at once; intervals come from the calibrated residual
    paths of the base class. `base_window` is the number of steps of the lagged level that the target is
    taken relative to (default 28 days, 13 weeks or 3 months); with `trend=True` that level is carried
    forward along the series' growth of the last year (off by default: measured, it helped weekly Rossmann,
    hurt monthly and left daily unchanged; see forecasting/README.md). `lag` (default: the calibration horizon)
    must be at least the horizon you predict; longer horizons still work but their level features thin
    out.
    """

    def __init__(
        self,
        horizon: int | None = None,
        lag: int | None = None,
        calibration_windows: int = 3,
        max_iter: int = 300,
        learning_rate: float = 0.08,
        max_leaf_nodes: int = 127,
        min_samples_leaf: int = 40,
        loss: str = "absolute_error",
        max_train_rows: int | None = 1_500_000,
        base_window: int | None = None,
        trend: bool = False,
        n_paths: int = 500,
        seed: int = 0,
        open_col: str = OPEN,
    ) -> None:
        self.horizon = horizon
        self.lag = lag
        self.calibration_windows = calibration_windows
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.max_leaf_nodes = max_leaf_nodes
        self.min_samples_leaf = min_samples_leaf
        self.loss = loss
        self.max_train_rows = max_train_rows
        self.base_window = base_window
        self.trend = trend
        self.n_paths = n_paths
        self.seed = seed
        self.open_col = open_col

    def _lag(self, panel: Panel) -> int:
        return int(self.lag or self._calibration_horizon(panel))

    def _features(self, frame: pd.DataFrame, panel: Panel) -> tuple[pd.DataFrame, np.ndarray]:
        lag = self._lag(panel)
        return build_features(frame, panel.regressors, panel.freq, lag, self.encodings_, self.base_window, self.trend)

    def _fit_point(self, panel: Panel) -> None:
        frame = panel.frame
        self.encodings_ = fit_encodings(frame, panel.regressors, panel.freq)
        X, base = self._features(frame, panel)
        target = observed_log(frame).to_numpy() - base
        rows = np.flatnonzero(~np.isnan(target))
        if self.max_train_rows and len(rows) > self.max_train_rows:
            rng = np.random.default_rng(self.seed)
            rows = np.sort(rng.choice(rows, self.max_train_rows, replace=False))
        X = X.iloc[rows]
        # Constant or empty columns carry nothing (and an all-empty one breaks the binning).
        self.feature_names_ = [c for c in X.columns if X[c].nunique(dropna=True) > 1]
        self.regimes_, self.regime_features_ = {}, {}
        for regime, mask in _regimes(X).items():
            part = X.loc[mask]
            cols = [c for c in self.feature_names_ if part[c].nunique(dropna=True) > 1]
            self.regime_features_[regime] = cols
            with _threads(int(mask.sum())):
                self.regimes_[regime] = self._new_model().fit(part[cols], target[rows][mask])

    def _new_model(self) -> HistGradientBoostingRegressor:
        return HistGradientBoostingRegressor(
            loss=self.loss,
            learning_rate=self.learning_rate,
            max_iter=self.max_iter,
            max_leaf_nodes=self.max_leaf_nodes,
            min_samples_leaf=self.min_samples_leaf,
            l2_regularization=1.0,
            early_stopping=False,
            random_state=self.seed,
        )

    def _predict_point(self, panel: Panel, future: pd.DataFrame) -> np.ndarray:
        hist = panel.frame
        start = hist[DS].max()
        # Only the last year(s) of history feed the lagged features of the horizon rows (the trend shift
        # compares the two years before the lag, so it needs those too).
        days = 800 if not self.trend else max(800, self._lag(panel) + 2 * panel.freq.steps_per_year + 60)
        keep_from = start - pd.Timedelta(days=days) if panel.freq.alias == "D" else hist[DS].min()
        fut = future.assign(**{Y: np.nan})
        full = pd.concat([hist.loc[hist[DS] >= keep_from], fut[hist.columns]], ignore_index=True)
        full = full.sort_values([ID, DS], kind="stable").reset_index(drop=True)
        if not _contiguous(full, panel):
            full = complete_grid(full, panel.freq)
        X, base = build_features(
            full, panel.regressors, panel.freq, self._lag(panel), self.encodings_, self.base_window, self.trend
        )
        adjust = np.zeros(len(X))
        for regime, mask in _regimes(X, list(self.regimes_)).items():
            with _threads(int(mask.sum())):
                adjust[mask] = self.regimes_[regime].predict(X.loc[mask, self.regime_features_[regime]])
        pred = np.expm1(base + adjust)
        key = pd.MultiIndex.from_frame(full[[ID, DS]])
        lookup = pd.Series(pred, index=key)
        return np.asarray(lookup.reindex(pd.MultiIndex.from_frame(future[[ID, DS]])).to_numpy(), dtype=float)


def _regimes(X: pd.DataFrame, fitted: list[float] | None = None) -> dict[float, np.ndarray]:
    """Row masks per base kind (weekly: level base 0, year-ago base 1), one model each.

    A row whose base holds last year's week must not also get the season the model learnt on rows
    whose base was a plain level (that counted Christmas twice); with fewer than MIN_REGIME_ROWS
    training rows of a kind (or a daily/monthly panel) one model serves all rows."""
    flag = X[SEASONAL].to_numpy() if SEASONAL in X.columns else np.zeros(len(X))
    if fitted is None:
        counts = {k: int((flag == k).sum()) for k in (0.0, 1.0)}
        split = min(counts.values()) >= MIN_REGIME_ROWS
        return {0.0: flag == 0, 1.0: flag == 1} if split else {-1.0: np.ones(len(X), dtype=bool)}
    if -1.0 in fitted:
        return {-1.0: np.ones(len(X), dtype=bool)}
    return {0.0: flag == 0, 1.0: flag == 1}


def _threads(n_rows: int) -> threadpool_limits:
    """One OpenMP thread for small data: thread start-up and spinning cost more than they save there."""
    return threadpool_limits(limits=1 if n_rows < SMALL_DATA_ROWS else None, user_api="openmp")


def _contiguous(full: pd.DataFrame, panel: Panel) -> bool:
    """Whether every series' rows are one step apart (so row shifts are time shifts)."""
    if panel.freq.alias == "MS":
        return False
    gaps = full.groupby(ID)[DS].diff().dropna()
    return bool((gaps == gaps.iloc[0]).all()) if len(gaps) else True
