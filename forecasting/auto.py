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
from forecasting.mstl import MSTL, SEASONS_NEEDED, available, seasons_of_history
from forecasting.panel import Panel

log = logging.getLogger("forecasting")

DEFAULT = "GlobalGBM"  # the global model with the series' own lags: kept unless another is clearly better
BLEND = "GlobalGBM+SeasonalNaive"  # their average: the default of monthly data (see _blend)
LEVEL = "SeasonalLevel"  # last year's week moved by the level change: a weekly candidate
BLEND3 = "GlobalGBM+SeasonalNaive+SeasonalLevel"  # the three's average: the default of weekly data
SEASONAL = "MSTL"  # statsforecast's season-trend decomposition: a weekly candidate with two full years
LONG = f"{DEFAULT}+{LEVEL}+{SEASONAL}"  # the weekly default with two full years (unless backtests say no)
SHORT = "RecentMedian"  # series without a backtest (too short)
FALLBACK = "SeasonalNaive"  # the same when the candidates do not include the short-series method
MARGIN = 0.3  # another model replaces the default one only with a backtest MASE this much lower
SARIMAX_MAX_SERIES = 20
WEEKS_PER_YEAR = 52
# Backtest series-windows with two full years needed before they may overrule the measured long-series
# default (a handful of windows of a few series is mostly noise).
MIN_EVIDENCE = 30
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
                if available():
                    models.append(MSTL(horizon=h))
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
        if blend3 and SEASONAL in candidates:
            backtests[LONG] = _blend(backtests[DEFAULT], backtests[LEVEL], backtests[SEASONAL])
        windows = {}
        for name, bt in backtests.items():
            per_window = score(bt, scale) if len(bt) else pd.DataFrame()
            windows[name] = per_window.set_index([ID, "cutoff"])["mase"] if len(per_window) else pd.Series(dtype=float)
        self.window_scores_ = pd.DataFrame(windows)
        if self.window_scores_.empty:
            self.window_scores_ = pd.DataFrame(columns=list(backtests), index=pd.MultiIndex.from_arrays([[], []]))
        self.scores_ = self.window_scores_.groupby(level=0).mean().reindex(panel.ids)
        self.default_ = BLEND3 if blend3 else BLEND if blend else (DEFAULT if DEFAULT in candidates else None)
        seasonal = backtests.get(SEASONAL, pd.DataFrame(columns=[ID, "cutoff", "yhat"]))
        had = seasonal.loc[seasonal["yhat"].notna(), [ID, "cutoff"]].drop_duplicates()
        self.mstl_windows_ = pd.MultiIndex.from_frame(had)  # series-windows where MSTL had a forecast
        self.defaults_ = self._defaults(panel)
        self.choice_, self.reasons_ = self._choose(panel, list(backtests))
        parts = sorted({part for name in set(self.choice_) for part in name.split("+")})
        for name in parts:
            log.info("fitting %s on the whole history", name)
            candidates[name]._fit_point(panel)
        self.models_ = {name: candidates[name] for name in parts}
        chosen = [bt.loc[bt[ID].map(self.choice_) == name] for name, bt in backtests.items() if len(bt)]
        self.backtest_ = pd.concat(chosen, ignore_index=True) if chosen else pd.DataFrame()
        self.calibration_ = (
            Calibration.from_backtest(
                self.backtest_,
                h,
                seed=self.seed,
                signed=panel.signed,
                young=panel.young(),
                groups=panel.length_groups(),
            )
            if len(self.backtest_)
            else Calibration.fallback(h, 0.25)
        ).with_spread(history_spread(history_values(panel)))
        self.panel_ = panel
        return self

    def _defaults(self, panel: Panel) -> pd.Series:
        """Each series' default: with two full seasons of history, the average of the global model,
        `SeasonalLevel` and `MSTL` (seasonal naive, the weakest member there, left out), unless the backtest
        windows where `MSTL` had a forecast scored that average worse than the three-way one (pooled over
        series-windows); the panel's default otherwise. `mstl_note_` says which, in words.

        Walmart development origins 2012-01-27 and 2012-04-27, 250 series with two full years, point
        forecasts: MASE 0.779 for this average, 0.804 with seasonal naive as a fourth member, 0.842 for
        the three-way default, 0.819 for MSTL alone."""
        defaults = pd.Series(self.default_, index=panel.ids, dtype=object)
        self.mstl_note_ = ""
        if LONG not in self.window_scores_.columns:
            return defaults
        long = seasons_of_history(panel) >= SEASONS_NEEDED
        scores = self.window_scores_
        scored = scores.loc[scores.index.isin(self.mstl_windows_), [BLEND3, LONG]].dropna()
        years = f"{SEASONS_NEEDED} full years ({SEASONS_NEEDED * panel.freq.season_length} weeks)"
        if len(scored) >= MIN_EVIDENCE and scored[LONG].mean() > scored[BLEND3].mean():
            self.mstl_note_ = (
                f"{SEASONAL} (statsforecast's season-trend decomposition) is not in the default average: in the"
                f" {len(scored)} backtest series-windows with {years} of history {LONG} scored MASE"
                f" {scored[LONG].mean():.3f}, {BLEND3} {scored[BLEND3].mean():.3f}"
            )
            return defaults
        evidence = (
            f"in {len(scored)} backtest series-windows with {years} of history: MASE"
            f" {scored[LONG].mean():.3f} against {scored[BLEND3].mean():.3f}"
            if len(scored) >= MIN_EVIDENCE
            else f"measured on weekly retail data; {len(scored)} backtest series-windows with {years} of"
            f" history here, fewer than the {MIN_EVIDENCE} needed to overrule that"
        )
        defaults[long.reindex(panel.ids).fillna(False).to_numpy(bool)] = LONG
        if long.any():
            self.mstl_note_ = (
                f"{int(long.sum())} series with {years} of history use {LONG} by default: {SEASONAL}"
                f" (statsforecast's season-trend decomposition) takes seasonal naive's place in the average"
                f" ({evidence}); the other {int((~long).sum())} keep {self.default_}"
            )
        return defaults

    def _choose(self, panel: Panel, names: list[str]) -> tuple[pd.Series, pd.Series]:
        """The model of each series and the reason, in words."""
        unit = UNITS["D" if panel.freq.alias == "D" else ("M" if panel.freq.alias == "MS" else "W")]
        observed = history_values(panel).groupby(ID).size().reindex(panel.ids).fillna(0).astype(int)
        short = SHORT if SHORT in names else (FALLBACK if FALLBACK in names else names[0])
        min_history = self.min_history or 2 * self._calibration_horizon(panel)
        choice, reasons = {}, {}
        for sid in panel.ids:
            default = self.defaults_[sid] if self.default_ is not None else None
            # The long-series average is an option only where it is the default (two full years).
            drop = [LONG] if default != LONG and LONG in self.scores_.columns else []
            mean = self.scores_.loc[sid].drop(drop).dropna()
            n = int(observed[sid])
            if mean.empty or n < min_history:
                choice[sid] = short
                reasons[sid] = f"{short}: {n} {unit} of history, too short for a backtest to tell the models apart"
                continue
            best = default if default is not None and default in mean.index else str(mean.idxmin())
            by_window = self.window_scores_.loc[sid].drop(columns=drop)
            for name in mean.sort_values().index:
                if name != best and _clearly_better(by_window, str(name), best):
                    best = str(name)
                    break
            choice[sid] = best
            reasons[sid] = _reason(best, default, mean, by_window)
        return pd.Series(choice).reindex(panel.ids), pd.Series(reasons).reindex(panel.ids)

    def _fit_point(self, panel: Panel) -> None:
        raise NotImplementedError("AutoForecaster chooses from backtests: fit it, do not backtest it")

    def _predict_point(self, panel: Panel, future: pd.DataFrame) -> np.ndarray:
        # Each member forecasts once, for every row whose choice holds it (the global model builds its
        # features over the whole history: once per choice that holds it was most of the predict time).
        out = np.full(len(future), np.nan)
        chosen = future[ID].map(self.choice_).to_numpy()
        members = {str(name): str(name).split("+") for name in set(chosen)}
        point: dict[str, np.ndarray] = {}
        for part in sorted({p for parts in members.values() for p in parts}):
            rows = np.flatnonzero([part in members[str(c)] for c in chosen])
            values = np.full(len(future), np.nan)
            values[rows] = self.models_[part].point_forecast(panel, future.iloc[rows].reset_index(drop=True))
            point[part] = values
        for name, parts in members.items():
            rows = np.flatnonzero(chosen == name)
            out[rows] = _average(*[point[part][rows] for part in parts])
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
        mstl = (self.mstl_note_,) if getattr(self, "mstl_note_", "") else ()
        odd = self.reasons_.loc[self.choice_ != self.defaults_.reindex(self.choice_.index)]
        if not len(odd) or self.default_ is None:
            return mstl
        shown = "; ".join(f"series {sid!r}: {text}" for sid, text in list(odd.items())[:10])
        more = f"; and {len(odd) - 10} more" if len(odd) > 10 else ""
        name = self.default_ if not mstl else f"their default ({self.default_} or {LONG})"
        return (*mstl, f"{len(odd)} series do not use {name}: {shown}{more}")


