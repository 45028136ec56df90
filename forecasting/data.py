"""Validate and prepare long-format input: `unique_id, ds, y` history plus a regressor/calendar frame.

Every check raises a `DataValidationError` subclass whose message names the series and the rows to fix, in
the caller's words: a frame read from a file (`files.read_inputs`) carries `attrs["source"]` (the file
name), `attrs["names"]` (our column name -> the user's) and file line numbers as its index, so messages say
"sales.csv: negative 'Weekly_Sales' in Store '3' lines 12, 40"; a plain frame gets its index labels.
Negative values are valid (returns, refunds) unless the caller asks `check_nonnegative`. Gaps (missing
dates inside a series, e.g. a store closed for months) are not errors: `complete_grid` adds the missing
steps with `y = NaN` and models skip them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from forecasting.errors import (
    DataValidationError,
    DuplicateDatesError,
    EmptyInputError,
    IrregularDatesError,
    MissingColumnsError,
    MissingRegressorsError,
    NegativeValuesError,
    UnparseableDatesError,
)

ID, DS, Y, OPEN = "unique_id", "ds", "y", "open"
_MAX_LISTED = 10


@dataclass(frozen=True)
class Frequency:
    """A regular time step: its pandas alias, one step as an offset, the season and a year in steps."""

    alias: str
    season_length: int
    steps_per_year: int

    @property
    def offset(self) -> pd.DateOffset:
        """One step as a pandas offset."""
        return pd.tseries.frequencies.to_offset(self.alias)


DAILY = Frequency("D", 7, 364)


def _rows(index: pd.Index) -> str:
    """'3, 4, 9' or '3-40' for runs of consecutive labels, at most 10 items then 'and N more'."""
    labels = list(index)
    if labels and all(isinstance(i, int | np.integer) for i in labels):
        runs: list[list[int]] = []
        for i in sorted(int(x) for x in labels):
            if runs and i == runs[-1][1] + 1:
                runs[-1][1] = i
            else:
                runs.append([i, i])
        items = [f"{a}" if a == b else f"{a}-{b}" for a, b in runs]
    else:
        items = [str(i) for i in labels]
    more = f" and {len(items) - _MAX_LISTED} more" if len(items) > _MAX_LISTED else ""
    return ", ".join(items[:_MAX_LISTED]) + more


def user_name(frame: pd.DataFrame, col: str) -> str:
    """The user's name of one of our columns (`y` -> 'Weekly_Sales' for a frame read from a file)."""
    names = frame.attrs.get("names") or {}
    return str(names.get(col) or col)


def row_word(frame: pd.DataFrame) -> str:
    """'lines' when the index holds file line numbers, else 'rows'."""
    return "lines" if frame.attrs.get("source") else "rows"


def where(frame: pd.DataFrame, what: str) -> str:
    """The file name of a frame read from a file, else `what` ('history', 'calendar')."""
    return str(frame.attrs.get("source") or what)


def by_series(frame: pd.DataFrame, mask: pd.Series) -> str:
    """`Store 'A' lines 3, 4; Store 'B' lines 9` for the rows where mask is true."""
    bad = frame.loc[mask]
    who, word = user_name(frame, ID), row_word(frame)
    who = "series" if who == ID else who
    parts = [f"{who} {sid!r} {word} {_rows(grp.index)}" for sid, grp in list(bad.groupby(ID, sort=True))[:5]]
    extra = bad[ID].nunique() - len(parts)
    return "; ".join(parts) + (f"; and {extra} more series" if extra > 0 else "")


def parse_dates(values: pd.Series, what: str, word: str = "rows") -> pd.Series:
    """Parse a date column, naming the rows (or file `word="lines"`) that are not dates."""
    if pd.api.types.is_datetime64_any_dtype(values):
        parsed = values
    else:
        parsed = pd.to_datetime(values, errors="coerce", format="mixed")
    bad = parsed.isna()
    if bad.any():
        examples = ", ".join(repr(v) for v in values[bad].head(3).tolist())
        raise UnparseableDatesError(f"{what}: {word} {_rows(values.index[bad])} are not dates ({examples})")
    return parsed.dt.tz_localize(None) if parsed.dt.tz is not None else parsed


