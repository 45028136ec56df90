"""Rolling-origin backtests and the accuracy measures behind model choice and target ranges."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from forecasting.data import DS, ID, OPEN, Y

if TYPE_CHECKING:
    from forecasting.base import BaseForecaster
    from forecasting.panel import Panel

log = logging.getLogger("forecasting")

MIN_TRAIN_SEASONS = 2


def min_train_steps(panel: Panel) -> int:
    """Steps of history a backtest cutoff needs: two weeks (+1 day) of daily data; one year plus one step of
    weekly or monthly data (the global model's year-ago features then exist; two years left real weekly
    files, 2.5 years long, one backtest window)."""
    season = panel.freq.season_length
    return (MIN_TRAIN_SEASONS if season < 12 else 1) * season + 1


def rolling_cutoffs(panel: Panel, h: int, n_windows: int) -> list[pd.Timestamp]:
    """Up to `n_windows` cutoffs, h steps apart, ending h steps before the panel's end (oldest first).

    A cutoff is kept only when the history before it is `min_train_steps` long."""
    start = panel.frame[DS].min()
    min_train = start + min_train_steps(panel) * panel.freq.offset
    cutoffs = [panel.end - k * h * panel.freq.offset for k in range(1, n_windows + 1)]
    return sorted(c for c in cutoffs if c >= min_train)


def backtest_point(model: BaseForecaster, panel: Panel, cutoffs: list[pd.Timestamp], h: int) -> pd.DataFrame:
    """Point forecasts of a fresh copy of `model` fitted at each cutoff, for the h steps after it.

    Returns `unique_id, ds, cutoff, step, y, yhat, open, recent_obs` (open days and closed days; gaps
    dropped); `recent_obs` is the share of the h steps before the cutoff where the series was observed.
    """
    frames = []
    for cutoff in cutoffs:
        log.info("%s: backtest window after %s", type(model).__name__, cutoff.date())
        frames.append(_one_window(model, panel, cutoff, h))
    cols = [ID, DS, "cutoff", "step", Y, "yhat", OPEN, "recent_obs"]
    return pd.concat(frames, ignore_index=True)[cols] if frames else pd.DataFrame(columns=cols)


def _one_window(model: BaseForecaster, panel: Panel, cutoff: pd.Timestamp, h: int) -> pd.DataFrame:
    train = panel.until(cutoff)
    test = panel.window(cutoff, h)
    test = test.loc[test[ID].isin(set(train.frame[ID])) & test[OPEN].notna()].reset_index(drop=True)
    if test.empty:
        return pd.DataFrame()
    clone = model.point_clone()
    clone._fit_point(train)
    out = test[[ID, DS, Y, OPEN]].copy()
    out["yhat"] = clone.point_forecast(train, test)
    out["cutoff"] = cutoff
    out["step"] = ((out[DS] - cutoff) / _step(panel)).round().astype(int)
    out["recent_obs"] = out[ID].map(_recent_observed(train, cutoff, h)).fillna(0.0).to_numpy(float)
    return out


def _recent_observed(train: Panel, cutoff: pd.Timestamp, h: int) -> pd.Series:
    """Per series: share of the h steps up to `cutoff` with an observed value (what lag features see)."""
    f = train.frame
    recent = f.loc[f[DS] > cutoff - h * train.freq.offset]
    return recent[Y].notna().groupby(recent[ID]).sum() / h


def _step(panel: Panel) -> pd.Timedelta:
    dates = pd.date_range(panel.end, periods=2, freq=panel.freq.alias)
    return dates[1] - dates[0]


def seasonal_scale(panel: Panel) -> pd.Series:
    """Per series: mean |y_t - y_{t-s}| over pairs of open, observed days (the MASE denominator).

    A series without such a pair (shorter than one season) gets the one-step naive scale instead."""
    f = panel.frame
    y = f[Y].where(f[OPEN] == 1)

    def naive(lag: int) -> pd.Series:
        scale = (y - y.groupby(f[ID]).shift(lag)).abs().groupby(f[ID]).mean()
        return scale.where(scale > 0)

    return naive(panel.freq.season_length).fillna(naive(1))


def score(bt: pd.DataFrame, scale: pd.Series) -> pd.DataFrame:
    """Per series and cutoff: MASE over open days of the window (needs `yhat`)."""
    ok = bt.loc[(bt[OPEN] == 1) & bt[Y].notna()]
    err = (ok[Y] - ok["yhat"]).abs()
    mae = err.groupby([ok[ID], ok["cutoff"]]).mean().rename("mae").reset_index()
    mae["mase"] = mae["mae"] / scale.reindex(mae[ID]).to_numpy()
    return mae


def coverage(y: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> float:
    """Share of finite outcomes inside [lo, hi]."""
    ok = ~(np.isnan(y) | np.isnan(lo) | np.isnan(hi))
    return float(np.mean((y[ok] >= lo[ok]) & (y[ok] <= hi[ok]))) if ok.any() else float("nan")
