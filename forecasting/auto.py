"""Automatic model choice per series from rolling-origin backtests."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from forecasting.backtest import backtest_point, rolling_cutoffs, score, seasonal_scale
from forecasting.base import BaseForecaster, history_values
from forecasting.data import ID, OPEN
from forecasting.gbm import GlobalGBM
from forecasting.intervals import Calibration
from forecasting.models import SarimaxForecaster, SeasonalNaive
from forecasting.panel import Panel

log = logging.getLogger("forecasting")

FALLBACK = "SeasonalNaive"
SARIMAX_MAX_SERIES = 20


class AutoForecaster(BaseForecaster):
    """Backtests candidate models and uses, per series, the one with the lowest backtest MASE.

    Candidates by default: seasonal naive, the global gradient-boosting model, and SARIMAX when there are
    at most 20 series. A series with fewer than `min_history` observed steps (default: two seasons plus
    one horizon) or without a usable backtest gets the seasonal-naive baseline: the documented fallback
    for too little history. Intervals are calibrated on the backtests of the
    chosen models, series by series.
    """

    def __init__(
        self,
        models: list[BaseForecaster] | None = None,
        horizon: int | None = None,
        calibration_windows: int = 3,
        min_history: int | None = None,
        n_paths: int = 500,
        seed: int = 0,
        n_jobs: int = 1,
        open_col: str = OPEN,
    ) -> None:
        self.models = models
        self.horizon = horizon
        self.calibration_windows = calibration_windows
        self.min_history = min_history
        self.n_paths = n_paths
        self.seed = seed
        self.n_jobs = n_jobs
        self.open_col = open_col

    def _candidates(self, panel: Panel) -> dict[str, BaseForecaster]:
        if self.models is not None:
            models = [m.point_clone() for m in self.models]
        else:
            h = self._calibration_horizon(panel)
            models = [SeasonalNaive(horizon=h), GlobalGBM(horizon=h, seed=self.seed)]
            if panel.frame[ID].nunique() <= SARIMAX_MAX_SERIES:
                models.append(SarimaxForecaster(horizon=h, n_jobs=self.n_jobs))
        return {type(m).__name__: m for m in models}

    def fit_panel(self, panel: Panel) -> AutoForecaster:
        """Backtest every candidate, choose per series, fit the chosen ones on the whole history."""
        h = self._calibration_horizon(panel)
        cutoffs = rolling_cutoffs(panel, h, self.calibration_windows)
        candidates = self._candidates(panel)
        scale = seasonal_scale(panel)
        backtests, mase = {}, {}
        for name, model in candidates.items():
            log.info("backtesting %s on %d windows", name, len(cutoffs))
            backtests[name] = backtest_point(model, panel, cutoffs, h)
            per_window = score(backtests[name], scale) if len(backtests[name]) else pd.DataFrame()
            mase[name] = per_window.groupby(ID)["mase"].mean() if len(per_window) else pd.Series(dtype=float)
        self.scores_ = pd.DataFrame(mase).reindex(panel.ids)
        observed = history_values(panel).groupby(ID).size().reindex(panel.ids).fillna(0)
        min_history = self.min_history or 2 * panel.freq.season_length + h
        has_score = self.scores_.notna().any(axis=1) & (observed >= min_history)
        best = self.scores_.loc[has_score].fillna(np.inf).idxmin(axis=1)
        self.choice_ = best.reindex(panel.ids).fillna(FALLBACK if FALLBACK in candidates else next(iter(candidates)))
        used = sorted(set(self.choice_))
        for name in used:
            log.info("fitting %s on the whole history", name)
            candidates[name]._fit_point(panel)
        self.models_ = {name: candidates[name] for name in used}
        chosen = [bt.loc[bt[ID].map(self.choice_) == name] for name, bt in backtests.items() if len(bt)]
        self.backtest_ = pd.concat(chosen, ignore_index=True) if chosen else pd.DataFrame()
        self.calibration_ = (
            Calibration.from_backtest(self.backtest_, h, seed=self.seed, signed=panel.signed)
            if len(self.backtest_)
            else Calibration.fallback(h, 0.25)
        )
        self.panel_ = panel
        return self

    def _fit_point(self, panel: Panel) -> None:
        raise NotImplementedError("AutoForecaster chooses from backtests: fit it, do not backtest it")

    def _predict_point(self, panel: Panel, future: pd.DataFrame) -> np.ndarray:
        out = np.full(len(future), np.nan)
        chosen = future[ID].map(self.choice_).to_numpy()
        for name, model in self.models_.items():
            rows = np.flatnonzero(chosen == name)
            if len(rows):
                out[rows] = model.point_forecast(panel, future.iloc[rows].reset_index(drop=True))
        return out

    def model_names(self) -> pd.Series:
        """The model used for each series."""
        self._check_fitted()
        return self.choice_.copy()
