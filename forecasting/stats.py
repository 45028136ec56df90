"""Per-series exponential smoothing baselines (statsmodels): `AutoETS` and `MSTLForecaster`.

Univariate baselines on statsmodels alone (no numba / statsforecast needed). The weekly default's `MSTL`
member (`mstl.py`) runs statsforecast itself where it is installed. The side-by-side benchmarks
use statsforecast's AutoETS and MSTL themselves (`eval/forecast_refs.py`; statsforecast 2.0.1 is the
release that installs next to pandas 3.1.1 / scipy 1.17.1, pinned in [dev]). These are the same ideas:
- `AutoETS`: additive-error ETS on log1p(y) (sign-preserving for returns), choosing by AICc among no
  trend / damped additive trend x no season / additive season (a season needs two full seasons of history);
- `MSTLForecaster`: MSTL decomposition (statsmodels) of log1p(y) with the frequency's seasons that fit
  twice in the history; the seasonally adjusted series is forecast by AutoETS without season and each
  seasonal component repeats its last cycle (what statsforecast's MSTL does with an AutoETS trend model).
Both are univariate: regressors are ignored. Missing and closed steps are interpolated before fitting
(statsmodels needs a gap-free series) and closed horizon steps still forecast 0. Only the last
`max_history` steps are used. Series with fewer than 8 observations repeat their last value.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from threadpoolctl import threadpool_limits

from forecasting.base import BaseForecaster
from forecasting.data import DS, ID, OPEN, Y
from forecasting.intervals import sexp, slog
from forecasting.models import step_index
from forecasting.panel import Panel

MIN_OBS = 8
SEASONS = {"D": (7, 365), "W": (52,), "M": (12,)}


def _gap_free(y: np.ndarray) -> np.ndarray:
    """Linear interpolation inside, nearest value at the ends (on the log scale)."""
    s = pd.Series(slog(y))
    return np.asarray(s.interpolate(limit_direction="both").to_numpy(float))


def _aicc(res: Any) -> float:
    value = getattr(res, "aicc", np.nan)
    return float(value) if np.isfinite(value) else np.inf


def _ets(x: np.ndarray, season: int, steps: int, allow_season: bool = True) -> np.ndarray:
    """AICc-chosen additive ETS forecast of `steps` steps (log scale)."""
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    specs: list[tuple[str | None, bool, str | None]] = [(None, False, None), ("add", True, None)]
    if allow_season and season > 1 and len(x) >= 2 * season + 2:
        specs += [(None, False, "add"), ("add", True, "add")]
    best, best_aicc = None, np.inf
    for trend, damped, seasonal in specs:
        try:
            model = ETSModel(
                x,
                error="add",
                trend=trend,
                damped_trend=damped,
                seasonal=seasonal,
                seasonal_periods=season if seasonal else None,
                initialization_method="heuristic" if seasonal else "estimated",
            )
            res = model.fit(disp=False, maxiter=200)
        except (ValueError, np.linalg.LinAlgError):
            continue
        if _aicc(res) < best_aicc:
            best, best_aicc = res, _aicc(res)
    if best is None:
        return np.full(steps, x[-1])
    return np.asarray(best.forecast(steps), dtype=float)


def _mstl(x: np.ndarray, seasons: tuple[int, ...], steps: int) -> np.ndarray:
    from statsmodels.tsa.seasonal import MSTL

    periods = [p for p in seasons if len(x) >= 2 * p + 1]
    if not periods:
        return _ets(x, 1, steps, allow_season=False)
    res = MSTL(x, periods=periods if len(periods) > 1 else periods[0]).fit()
    seasonal = np.asarray(res.seasonal).reshape(len(x), -1)
    adjusted = x - seasonal.sum(axis=1)
    out = _ets(adjusted, 1, steps, allow_season=False)
    for j, p in enumerate(periods):
        last = seasonal[-p:, j]
        out = out + np.resize(last, steps)
    return out


def _fit_one(y: np.ndarray, kind: str, season: int, seasons: tuple[int, ...], steps: int) -> np.ndarray:
    obs = np.isfinite(y)
    if obs.sum() < MIN_OBS:
        last = y[obs][-1] if obs.any() else 0.0
        return np.full(steps, slog(np.array([last]))[0])
    first = int(np.argmax(obs))
    x = _gap_free(y[first:])
    with warnings.catch_warnings(), threadpool_limits(1, user_api="blas"):
        warnings.simplefilter("ignore")  # convergence chatter on short series is expected
        return _ets(x, season, steps) if kind == "ets" else _mstl(x, seasons, steps)


class _StatsBase(BaseForecaster):
    """Shared plumbing: one forecast per series from the history end; horizon rows read from it."""

    kind = "ets"

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

    def _fit_point(self, panel: Panel) -> None:
        self.panel_end_ = panel.end  # forecasts are made at predict time for the steps asked for

    def _predict_point(self, panel: Panel, future: pd.DataFrame) -> np.ndarray:
        f = panel.frame.groupby(ID, sort=False).tail(self.max_history)
        end = step_index(pd.DatetimeIndex([panel.end]), panel.freq)[0]
        pos = step_index(future[DS], panel.freq) - end
        steps = int(max(1, pos.max()))
        kind = "M" if panel.freq.alias == "MS" else ("W" if panel.freq.alias.startswith("W") else "D")
        groups = [(sid, grp[Y].where(grp[OPEN] == 1).to_numpy(float)) for sid, grp in f.groupby(ID, sort=True)]
        fits = Parallel(n_jobs=self.n_jobs)(
            delayed(_fit_one)(y, self.kind, panel.freq.season_length, SEASONS[kind], steps) for _, y in groups
        )
        table = {sid: fc for (sid, _), fc in zip(groups, fits, strict=True)}
        out = np.full(len(future), np.nan)
        for sid, rows in future.groupby(ID, sort=False).indices.items():
            if sid in table:
                out[rows] = sexp(np.clip(table[sid][pos[rows] - 1], -50, 50))
        return out


class AutoETS(_StatsBase):
    """AICc-chosen additive ETS per series on log1p(y) (statsmodels); see the module docstring."""

    kind = "ets"


class MSTLForecaster(_StatsBase):
    """MSTL seasonal decomposition + non-seasonal AutoETS per series (statsmodels); see the module docstring."""

    kind = "mstl"
