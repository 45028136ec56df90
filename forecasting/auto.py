"""Automatic model choice per series from rolling-origin backtests."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from forecasting.backtest import backtest_point, rolling_cutoffs, score, seasonal_scale
from forecasting.base import BaseForecaster, history_values
from forecasting.data import DS, ID, OPEN
from forecasting.gbm import GlobalGBM
from forecasting.intervals import Calibration, history_spread
from forecasting.models import RecentMedian, SarimaxForecaster, SeasonalLevel, SeasonalNaive
from forecasting.panel import Panel

log = logging.getLogger("forecasting")

DEFAULT = "GlobalGBM"  # the global model with the series' own lags: kept unless another is clearly better
BLEND = "GlobalGBM+SeasonalNaive"  # their average: the default of monthly data (see _blend)
LEVEL = "SeasonalLevel"  # last year's week moved by the level change: a weekly candidate
BLEND3 = "GlobalGBM+SeasonalNaive+SeasonalLevel"  # the three's average: the default of weekly data
SHORT = "RecentMedian"  # series without a backtest (too short)
FALLBACK = "SeasonalNaive"  # the same when the candidates do not include the short-series method
MARGIN = 0.3  # another model replaces the default one only with a backtest MASE this much lower
SARIMAX_MAX_SERIES = 20
WEEKS_PER_YEAR = 52
UNITS = {"D": "days", "W": "weeks", "M": "months"}


class AutoForecaster(BaseForecaster):
    """Backtests candidate models and chooses one per series from its rolling-origin backtests.

    Candidates by default: seasonal naive, the global gradient-boosting model, the recent median and
    SARIMAX when there are at most 20 series. A series keeps the global model (the default) unless another
    candidate's backtest MASE is more than 30% lower on average and lower in every window it was scored
    in: with a few windows of one series, "lowest on average" alone mostly picks noise. A series without a
    backtest or with fewer than `min_history` observed steps (default: two horizons, one to train on
    and one to test) gets the recent median (or seasonal naive
    when the candidates are given without it). `reasons()` says, per series, which model and why;
    the notes of `predict_paths` list the series that do not use the default model.
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
            models = [SeasonalNaive(horizon=h), GlobalGBM(horizon=h, seed=self.seed), RecentMedian(horizon=h)]
            if panel.freq.season_length == WEEKS_PER_YEAR:
                models.append(SeasonalLevel(horizon=h))
            if panel.frame[ID].nunique() <= SARIMAX_MAX_SERIES:
                models.append(SarimaxForecaster(horizon=h, n_jobs=self.n_jobs))
        return {type(m).__name__: m for m in models}

    def fit_panel(self, panel: Panel) -> AutoForecaster:
        """Backtest every candidate, choose per series, fit the chosen ones on the whole history."""
        h = self._calibration_horizon(panel)
        cutoffs = rolling_cutoffs(panel, h, self.calibration_windows)
        candidates = self._candidates(panel)
        scale = seasonal_scale(panel)
        backtests = {}
        for name, model in candidates.items():
            log.info("backtesting %s on %d windows", name, len(cutoffs))
            backtests[name] = backtest_point(model, panel, cutoffs, h)
        blend = panel.freq.season_length >= 12 and {DEFAULT, FALLBACK} <= set(candidates)
        if blend:
            backtests[BLEND] = _blend(backtests[DEFAULT], backtests[FALLBACK])
        blend3 = blend and LEVEL in candidates
        if blend3:
            backtests[BLEND3] = _blend(backtests[DEFAULT], backtests[FALLBACK], backtests[LEVEL])
        windows = {}
        for name, bt in backtests.items():
            per_window = score(bt, scale) if len(bt) else pd.DataFrame()
            windows[name] = per_window.set_index([ID, "cutoff"])["mase"] if len(per_window) else pd.Series(dtype=float)
        self.window_scores_ = pd.DataFrame(windows)
        if self.window_scores_.empty:
            self.window_scores_ = pd.DataFrame(columns=list(backtests), index=pd.MultiIndex.from_arrays([[], []]))
        self.scores_ = self.window_scores_.groupby(level=0).mean().reindex(panel.ids)
        self.default_ = BLEND3 if blend3 else BLEND if blend else (DEFAULT if DEFAULT in candidates else None)
        self.choice_, self.reasons_ = self._choose(panel, list(backtests))
        parts = sorted({part for name in set(self.choice_) for part in name.split("+")})
        for name in parts:
            log.info("fitting %s on the whole history", name)
            candidates[name]._fit_point(panel)
        self.models_ = {name: candidates[name] for name in parts}
        chosen = [bt.loc[bt[ID].map(self.choice_) == name] for name, bt in backtests.items() if len(bt)]
        self.backtest_ = pd.concat(chosen, ignore_index=True) if chosen else pd.DataFrame()
        self.calibration_ = (
            Calibration.from_backtest(self.backtest_, h, seed=self.seed, signed=panel.signed, young=panel.young())
            if len(self.backtest_)
            else Calibration.fallback(h, 0.25)
        ).with_spread(history_spread(history_values(panel)))
        self.panel_ = panel
        return self

    def _choose(self, panel: Panel, names: list[str]) -> tuple[pd.Series, pd.Series]:
        """The model of each series and the reason, in words."""
        unit = UNITS["D" if panel.freq.alias == "D" else ("M" if panel.freq.alias == "MS" else "W")]
        observed = history_values(panel).groupby(ID).size().reindex(panel.ids).fillna(0).astype(int)
        short = SHORT if SHORT in names else (FALLBACK if FALLBACK in names else names[0])
        default = self.default_
        min_history = self.min_history or 2 * self._calibration_horizon(panel)
        choice, reasons = {}, {}
        for sid in panel.ids:
            mean = self.scores_.loc[sid].dropna()
            n = int(observed[sid])
            if mean.empty or n < min_history:
                choice[sid] = short
                reasons[sid] = f"{short}: {n} {unit} of history, too short for a backtest to tell the models apart"
                continue
            best = default if default is not None and default in mean.index else str(mean.idxmin())
            by_window = self.window_scores_.loc[sid]
            for name in mean.sort_values().index:
                if name != best and mean[name] < (1 - MARGIN) * mean[best] and _wins_always(by_window, name, best):
                    best = str(name)
                    break
            choice[sid] = best
            reasons[sid] = _reason(best, default, mean, int(by_window[best].notna().sum()))
        return pd.Series(choice).reindex(panel.ids), pd.Series(reasons).reindex(panel.ids)

    def _fit_point(self, panel: Panel) -> None:
        raise NotImplementedError("AutoForecaster chooses from backtests: fit it, do not backtest it")

    def _predict_point(self, panel: Panel, future: pd.DataFrame) -> np.ndarray:
        out = np.full(len(future), np.nan)
        chosen = future[ID].map(self.choice_).to_numpy()
        for name in set(chosen):
            rows = np.flatnonzero(chosen == name)
            rows_future = future.iloc[rows].reset_index(drop=True)
            parts = [self.models_[part].point_forecast(panel, rows_future) for part in str(name).split("+")]
            out[rows] = _average(*parts)
        return out

    def model_names(self) -> pd.Series:
        """The model used for each series."""
        self._check_fitted()
        return self.choice_.copy()

    def reasons(self) -> pd.Series:
        """Per series: the model used and why (its backtest MASE against the others, or too short)."""
        self._check_fitted()
        return self.reasons_.copy()

    def model_notes(self) -> tuple[str, ...]:
        """Notes naming the series that do not use the default model, and why."""
        odd = self.reasons_.loc[self.choice_ != self.default_]
        if not len(odd) or self.default_ is None:
            return ()
        shown = "; ".join(f"series {sid!r}: {text}" for sid, text in list(odd.items())[:10])
        more = f"; and {len(odd) - 10} more" if len(odd) > 10 else ""
        return (f"{len(odd)} series do not use {self.default_}: {shown}{more}",)


