"""Validate and prepare long-format input: `unique_id, ds, y` history plus a regressor/calendar frame.

Every check raises a `DataValidationError` subclass whose message names the series and the rows (index
labels of the frame the caller passed) to fix. Gaps (missing dates inside a series, e.g. a store closed
for months) are not errors: `complete_grid` adds the missing steps with `y = NaN` and models skip them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from forecasting.errors import (
    DataValidationError,
    DuplicateDatesError,
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
    labels = [str(i) for i in index[:_MAX_LISTED]]
    more = f" and {len(index) - _MAX_LISTED} more" if len(index) > _MAX_LISTED else ""
    return ", ".join(labels) + more


def _by_series(frame: pd.DataFrame, mask: pd.Series) -> str:
    """'series A rows 3, 4; series B rows 9' for the rows where mask is true."""
    bad = frame.loc[mask]
    parts = [f"series {sid!r} rows {_rows(grp.index)}" for sid, grp in list(bad.groupby(ID, sort=True))[:5]]
    extra = bad[ID].nunique() - len(parts)
    return "; ".join(parts) + (f"; and {extra} more series" if extra > 0 else "")


def parse_dates(values: pd.Series, what: str) -> pd.Series:
    """Parse a date column, naming the rows that are not dates."""
    if pd.api.types.is_datetime64_any_dtype(values):
        parsed = values
    else:
        parsed = pd.to_datetime(values, errors="coerce", format="mixed")
    bad = parsed.isna()
    if bad.any():
        examples = ", ".join(repr(v) for v in values[bad].head(3).tolist())
        raise UnparseableDatesError(f"{what}: rows {_rows(values.index[bad])} are not dates ({examples})")
    return parsed.dt.tz_localize(None) if parsed.dt.tz is not None else parsed


def standardise(
    df: pd.DataFrame,
    *,
    id_col: str = ID,
    date_col: str = DS,
    value_col: str | None = Y,
    what: str = "history",
) -> pd.DataFrame:
    """Rename to `unique_id, ds[, y]`, parse dates, check duplicates and negative values."""
    need = [id_col, date_col] + ([value_col] if value_col else [])
    missing = [c for c in need if c not in df.columns]
    if missing:
        raise DataValidationError(f"{what}: missing columns {missing}; found {list(df.columns)[:20]}")
    out = df.rename(columns={id_col: ID, date_col: DS, **({value_col: Y} if value_col else {})})
    out[ID] = out[ID].astype(str)
    out[DS] = parse_dates(out[DS], f"{what} column {date_col!r}").dt.normalize()
    dup = out.duplicated([ID, DS], keep=False)
    if dup.any():
        raise DuplicateDatesError(f"{what}: the same date twice in {_by_series(out, dup)}")
    if value_col:
        y = pd.to_numeric(out[Y], errors="coerce")
        bad = y.isna() & out[Y].notna() & (out[Y].astype(str).str.strip() != "")
        if bad.any():
            raise DataValidationError(f"{what}: non-numeric {value_col!r} in {_by_series(out, bad)}")
        out[Y] = y.astype(float)
        neg = out[Y] < 0
        if neg.any():
            raise NegativeValuesError(f"{what}: negative {value_col!r} in {_by_series(out, neg)}")
    return out.sort_values([ID, DS], kind="stable").reset_index(drop=True)


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
    raise DataValidationError(f"dates are {step} days apart; use daily, weekly or monthly data")


def complete_grid(df: pd.DataFrame, freq: Frequency, end: pd.Timestamp | None = None) -> pd.DataFrame:
    """Reindex each series on a regular grid from its first date to `end` (default its last date)."""
    if freq.alias == "MS":
        df = df.assign(**{DS: df[DS].dt.to_period("M").dt.to_timestamp()})
    parts = []
    for sid, grp in df.groupby(ID, sort=False):
        grid = pd.date_range(grp[DS].iloc[0], end if end is not None else grp[DS].iloc[-1], freq=freq.alias)
        part = grp.set_index(DS).reindex(grid)
        part.index.name = DS
        part[ID] = sid
        parts.append(part.reset_index())
    return pd.concat(parts, ignore_index=True)[df.columns.tolist()]


def check_future(history: pd.DataFrame, future: pd.DataFrame, regressors: list[str]) -> None:
    """Every series needs horizon rows, and every regressor a value on every horizon row."""
    missing_cols = [c for c in regressors if c not in future.columns]
    if missing_cols:
        raise MissingRegressorsError(f"calendar: regressors {missing_cols} are in the history but not the horizon")
    without = sorted(set(history[ID]) - set(future[ID]))
    if without:
        raise MissingRegressorsError(f"calendar has no horizon rows for series {without[:_MAX_LISTED]}")
    nan = future[regressors].isna().any(axis=1) if regressors else pd.Series(False, index=future.index)
    if nan.any():
        cols = [c for c in regressors if future.loc[nan, c].isna().any()]
        raise MissingRegressorsError(f"calendar: regressors {cols} are empty in {_by_series(future, nan)}")


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
                where = _by_series(out, bad) if ID in out.columns else f"rows {_rows(out.index[bad])}"
                raise DataValidationError(f"regressor {col!r} is numeric in the history but not in {where}")
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