def standardise(
    df: pd.DataFrame,
    *,
    id_col: str = ID,
    date_col: str = DS,
    value_col: str | None = Y,
    what: str = "history",
) -> pd.DataFrame:
    """Rename to `unique_id, ds[, y]`, parse dates, check duplicates and non-numeric values.

    Rows keep the caller's index labels (file line numbers for a file), sorted by series and date."""
    where_ = where(df, what)
    need = [id_col, date_col] + ([value_col] if value_col else [])
    missing = [c for c in need if c not in df.columns]
    if missing:
        shown = [user_name(df, c) for c in missing]
        raise MissingColumnsError(f"{where_}: missing columns {shown}; found {list(df.columns)[:20]}")
    if df.empty:
        raise EmptyInputError(f"{where_}: no data rows")
    out = df.rename(columns={id_col: ID, date_col: DS, **({value_col: Y} if value_col else {})})
    if not out.index.is_unique:
        out = out.reset_index(drop=True)
    out[ID] = out[ID].astype(str)
    out[DS] = parse_dates(out[DS], f"{where_} column {user_name(out, DS)!r}", row_word(out)).dt.normalize()
    dup = out.duplicated([ID, DS], keep=False)
    if dup.any():
        raise DuplicateDatesError(f"{where_}: the same date twice in {by_series(out, dup)}")
    if value_col:
        y = pd.to_numeric(out[Y], errors="coerce")
        bad = y.isna() & out[Y].notna() & (out[Y].astype(str).str.strip() != "")
        if bad.any():
            examples = ", ".join(repr(v) for v in out.loc[bad, Y].head(3).tolist())
            raise DataValidationError(
                f"{where_}: {user_name(out, Y)!r} is not a number ({examples}) in {by_series(out, bad)}"
            )
        out[Y] = y.astype(float)
    return out.sort_values([ID, DS], kind="stable")


def check_nonnegative(df: pd.DataFrame, what: str = "history") -> None:
    """Refuse negative values (only when the caller says the series cannot be negative)."""
    neg = pd.to_numeric(df[Y], errors="coerce") < 0
    if neg.any():
        raise NegativeValuesError(f"{where(df, what)}: negative {user_name(df, Y)!r} in {by_series(df, neg)}")


def infer_frequency(ds: pd.Series) -> Frequency:
    """Daily, weekly or monthly, from the most common step between consecutive dates of a series."""
    steps = ds.sort_values().diff().dt.days.dropna()
    steps = steps[steps > 0]
    if steps.empty:
        return DAILY
    step = int(steps.mode().iloc[0])
    if step == 1:
        return DAILY
    if step == 7:
        weekday = pd.Timestamp(ds.iloc[0]).day_name()[:3].upper()
        return Frequency(f"W-{weekday}", 52, 52)
    if 28 <= step <= 31:
        return Frequency("MS", 12, 12)
    raise IrregularDatesError(f"dates are mostly {step} days apart; use daily, weekly or monthly data")


def complete_grid(df: pd.DataFrame, freq: Frequency, end: pd.Timestamp | None = None) -> pd.DataFrame:
    """Reindex each series on a regular grid from its first date to `end` (default its last date)."""
    if freq.alias == "MS":
        df = df.assign(**{DS: df[DS].dt.to_period("M").dt.to_timestamp()})
    if df.empty:
        return df.reset_index(drop=True)
    # One reindex of the whole frame; series with the same first and last date share one date range
    # (a reindex per series was most of the global model's predict time on 300 weekly series).
    span = df.groupby(ID, sort=False)[DS].agg(["first", "last"])
    grids: dict[tuple[pd.Timestamp, pd.Timestamp], pd.DatetimeIndex] = {}
    ids, dates = [], []
    for sid, first, last in span.itertuples():
        key = (first, end if end is not None else last)
        if key not in grids:
            grids[key] = pd.date_range(key[0], key[1], freq=freq.alias)
        ids.append(np.full(len(grids[key]), sid, dtype=object))
        dates.append(grids[key])
    index = pd.MultiIndex.from_arrays([np.concatenate(ids), dates[0].append(dates[1:])], names=[ID, DS])
    return df.set_index([ID, DS]).reindex(index).reset_index()[df.columns.tolist()]