DESCRIPTIONS = {
    DEFAULT: "one model learnt across all series from their own past values, the season and the calendar",
    FALLBACK: "the same step a season earlier",
    LEVEL: "the same step a season earlier, moved by the change in the series' level since",
    SHORT: "the median of the recent steps",
    "SarimaxForecaster": "an ARIMA model of this series alone, with the calendar",
    BLEND: "the average of the global model and the same step a season earlier",
    BLEND3: "the average of the global model, the same step a season earlier and that step moved by the level change",
    SEASONAL: "a season-trend decomposition of this series alone (statsforecast's MSTL)",
    LONG: "the average of the global model, last season's step moved by the level change and a season-trend"
    " decomposition of this series (MSTL)",
}


def _reason(best: str, default: str | None, mean: pd.Series, by_window: pd.DataFrame) -> str:
    """Why a series uses `best`, in words: what the model is and how its backtests compared."""
    what = f"{best} ({DESCRIPTIONS.get(best, 'a candidate model')})"
    score = f"backtest MASE {mean[best]:.2f} over {int(by_window[best].notna().sum())} window(s)"
    others = ", ".join(f"{k} {v:.2f}" for k, v in mean.items() if k != best)
    if default is None or default not in mean.index:
        return f"{what}: the lowest {score} ({others})"
    if best == default:
        return (
            f"{what}: the default, kept: {score}; no other model was more than {MARGIN:.0%} lower on average"
            f" and lower in every window ({others})"
        )
    both = by_window[[best, default]].dropna()
    if len(both) < by_window[default].notna().sum():  # scored in fewer windows (MSTL: two full years needed)
        return (
            f"{what}: backtest MASE {both[best].mean():.2f} over the {len(both)} window(s) it could forecast, more"
            f" than {MARGIN:.0%} below the default {default}'s {both[default].mean():.2f} there and lower in each"
            f" ({others})"
        )
    return (
        f"{what}: {score}, more than {MARGIN:.0%} below the default {default}'s {mean[default]:.2f} and lower"
        f" in every window ({others})"
    )


def _clearly_better(by_window: pd.DataFrame, name: str, rival: str) -> bool:
    """Whether `name` had a MASE more than MARGIN below `rival`'s on average and lower in every window, over
    the windows where both were scored (`MSTL` has none in windows without two full years of history)."""
    ours, theirs = by_window[name].to_numpy(float), by_window[rival].to_numpy(float)
    both = ~(np.isnan(ours) | np.isnan(theirs))
    if not both.any():
        return False
    ours, theirs = ours[both], theirs[both]
    return bool((ours < theirs).all()) and float(ours.mean()) < (1 - MARGIN) * float(theirs.mean())


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
