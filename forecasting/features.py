"""Features of the global gradient-boosting model.

Everything that uses the target is lagged by at least `lag` steps (>= the forecast horizon), so the same
row features exist for every horizon step (the "lags beyond the horizon" direct strategy). The target is
log1p(y) minus a per-row base level (the series' mean over the `BASE_WINDOW` steps ending `lag` steps
earlier), so one model serves series of any size; level features are expressed relative to that base.
Weekly rows whose year-ago week is known take that week, moved by the level change since, as their base
(flag `SEASONAL`; gbm.py fits the two kinds of rows separately).
Known-in-advance regressors give flags (promo on, holiday, each holiday type, closed) with days
since/until, the position in the current run and (daily data) how many flagged days lie within three
days, which is how the model sees "the day after a closure", "day 3 of a promo" or "a week with a public
holiday in it". Per-series target encodings (level, weekday profile, flag effects) come from the
training rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from forecasting.data import DS, ID, OPEN, Frequency, Y

BASE_WINDOW = {"D": 28, "W": 13, "M": 3}
LEVEL_WINDOWS = {"D": (14, 28, 182, 364), "W": (4, 26, 52), "M": (6, 12)}
DIST_CAP = 31
MAX_FLAG_LEVELS = 10
MAX_CODE_FLAGS = 4
NEAR_DAYS = 3

FlagSpec = dict[str, tuple[str, float | None]]  # flag name -> (column, value or None for `> 0`)


def _kind(freq: Frequency) -> str:
    return "M" if freq.alias == "MS" else ("W" if freq.alias.startswith("W") else "D")


def _window_mean(v: pd.Series, keys: np.ndarray, lag: int, w: int) -> np.ndarray:
    """Mean of non-missing v over the w rows ending `lag` rows earlier within each group."""
    filled = v.fillna(0.0).groupby(keys).cumsum()
    count = v.notna().astype(float).groupby(keys).cumsum()
    s_hi, c_hi = filled.groupby(keys).shift(lag), count.groupby(keys).shift(lag)
    s_lo = filled.groupby(keys).shift(lag + w).fillna(0.0)
    c_lo = count.groupby(keys).shift(lag + w).fillna(0.0)
    n = (c_hi - c_lo).to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        out = ((s_hi - s_lo).to_numpy()) / n
    out[~(n >= max(1, w // 4))] = np.nan
    return np.asarray(out, dtype=float)


def _since_until(flag: np.ndarray, pos: np.ndarray, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Steps since the previous and until the next row where the flag is on (capped), per group."""
    on = pd.Series(np.where(flag, pos, np.nan))
    prev = on.groupby(keys).shift(1).groupby(keys).ffill().to_numpy()
    nxt = on.groupby(keys).shift(-1).groupby(keys).bfill().to_numpy()
    since = np.nan_to_num(pos - prev, nan=DIST_CAP).clip(0, DIST_CAP)
    until = np.nan_to_num(nxt - pos, nan=DIST_CAP).clip(0, DIST_CAP)
    return since, until


def _count_near(flag: np.ndarray, keys: np.ndarray, half: int) -> np.ndarray:
    """How many of the 2*half+1 days centred on each day have the flag on (e.g. closures around a holiday
    week move sales to the days around them)."""
    f = pd.Series(flag.astype(float))
    total = f.groupby(keys).transform(lambda x: x.rolling(2 * half + 1, center=True, min_periods=1).sum())
    return np.asarray(total.to_numpy() - flag, dtype=float)