def check_future(history: pd.DataFrame, future: pd.DataFrame, regressors: list[str]) -> None:
    """Every series needs horizon rows, and every regressor column must be in the horizon frame."""
    missing_cols = [c for c in regressors if c not in future.columns]
    if missing_cols:
        raise MissingRegressorsError(
            f"{where(future, 'calendar')}: columns {missing_cols} are in the history but not in the calendar"
        )
    without = sorted(set(history[ID]) - set(future[ID]))
    if without:
        who = user_name(future, ID)
        raise MissingRegressorsError(
            f"{where(future, 'calendar')} has no dates after the history for {who} {without[:_MAX_LISTED]}"
            + (f" and {len(without) - _MAX_LISTED} more" if len(without) > _MAX_LISTED else "")
        )


def empty_regressors(frame: pd.DataFrame, regressors: list[str], what: str) -> dict[str, str]:
    """Per regressor with empty values: "'MarkDown1' is empty in 120 of 400 lines (Store '1' lines 2-40; ...)"."""
    found = {}
    for col in regressors:
        nan = frame[col].isna()
        if nan.any():
            found[col] = (
                f"{where(frame, what)}: {col!r} is empty in {int(nan.sum())} of {len(frame)} {row_word(frame)} "
                f"({by_series(frame, nan)})"
            )
    return found


def fill_horizon(history: pd.DataFrame, future: pd.DataFrame, regressors: list[str]) -> tuple[pd.DataFrame, list[str]]:
    """Empty regressor values in the horizon (coded, numeric frames): kept empty where the history has empty
    values of that column too (the models learnt what empty means), else the most common history value."""
    notes = []
    out = future.copy()
    for col, text in empty_regressors(future, regressors, "calendar").items():
        if history[col].isna().any():
            notes.append(f"{text}: kept empty, as in the history")
            continue
        mode = history[col].mode(dropna=True)
        value = float(mode.iloc[0]) if len(mode) else 0.0
        out[col] = out[col].fillna(value)
        notes.append(f"{text}: filled with the most common history value {value:g}")
    return out, notes


Codes = dict[str, dict[str, float] | None]


def fit_codes(frame: pd.DataFrame, regressors: list[str]) -> Codes:
    """Integer codes for text regressors (e.g. StateHoliday '0','a','b'); None for numeric ones.

    The most common value (e.g. '0' = no holiday) gets code 0, so `code > 0` reads as "flag on".
    """
    codes: Codes = {}
    for col in regressors:
        values = frame[col].dropna()
        numeric = pd.to_numeric(values, errors="coerce")
        if numeric.notna().all():
            codes[col] = None
            continue
        order = values.astype(str).value_counts().index.tolist()
        codes[col] = {v: float(i) for i, v in enumerate(order)}
    return codes


def apply_codes(frame: pd.DataFrame, codes: Codes) -> pd.DataFrame:
    """Numeric regressors as float, text ones as their codes (an unseen value gets a new code)."""
    out = frame.copy()
    for col, mapping in codes.items():
        if col not in out.columns:
            continue
        if mapping is None:
            values = pd.to_numeric(out[col], errors="coerce").astype(float)
            bad = values.isna() & out[col].notna()
            if bad.any():
                rows = by_series(out, bad) if ID in out.columns else f"{row_word(out)} {_rows(out.index[bad])}"
                examples = ", ".join(repr(v) for v in out.loc[bad, col].head(3).tolist())
                raise DataValidationError(
                    f"{where(out, 'calendar')}: {col!r} is numeric in the history but not ({examples}) in {rows}"
                )
            out[col] = values
        else:
            unseen = float(len(mapping))
            text = out[col].astype(str)
            out[col] = text.map(mapping).fillna(unseen).where(out[col].notna(), np.nan).astype(float)
    return out


def data_hash(*frames: pd.DataFrame | None) -> str:
    """sha256 of the input frames' values (row order and column names included)."""
    import hashlib

    digest = hashlib.sha256()
    for frame in frames:
        if frame is None:
            continue
        digest.update(",".join(map(str, frame.columns)).encode())
        digest.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    return digest.hexdigest()