DESCRIPTIONS = {
    DEFAULT: "one model learnt across all series from their own past values, the season and the calendar",
    FALLBACK: "the same step a season earlier",
    LEVEL: "the same step a season earlier, moved by the change in the series' level since",
    SHORT: "the median of the recent steps",
    "SarimaxForecaster": "an ARIMA model of this series alone, with the calendar",
    BLEND: "the average of the global model and the same step a season earlier",
    BLEND3: "the average of the global model, the same step a season earlier and that step moved by the level change",
}


def _reason(best: str, default: str | None, mean: pd.Series, windows: int) -> str:
    """Why a series uses `best`, in words: what the model is and how its backtests compared."""
    what = f"{best} ({DESCRIPTIONS.get(best, 'a candidate model')})"
    score = f"backtest MASE {mean[best]:.2f} over {windows} window(s)"
    others = ", ".join(f"{k} {v:.2f}" for k, v in mean.items() if k != best)
    if default is None or default not in mean.index:
        return f"{what}: the lowest {score} ({others})"
    if best == default:
        return (
            f"{what}: the default, kept: {score}; no other model was more than {MARGIN:.0%} lower on average"
            f" and lower in every window ({others})"
        )
    return (
        f"{what}: {score}, more than {MARGIN:.0%} below the default {default}'s {mean[default]:.2f} and lower"
        f" in every window ({others})"
    )


def _wins_always(by_window: pd.DataFrame, name: str, rival: str) -> bool:
    """Whether `name` had a lower MASE than `rival` in every window where both were scored."""
    both = by_window[[name, rival]].dropna()
    return bool(len(both)) and bool((both[name] < both[rival]).all())


def _average(*parts: np.ndarray) -> np.ndarray:
    """The mean of point forecasts; of those that have a value where some have none."""
    stack = np.vstack([np.asarray(p, dtype=float) for p in parts])
    count = (~np.isnan(stack)).sum(axis=0)
    total = np.nansum(stack, axis=0)
    return np.asarray(np.where(count > 0, total / np.maximum(count, 1), np.nan), dtype=float)


def _blend(gbm: pd.DataFrame, *others: pd.DataFrame) -> pd.DataFrame:
    """The backtest of the average of the global model and per-series models (no extra fits).

    With a year-long season and two or three years of history the global model has seen each week of
    the year once or twice; averaging it with last year's value halved its misses where it read a
    season wrong (Walmart, development windows: MASE 1.03 for the average, 1.12 and 1.13 for the two;
    adding `SeasonalLevel` as a third: 0.997, see forecasting/README.md)."""
    keys = [ID, DS, "cutoff"]
    index = pd.MultiIndex.from_frame(gbm[keys])
    parts = [o.set_index(keys)["yhat"].reindex(index).to_numpy(float) for o in others]
    return gbm.assign(yhat=_average(gbm["yhat"].to_numpy(float), *parts))