def _run_position(flag: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """1, 2, 3.. inside a run of on-days and -1, -2.. inside a run of off-days (capped)."""
    f = pd.Series(flag.astype(np.int8))
    new_run = (f != f.groupby(keys).shift(1)).astype(int)
    run_id = new_run.groupby(keys).cumsum()
    pos = f.groupby([keys, run_id.to_numpy()]).cumcount().to_numpy() + 1
    return np.asarray(np.where(flag, pos, -pos).clip(-DIST_CAP, DIST_CAP), dtype=float)


EXACT_WEEK_WEIGHT = 0.5  # the year-ago base: half the exact week, half the three weeks around it
SEASONAL = "seasonal_base"  # the 0/1 column saying which base a row has (weekly data)
MAX_GROWTH = 0.7  # log growth per year the trend shift extrapolates at most (about x2 or /2)


def _trend_shift(ly: pd.Series, keys: np.ndarray, lag: int, spy: int, bw: int) -> np.ndarray:
    """The series' log growth from the centre of the base window to the row: the growth per step between
    the two years ending `lag` steps earlier, times the distance. 0 without two years of history.

    Trees cannot extrapolate a trend: without this a shop growing 15% a year is forecast flat relative to a
    level several months old (the longer the horizon, the larger the miss)."""
    recent = _window_mean(ly, keys, lag, spy)
    prior = _window_mean(ly, keys, lag + spy, spy)
    growth = np.clip((recent - prior) / spy, -MAX_GROWTH / spy, MAX_GROWTH / spy)
    return np.asarray(np.nan_to_num(growth * (lag + (bw - 1) / 2), nan=0.0), dtype=float)


@dataclass(frozen=True)
class Encodings:
    """Per-series target encodings learned at fit time (log scale, relative to the series mean)."""

    level: pd.Series
    by_dow: pd.DataFrame | None
    by_flag: pd.DataFrame
    global_level: float
    flags: FlagSpec


def observed_log(frame: pd.DataFrame) -> pd.Series:
    """log1p(y) on open days with positive sales; NaN elsewhere (closed, missing, zero)."""
    ok = (frame[OPEN] == 1) & (frame[Y] > 0)
    return np.log1p(frame[Y].where(ok))


def flag_spec(frame: pd.DataFrame, regressors: list[str]) -> FlagSpec:
    """Which flags to derive, decided once at fit time: `col > 0` for each low-cardinality regressor, and
    `col == v` for each non-zero value of a coded regressor with 2-4 such values (e.g. holiday types)."""
    spec: FlagSpec = {}
    for col in regressors:
        values = np.sort(frame[col].dropna().unique())
        if len(values) > MAX_FLAG_LEVELS:
            continue
        spec[col] = (col, None)
        nonzero = values[values > 0]
        if 2 <= len(nonzero) <= MAX_CODE_FLAGS and np.all(nonzero == np.round(nonzero)):
            for v in nonzero:
                spec[f"{col}={int(v)}"] = (col, float(v))
    return spec


def flag_columns(frame: pd.DataFrame, spec: FlagSpec) -> dict[str, np.ndarray]:
    """Boolean flags of the spec, plus `closed` (open == 0)."""
    flags = {"closed": (frame[OPEN] == 0).to_numpy()}
    for name, (col, value) in spec.items():
        x = frame[col].fillna(0)
        flags[name] = (x > 0 if value is None else x == value).to_numpy()
    return flags


def fit_encodings(frame: pd.DataFrame, regressors: list[str], freq: Frequency) -> Encodings:
    """Series level, day-of-week and flag effects from the training rows."""
    ly = observed_log(frame)
    level = ly.groupby(frame[ID]).mean()
    dev = ly - level.reindex(frame[ID]).to_numpy()
    by_dow = None
    if _kind(freq) == "D":
        by_dow = dev.groupby([frame[ID], frame[DS].dt.day_of_week]).mean().unstack()
        by_dow = by_dow.reindex(columns=range(7))
    effects = {}
    spec = flag_spec(frame, regressors)
    for name, flag in flag_columns(frame, {k: v for k, v in spec.items() if v[1] is None}).items():
        if name == "closed":
            continue
        on = dev.where(flag).groupby(frame[ID]).mean()
        off = dev.where(~flag).groupby(frame[ID]).mean()
        effects[f"enc_{name}"] = on - off
    by_flag = pd.DataFrame(effects, index=level.index)
    return Encodings(level, by_dow, by_flag, float(ly.mean()), spec)


def build_features(
    full: pd.DataFrame,
    regressors: list[str],
    freq: Frequency,
    lag: int,
    enc: Encodings,
    base_window: int | None = None,
    trend: bool = False,
) -> tuple[pd.DataFrame, np.ndarray]:
    """Feature matrix and base level for every row of `full` (sorted by series and date, no gaps).

    With `trend`, the base level is carried forward along the series' own growth (see `_trend_shift`)."""
    kind = _kind(freq)
    ids = full[ID].to_numpy()
    keys = pd.factorize(ids)[0]
    ly = observed_log(full).reset_index(drop=True)
    ds = full[DS].reset_index(drop=True)
    feats: dict[str, np.ndarray] = {}
    bw = base_window or BASE_WINDOW[kind]
    levels = {w: _window_mean(ly, keys, lag, w) for w in (bw, *LEVEL_WINDOWS[kind])}
    enc_level = enc.level.reindex(ids).fillna(enc.global_level).to_numpy()
    base = levels[bw]
    for w in LEVEL_WINDOWS[kind]:
        base = np.where(np.isnan(base), levels[w], base)
    base = np.where(np.isnan(base), enc_level, base)
    spy = freq.steps_per_year
    if trend:
        base = base + _trend_shift(ly, keys, lag, spy, bw)
    exact = None
    if kind == "W" and spy >= lag:
        # Weekly sales follow last year's weeks (back-to-school, Thanksgiving, Christmas): where a year
        # ago is known, the base is that week (EXACT_WEEK_WEIGHT) moved by the level change since then.
        exact = _window_mean(ly, keys, spy, 1)
        around = _window_mean(ly, keys, spy - 1, 3)
        year = np.where(np.isnan(exact), around, EXACT_WEEK_WEIGHT * exact + (1 - EXACT_WEEK_WEIGHT) * around)
        seasonal = year + base - _window_mean(ly, keys, spy + lag, bw)
        base = np.where(np.isnan(seasonal), base, seasonal)
        feats[SEASONAL] = (~np.isnan(seasonal)).astype(float)
    for w, values in levels.items():
        feats[f"lvl{w}"] = values - base
    feats["enc_level"] = enc_level - base
    half = {"D": 3, "W": 1, "M": 0}[kind]  # a month a year ago is its own season: no smoothing
    if spy - half >= lag:
        year_ago = _window_mean(ly, keys, spy - half, 2 * half + 1)
        year_ago_base = _window_mean(ly, keys, spy + lag, bw)
        feats["yoy_delta"] = year_ago - year_ago_base
        feats["year_ago"] = year_ago - base
    if exact is not None:
        feats["year_ago1"] = exact - base
    if kind == "D":
        dow = ds.dt.day_of_week.to_numpy()
        week_keys = keys * 7 + dow
        feats["dow_recent"] = _window_mean(ly, week_keys, -(-lag // 7), 8) - base
        feats["dow"] = dow.astype(float)
        feats["dom"] = ds.dt.day.to_numpy(float)
        feats["to_month_end"] = (ds.dt.days_in_month - ds.dt.day).to_numpy(float)
        feats["woy"] = ds.dt.isocalendar().week.to_numpy(float)
        if enc.by_dow is not None:
            feats["enc_dow"] = enc.by_dow.reindex(ids).to_numpy()[np.arange(len(ids)), dow]
    if kind == "W":
        feats["woy"] = ds.dt.isocalendar().week.to_numpy(float)
    feats["month"] = ds.dt.month.to_numpy(float)
    feats["doy"] = ds.dt.day_of_year.to_numpy(float)
    for col in regressors:
        feats[f"x_{col}"] = full[col].to_numpy(float)
    pos = np.arange(len(full), dtype=float)
    for name, flag in flag_columns(full, enc.flags).items():
        feats[f"since_{name}"], feats[f"until_{name}"] = _since_until(flag, pos, keys)
        feats[f"run_{name}"] = _run_position(flag, keys)
        if kind == "D" and enc.flags.get(name, (name, None))[1] is None:
            feats[f"near_{name}"] = _count_near(flag, keys, NEAR_DAYS)
    for col in enc.by_flag.columns:
        feats[col] = enc.by_flag[col].reindex(ids).to_numpy()
    return pd.DataFrame(feats), base
