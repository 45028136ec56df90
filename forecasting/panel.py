"""The prepared input every forecaster works on: history on a regular grid plus known regressors."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from forecasting.data import (
    DS,
    ID,
    OPEN,
    Codes,
    Frequency,
    Y,
    apply_codes,
    by_series,
    check_future,
    complete_grid,
    empty_regressors,
    fill_horizon,
    fit_codes,
    infer_frequency,
    row_word,
    standardise,
    user_name,
    where,
)
from forecasting.errors import DataValidationError, EmptyInputError


@dataclass(frozen=True)
class Panel:
    """History of many series: `unique_id, ds, y, open, <regressors>` on a complete grid per series.

    `open` is 1.0 on trading days, 0.0 on closed days (forecast exactly 0) and NaN in gaps.
    Every series runs from its first date to the panel's last date `end`. `signed` holds the series with
    negative values in their history (returns, refunds): only their forecasts and paths may go below 0.
    `notes` says what was done with imperfect input (empty regressor values), in the user's words.
    `presence` holds, for weekly and monthly series that sell in only some steps, the share of steps with
    sales (see `presence_shares`): their sample paths have steps without sales in that proportion.
    """

    frame: pd.DataFrame
    freq: Frequency
    regressors: list[str]
    codes: Codes = field(default_factory=dict)
    signed: frozenset[str] = frozenset()
    notes: tuple[str, ...] = ()
    presence: dict[str, float] = field(default_factory=dict)

    @property
    def end(self) -> pd.Timestamp:
        """The last history date."""
        return pd.Timestamp(self.frame[DS].max())

    @property
    def ids(self) -> list[str]:
        """Series ids in sorted order."""
        return sorted(self.frame[ID].unique().tolist())

    def until(self, cutoff: pd.Timestamp) -> Panel:
        """The panel as it was known at `cutoff` (rows after it dropped, series not yet started dropped)."""
        sub = self.frame.loc[self.frame[DS] <= cutoff]
        started = sub.groupby(ID)[Y].transform(lambda s: s.notna().any())
        return replace(self, frame=sub.loc[started].reset_index(drop=True))

    def length_groups(self) -> tuple[frozenset[str], ...]:
        """The series with one to two years of observed steps, and those with two years or more (the groups
        besides `young` whose intervals are calibrated apart, see `Calibration.from_backtest`). Daily data has
        none: a daily series is shorter for closures (a store shut for months), not for being new."""
        if self.freq.alias == "D":
            return ()
        counts = self.frame.loc[self.frame[Y].notna()].groupby(ID).size()
        year = self.freq.steps_per_year
        ids = counts.index.astype(str)
        return frozenset(ids[(counts >= year) & (counts < 2 * year)]), frozenset(ids[counts >= 2 * year])

    def young(self) -> frozenset[str]:
        """Series with less than a year of observed steps."""
        counts = self.frame.loc[self.frame[Y].notna()].groupby(ID).size()
        return frozenset(counts.index[counts < self.freq.steps_per_year].astype(str))

    def window(self, cutoff: pd.Timestamp, h: int) -> pd.DataFrame:
        """The `h` steps after `cutoff` as a future frame with actuals (`y`) kept for scoring."""
        last = cutoff + h * self.freq.offset
        return self.frame.loc[(self.frame[DS] > cutoff) & (self.frame[DS] <= last)].reset_index(drop=True)


def _modal_frequency(df: pd.DataFrame) -> Frequency:
    longest = df[ID].value_counts().index[0]
    return infer_frequency(df.loc[df[ID] == longest, DS].reset_index(drop=True))


def supported_regressors(
    hist: pd.DataFrame, regressors: list[str], freq: Frequency
) -> tuple[list[str], tuple[str, ...]]:
    """The regressors the history supports, and a note for each one left out.

    A column empty in most history rows whose given values span less than a year (markdowns recorded
    only since last November) cannot be told apart from the season or the trend of those months: a model
    would read "empty" as "no markdown" and misread a horizon where the calendar gives it. It is not used."""
    keep, notes = [], []
    year = pd.Timedelta(days=364 if freq.alias == "D" else 7 * 52 if freq.alias.startswith("W") else 365)
    observed = hist.loc[hist[Y].notna()]
    for col in regressors:
        given = observed[col].notna()
        dates = observed.loc[given, DS]
        span = dates.max() - dates.min() if len(dates) else pd.Timedelta(0)
        if given.mean() >= 0.5 or span >= year:
            keep.append(col)
            continue
        when = f" ({dates.min().date()}..{dates.max().date()})" if len(dates) else ""
        notes.append(
            f"{where(hist, 'history')}: {col!r} is given in only {int(given.sum())} of {len(observed)} "
            f"{row_word(hist)} of the history{when}, less than a year: not used, also where the calendar gives it "
            "(the history cannot tell its effect from the season's); give a year or more of it to use it"
        )
    return keep, tuple(notes)


def returns_note(hist: pd.DataFrame) -> tuple[str, ...]:
    """A note naming the series with negative values (returns above sales) and what is done with them."""
    neg = hist[Y] < 0
    if not neg.any():
        return ()
    return (
        f"{where(hist, 'history')}: {user_name(hist, Y)!r} is below 0 in {int(neg.sum())} {row_word(hist)} "
        f"({by_series(hist, neg)}): kept as returns above sales; the level the models learn skips those "
        "steps, and the intervals and ranges of these series may go below 0",
    )


MAX_NO_SALES_RUN = 13  # steps: a longer run of absent steps is a gap (closed, not recorded), not weeks without sales
MIN_PRESENCE = 0.95  # a series absent in fewer of its steps than this is treated as always present


def presence_shares(grid: pd.DataFrame, freq: Frequency) -> dict[str, float]:
    """Weekly and monthly series: the share of their last year's steps with a value, for series absent in
    more than 5% of them. Runs of absent steps shorter than 13 steps count as steps without sales (a
    department that sells in some weeks only: the source leaves those weeks out); longer runs are
    gaps (a store closed for months, a series that ended) and do not count. Daily data has no such rule:
    closed days come with an open flag."""
    if freq.alias == "D":
        return {}
    out = {}
    for sid, grp in grid.groupby(ID, sort=False):
        y = grp[Y].iloc[-freq.steps_per_year :]
        absent = y.isna().to_numpy()
        runs = pd.Series(absent).ne(pd.Series(absent).shift()).cumsum()
        length = pd.Series(absent).groupby(runs).transform("size").to_numpy()
        no_sales = int((absent & (length < MAX_NO_SALES_RUN)).sum())
        sold = int((~absent).sum())
        if sold and sold / (sold + no_sales) < MIN_PRESENCE:
            out[str(sid)] = sold / (sold + no_sales)
    return out


def presence_note(hist: pd.DataFrame, presence: dict[str, float], freq: Frequency) -> str:
    """Which series sell in only some steps, and what their forecasts do about it."""
    unit = "weeks" if freq.alias.startswith("W") else "months"
    items = sorted(presence.items(), key=lambda kv: kv[1])
    shown = ", ".join(f"{sid!r} {share:.0%}" for sid, share in items[:10])
    more = f" and {len(items) - 10} more" if len(items) > 10 else ""
    return (
        f"{where(hist, 'history')}: {len(items)} series have {unit} without a line (no sales) in the last year "
        f"(share of {unit} with sales: {shown}{more}): their ranges and totals include {unit} without sales in "
        "that proportion; the point forecast is a week with sales"
    )


def prepare_history(df: pd.DataFrame, X: pd.DataFrame | None = None, *, open_col: str = OPEN) -> Panel:
    """Validate `unique_id, ds, y` (+ regressors in `df` or in `X`) and put it on a regular grid."""
    hist = standardise(df, what="history")
    if X is not None:
        xs = standardise(X, value_col=None, what="history regressors")
        dup_cols = [c for c in xs.columns if c in hist.columns and c not in (ID, DS)]
        hist = hist.merge(xs.drop(columns=dup_cols), on=[ID, DS], how="left", validate="one_to_one")
        hist.attrs = dict(df.attrs)
    if hist[Y].notna().sum() == 0:
        raise EmptyInputError(f"{where(hist, 'history')}: the value column has no values")
    regressors = [c for c in hist.columns if c not in (ID, DS, Y, open_col)]
    freq = _modal_frequency(hist)
    regressors, dropped = supported_regressors(hist, regressors, freq)
    codes = fit_codes(hist, regressors)
    hist = apply_codes(hist, codes)
    notes = dropped + tuple(
        f"{text}: kept empty (gradient boosting learns what an empty value means; SARIMAX and flags read it as 0)"
        for text in empty_regressors(hist, regressors, "history").values()
    )
    notes += returns_note(hist)
    signed = frozenset(hist.loc[hist[Y] < 0, ID].unique().tolist())
    if open_col in hist.columns:
        hist[OPEN] = (pd.to_numeric(hist.pop(open_col), errors="coerce").fillna(1.0) != 0).astype(float)
    else:
        hist[OPEN] = 1.0
    hist.loc[hist[OPEN] == 0, Y] = 0.0
    grid = complete_grid(hist[[ID, DS, Y, OPEN, *regressors]], freq, end=hist[DS].max())
    presence = presence_shares(grid, freq)
    if presence:
        notes += (presence_note(hist, presence, freq),)
    return Panel(grid, freq, regressors, codes, signed, notes, presence)


def prepare_future(
    panel: Panel, h: int | None = None, X: pd.DataFrame | None = None, *, open_col: str = OPEN
) -> pd.DataFrame:
    """The horizon frame `unique_id, ds, open, <regressors>`: rows of `X` after the history ends,
    or `h` steps per series when there are no regressors. What was done with empty regressor values is
    in `attrs["notes"]` of the result."""
    if X is None:
        if panel.regressors:
            raise DataValidationError(f"the model uses regressors {panel.regressors}: pass their horizon values X")
        if not h or h < 1:
            raise DataValidationError("pass h >= 1 or a horizon frame X")
        dates = pd.date_range(panel.end + panel.freq.offset, periods=h, freq=panel.freq.alias)
        fut = pd.DataFrame({ID: np.repeat(panel.ids, h), DS: np.tile(dates, len(panel.ids))})
        fut[OPEN] = 1.0
        return fut
    fut = standardise(X, value_col=None, what="calendar")
    fut = fut.loc[fut[DS] > panel.end]
    fut = fut.loc[fut[ID].isin(panel.ids)]
    if h is not None:
        last = panel.end + h * panel.freq.offset
        fut = fut.loc[fut[DS] <= last]
    check_future(panel.frame, fut, panel.regressors)
    fut = apply_codes(fut, panel.codes)
    fut, notes = fill_horizon(panel.frame, fut, panel.regressors)
    if open_col in fut.columns:
        fut[OPEN] = (pd.to_numeric(fut.pop(open_col), errors="coerce").fillna(1.0) != 0).astype(float)
    else:
        fut[OPEN] = 1.0
    out = fut[[ID, DS, OPEN, *panel.regressors]].reset_index(drop=True)
    out.attrs = {"notes": tuple(notes)}
    return out
