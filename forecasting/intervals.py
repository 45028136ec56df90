"""Calibrated intervals and joint sample paths from rolling-origin backtest residuals.

Residuals are taken on the log scale, r = log1p(y) - log1p(yhat), on open days of each backtest window.
Each series gets a scale s_i (its mean |r|, shrunk towards the median series' scale so short series
borrow strength); every backtest window of every series gives one whole normalised residual PATH r / s_i of
length h. A forecast path for series i is log1p(point_i) + s_i * z, with z a whole path drawn from that
pool, so the correlation of errors across the horizon (a level miss that lasts weeks) is kept. Daily
bands and period totals are quantiles over the same paths: totals are never sums of daily bounds.
Series-windows forecast without their recent history (see MIN_RECENT_OBS) are left out.

The pool rests on few independent periods when the calibration windows hold few dates (2 windows of 3
months are 6 dates): errors on one date share a shock across series, so the pool has seen 6 draws of it,
not 600. The hierarchical split-conformal quantile treats each calibration date as one group: with k
dates it takes the pool's (1 - alpha)(k + 1)/k quantile instead of its 1 - alpha one (the k + 1-th group
is the new date). `small_sample_widening` scales the pool by the ratio of the two at the 80% level.
Measured on the Rossmann backtests: x1.02 for 3 windows of 42 days (126 dates), x1.08-1.10 for 3 x 8
weeks, x1.46-1.74 for 2 x 3 months; a large pool on many dates is left as it was.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from forecasting.data import ID

SHRINK_OBS = 20  # pseudo-observations of the pooled scale added to each series' own
MIN_PATH_OBS = 3
MIN_POOL = 30  # fewer backtest paths than this are topped up with the documented guess
# Series-windows whose h steps before the cutoff were mostly unobserved (a store back from a months-long
# gap, a series just started) were forecast without their lag features: their errors describe that
# situation, not the forecast being calibrated, so they are left out of the residual pool and scales.
MIN_RECENT_OBS = 0.5
# A young series (less than a year of history) without backtest errors of its own gets this quantile of
# the other series' scales, not the typical one: nothing shows it is as calm as the median series, and
# young series are the erratic ones (Walmart: the median scale covered 27% of new departments' weeks at
# 80%). An older series without errors of its own (its windows left out, see MIN_RECENT_OBS) keeps the
# median one (the 90th percentile there took monthly Rossmann coverage from 84.6% to 85.7%).
NEW_SERIES_QUANTILE = 0.9
# A series without backtest errors gets at least this many times its history's spread (`with_spread`): the
# spread is measured around its own median, in sample; what comes next lies further away than that.
SPREAD_FACTOR = 1.5
# A young series' miss lasts: a new department's level is not known yet, so its errors share one sign for
# weeks more than an older series' do. Its paths get their mean level error multiplied by this (the weeks'
# spread around it kept), which widens its period totals most. Walmart, 300 series, the four development
# origins, the 88 series-windows under 52 weeks: 13-week totals 80% coverage 67.0% -> 77.3% and weeks
# 73.8% -> 78.2% (with series with returns too: 80.7% / 79.3%; 1.5: 77.3% / 76.9%; 2.0: 81.8% / 80.7%);
# their backtests are too few to fit it on (7-15 paths per origin), and the other groups' paths are left
# as they are. Series with returns (signed) are left out: on the signed log scale a sparse series around 0
# (a department with a few refunds) got totals of tens of millions from a longer level miss.
YOUNG_LEVEL = 1.75
NOMINAL = 0.8  # the interval level the small-sample widening is set at (the product's default band)


def slog(x: np.ndarray) -> np.ndarray:
    """sign(x) * log1p(|x|): log1p for sales, and defined for returns (negative values) too."""
    return np.asarray(np.sign(x) * np.log1p(np.abs(x)))


def sexp(v: np.ndarray) -> np.ndarray:
    """The inverse of `slog`."""
    return np.asarray(np.sign(v) * np.expm1(np.abs(v)))


@dataclass(frozen=True)
class Calibration:
    """Per-series residual scales and a pool of normalised residual paths (n_pool x h).

    `signed` series (negative values in their history) may have paths below 0; the others are floored at 0.
    `widening` is the small-sample factor already in `pool`, from its `n_dates` calibration dates.
    Series without a scale of their own get `young_scale` if they are in `young`, else `default_scale`;
    `young` series' paths have their mean level error scaled by `young_level` (see YOUNG_LEVEL)."""

    h: int
    scale: dict[str, float]
    default_scale: float
    pool: np.ndarray
    signed: frozenset[str] = frozenset()
    n_backtest_paths: int = 0
    n_dates: int = 0
    widening: float = 1.0
    young: frozenset[str] = frozenset()
    young_scale: float = 0.0
    young_level: float = 1.0

    @classmethod
    def from_backtest(
        cls,
        bt: pd.DataFrame,
        h: int,
        *,
        seed: int = 0,
        signed: frozenset[str] = frozenset(),
        young: frozenset[str] = frozenset(),
        groups: tuple[frozenset[str], ...] = (),
    ) -> Calibration:
        """Build from a backtest frame with `unique_id, cutoff, step, y, yhat, open[, recent_obs]` (steps 1..h).

        The scales of `young` series (less than a year of history) are shrunk towards the new-series scale
        (see NEW_SERIES_QUANTILE) rather than the median one: a few calm weeks of a new department do not
        make it a calm series. Each group of `young` and `groups` (series by length: under a year, one to
        two years, two or more) whose normalised errors run wider than the other series' (for the two older
        groups: than all errors, as either may hold most series) gets its scales widened by the ratio
        (`group_widening`): coverage is calibrated per length group, not only on average."""
        ok = bt.loc[(bt["open"] == 1) & bt["y"].notna() & bt["yhat"].notna() & (bt["step"] <= h)]
        if "recent_obs" in ok and (ok["recent_obs"] >= MIN_RECENT_OBS).any():
            ok = ok.loc[ok["recent_obs"] >= MIN_RECENT_OBS]
        if ok.empty:
            return replace(cls.fallback(h, 0.25, seed=seed), signed=signed)
        r = slog(ok["y"].to_numpy(float)) - slog(ok["yhat"].to_numpy(float))
        absr = pd.Series(np.abs(r), index=ok.index)
        stats = absr.groupby(ok[ID]).agg(["sum", "count"])
        # Shrink towards the typical series (the median scale), not the pooled mean that a few erratic
        # series dominate: that would widen every well-behaved series' interval.
        own = stats["sum"] / stats["count"]
        pooled = float(own.median()) or 1e-3
        new = max(pooled, float(own.quantile(NEW_SERIES_QUANTILE)))
        target = pd.Series(np.where(stats.index.isin(list(young)), new, pooled), index=stats.index)
        scale = ((stats["sum"] + SHRINK_OBS * target) / (stats["count"] + SHRINK_OBS)).clip(lower=1e-4)
        is_young = ok[ID].isin(list(young)).to_numpy()
        factor = group_widening(r / scale.reindex(ok[ID]).to_numpy(), is_young)
        scale = scale.where(~scale.index.isin(list(young)), scale * factor)
        new *= factor
        z_all = r / scale.reindex(ok[ID]).to_numpy()
        for group in groups:  # one to two years, two or more: the same rule, from the same errors
            members = scale.index.isin(list(group))
            factor = group_widening(z_all, ok[ID].isin(list(group)).to_numpy(), against_all=True)
            scale = scale.where(~members, scale * factor)
        z = r / scale.reindex(ok[ID]).to_numpy()
        frame = pd.DataFrame({ID: ok[ID].to_numpy(), "cutoff": ok["cutoff"].to_numpy(), "step": ok["step"], "z": z})
        wide = frame.pivot_table(index=[ID, "cutoff"], columns="step", values="z", aggfunc="first")
        wide = wide.reindex(columns=range(1, h + 1))
        rng = np.random.default_rng(seed)
        pool = _fill_gaps(wide.to_numpy(float), rng)
        n_paths = len(pool)
        if len(pool) == 0:
            return replace(cls.fallback(h, pooled, seed=seed), signed=signed)
        if len(pool) < MIN_POOL:
            # A handful of backtest paths (one shop, one window) cannot show the spread of errors, and
            # centring one path would leave none: top the pool up with the documented guess below.
            pool = np.vstack([pool, _guess_paths(rng, MIN_POOL - len(pool), h)])
        # Centre each step on zero: the median path is the model's own forecast. Backtest windows hold
        # errors of older fits and other seasons (Christmas); their mean bias did not carry over.
        pool = pool - np.median(pool, axis=0, keepdims=True)
        n_dates = len(ok[["cutoff", "step"]].drop_duplicates())
        widening = small_sample_widening(pool, n_dates)
        pool = pool * widening
        scales = scale.to_dict()
        return cls(
            h, scales, pooled, pool.astype(np.float32), signed, n_paths, n_dates, widening, young, new, YOUNG_LEVEL
        )

    @classmethod
    def fallback(cls, h: int, scale: float, *, seed: int = 0) -> Calibration:
        """Without backtests: standard normal daily noise plus a shared level shift (documented guess)."""
        return cls(h, {}, float(scale), _guess_paths(np.random.default_rng(seed), 1000, h).astype(np.float32))

    def with_spread(self, spread: pd.Series) -> Calibration:
        """Series without backtest errors of their own get at least the spread of their own history.

        Their scale was borrowed from the others (young or typical), but a new department that sells 300
        one week and 9,000 the next is not as calm as that: its forecast (a recent median, a short
        history's level) misses by at least how far its own weeks lie from their median (Walmart
        development windows: 47% of such weeks inside the 80% interval with the borrowed scale)."""
        extra = {
            str(sid): max(self.series_scale(str(sid)), SPREAD_FACTOR * float(v))
            for sid, v in spread.items()
            if str(sid) not in self.scale and np.isfinite(v)
        }
        return replace(self, scale={**self.scale, **extra}) if extra else self

    def series_scale(self, sid: str) -> float:
        """The residual scale of a series (for series without backtests: the young or the pooled one)."""
        if sid in self.scale:
            return self.scale[sid]
        return self.young_scale if sid in self.young and self.young_scale > 0 else self.default_scale

    def sample(self, ids: list[str], point: np.ndarray, is_open: np.ndarray, n_paths: int, seed: int) -> np.ndarray:
        """Joint paths (n_series, n_paths, H) around `point` (n_series, H); closed days exactly 0."""
        n, horizon = point.shape
        out = np.empty((n, n_paths, horizon), dtype=np.float32)
        base = slog(point)
        for i, sid in enumerate(ids):
            rng = np.random.default_rng([seed, i])
            z = self._draw(rng, n_paths, horizon)
            if sid in self.young and sid not in self.signed and self.young_level != 1.0:  # see YOUNG_LEVEL
                z = z + (self.young_level - 1.0) * z.mean(axis=1, keepdims=True)
            vals = sexp(base[i][None, :] + self.series_scale(sid) * z)
            if sid not in self.signed:
                vals = np.clip(vals, 0.0, None)
            vals[:, ~is_open[i]] = 0.0
            vals[:, np.isnan(point[i])] = np.nan
            out[i] = vals
        return out

    def _draw(self, rng: np.random.Generator, n_paths: int, horizon: int) -> np.ndarray:
        """Whole pool paths; horizons longer than h chain whole paths (block bootstrap) whose level errors
        add up: block k carries the sum of the mean errors of blocks 1..k-1, so the level uncertainty
        grows like a random walk beyond the calibrated horizon instead of staying flat."""
        blocks = -(-horizon // self.h)
        parts, carry = [], np.zeros((n_paths, 1), dtype=np.float32)
        for _ in range(blocks):
            block = self.pool[rng.integers(len(self.pool), size=n_paths)]
            parts.append(block + carry)
            carry = carry + block.mean(axis=1, keepdims=True)
        return np.concatenate(parts, axis=1)[:, :horizon]


MIN_GROUP_ERRORS = 30


def history_spread(values: pd.DataFrame) -> pd.Series:
    """Per series: mean |slog(y) - slog(median y)| over its observed steps (`unique_id, y` rows)."""
    v = pd.Series(slog(values["y"].to_numpy(float)), index=values.index)
    centre = v.groupby(values[ID]).transform("median")
    return (v - centre).abs().groupby(values[ID]).mean()


def group_widening(z: np.ndarray, in_group: np.ndarray, level: float = NOMINAL, *, against_all: bool = False) -> float:
    """Factor (>= 1) bringing the group's `level` quantile of |z| up to the other series' one (`against_all`:
    to that of all errors, the group's own included, so that a group holding most series is left as it is).

    The young series' errors, normalised by their shrunk scales, still ran wider than the rest
    (Walmart: 64% of new departments' weeks inside the 80% interval); with at least 30 errors of the
    group their scales are widened by the ratio, so that each group, not only the average, is covered."""
    if in_group.sum() < MIN_GROUP_ERRORS or (~in_group).sum() < MIN_GROUP_ERRORS:
        return 1.0
    rest = float(np.quantile(np.abs(z if against_all else z[~in_group]), level))
    return max(1.0, float(np.quantile(np.abs(z[in_group]), level)) / rest) if rest > 0 else 1.0


def small_sample_widening(pool: np.ndarray, n_dates: int, level: float = NOMINAL) -> float:
    """Factor (>= 1) taking the pool's `level` quantile of |z| to its level * (k + 1) / k quantile, k = `n_dates`.

    The hierarchical split-conformal rule with one group per calibration date (see the module docstring);
    with k dates so few that the level passes 1 the pool's largest |z| is the bound. Many dates: about 1."""
    absz = np.abs(pool[np.isfinite(pool)])
    if n_dates < 1 or absz.size == 0:
        return 1.0
    base = float(np.quantile(absz, level))
    if base <= 0:
        return 1.0
    return max(1.0, float(np.quantile(absz, min(1.0, level * (n_dates + 1) / n_dates))) / base)


def _guess_paths(rng: np.random.Generator, n: int, h: int) -> np.ndarray:
    """Standard normal daily noise plus a shared level shift, scaled so that E|z| is about 1 like the pool's."""
    return np.asarray((rng.standard_normal((n, h)) * 0.8 + rng.standard_normal((n, 1)) * 0.6) * np.sqrt(np.pi / 2))


def _fill_gaps(wide: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Fill a path's closed/missing steps with draws from its own observed steps (keeps its level)."""
    keep = (~np.isnan(wide)).sum(axis=1) >= MIN_PATH_OBS
    wide = wide[keep]
    for row in wide:
        miss = np.isnan(row)
        if miss.any():
            row[miss] = rng.choice(row[~miss], size=int(miss.sum()))
    return wide


def check_levels(levels: tuple[int, ...] | list[int]) -> list[int]:
    """Levels as sorted ints strictly between 0 and 100."""
    from forecasting.errors import DataValidationError

    lv = sorted(set(int(x) for x in levels))
    if not lv or lv[0] <= 0 or lv[-1] >= 100:
        raise DataValidationError(f"levels must be between 0 and 100 exclusive, got {list(levels)}")
    return lv


def summarise(paths: np.ndarray, levels: list[int]) -> dict[str, np.ndarray]:
    """p50 and nested lo/hi bounds over the paths axis (axis -2 of (..., n_paths, H) or -1 of totals)."""
    qs = [0.5] + [q for lv in levels for q in (0.5 - lv / 200, 0.5 + lv / 200)]
    with warnings.catch_warnings():  # all-NaN columns (no horizon row) give NaN, not a warning
        warnings.simplefilter("ignore", RuntimeWarning)
        vals = np.nanquantile(paths, qs, axis=-2 if paths.ndim == 3 else -1)
    out = {"p50": vals[0]}
    for j, lv in enumerate(levels):
        out[f"lo-{lv}"] = vals[1 + 2 * j]
        out[f"hi-{lv}"] = vals[2 + 2 * j]
    return out
