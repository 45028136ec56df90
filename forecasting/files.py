"""Reading forecast inputs from CSV files (plain or gzip) and writing fan charts to a folder."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from forecasting.data import DS, ID, OPEN, Y, check_nonnegative, parse_dates
from forecasting.errors import DataValidationError, EmptyInputError, MissingColumnsError

NA_VALUES = ["", "NA", "N/A", "NaN", "nan", "null", "NULL"]  # not "0"/"a": those are codes


def read_csv(path: Path) -> pd.DataFrame:
    """All columns as text (mixed codes like StateHoliday 0/'a' stay intact); gzip detected by content.

    The index holds file line numbers (the header is line 1) and `attrs["source"]` the file name, so that
    validation errors point at lines of the user's file."""
    with open(path, "rb") as fh:
        gz = fh.read(2) == b"\x1f\x8b"
    try:
        frame = pd.read_csv(
            path, dtype=str, compression="gzip" if gz else None, keep_default_na=False, na_values=NA_VALUES
        )
    except pd.errors.EmptyDataError as exc:
        raise EmptyInputError(f"{path.name}: the file is empty (no header line)") from exc
    except (pd.errors.ParserError, UnicodeDecodeError, EOFError, OSError) as exc:
        raise DataValidationError(f"{path.name}: not a readable CSV ({exc})") from exc
    if frame.empty:
        raise EmptyInputError(f"{path.name}: the file has a header line but no data lines")
    frame.index = pd.RangeIndex(2, len(frame) + 2)
    frame.attrs["source"] = path.name
    return frame


def _need(frame: pd.DataFrame, cols: dict[str, str], path: Path) -> None:
    missing = [f"{name} (--{option})" for option, name in cols.items() if name not in frame.columns]
    if missing:
        raise MissingColumnsError(f"{path.name}: no column {', '.join(missing)}; it has {list(frame.columns)[:20]}")


def read_inputs(
    history: Path,
    calendar: Path,
    id_col: str,
    date_col: str,
    value_col: str,
    open_col: str | None,
    *,
    nonnegative: bool = False,
) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """Long-format history and horizon calendar; regressors are the calendar columns the history has too.

    History columns absent from the calendar are ignored. The horizon is the calendar dates after the
    history's last date; its number of steps is in `calendar.attrs["horizon"]`. Negative values are
    valid (returns) unless `nonnegative`."""
    hist, cal = read_csv(history), read_csv(calendar)
    keys = {"id-col": id_col, "date-col": date_col}
    _need(hist, {**keys, "value-col": value_col, **({"open-col": open_col} if open_col else {})}, history)
    _need(cal, keys, calendar)
    skip = {id_col, date_col, value_col, open_col}
    regressors = [c for c in cal.columns if c in hist.columns and c not in skip]
    names = {id_col: ID, date_col: DS, value_col: Y, **({open_col: OPEN} if open_col else {})}
    hist_cols = [id_col, date_col, value_col, *regressors] + ([open_col] if open_col else [])
    cal_cols = [id_col, date_col, *regressors] + ([open_col] if open_col and open_col in cal.columns else [])
    hist_df = hist[hist_cols].rename(columns=names)
    cal_df = cal[cal_cols].rename(columns=names)
    users = {ours: theirs for theirs, ours in names.items() if theirs}
    hist_df.attrs = {"source": history.name, "names": users}
    cal_df.attrs = {"source": calendar.name, "names": users}
    if nonnegative:
        check_nonnegative(hist_df)
    end = parse_dates(hist_df[DS], f"{history.name} column {date_col!r}", "lines").max()
    future_dates = parse_dates(cal_df[DS], f"{calendar.name} column {date_col!r}", "lines")
    horizon = int(future_dates[future_dates > end].nunique())
    if horizon == 0:
        raise DataValidationError(
            f"{calendar.name}: no dates after the history's last date {end.date()} (the calendar holds "
            f"{future_dates.min().date()}..{future_dates.max().date()}); the calendar lists the dates to forecast"
        )
    cal_df.attrs["horizon"] = horizon
    return hist_df, cal_df, regressors


def _promo_days(cal: pd.DataFrame, sid: str) -> list[pd.Timestamp]:
    cols = [c for c in cal.columns if "promo" in c.lower()]
    rows = cal.loc[cal[ID] == sid]
    if not cols or rows.empty:
        return []
    on = rows[cols].apply(pd.to_numeric, errors="coerce").fillna(0).gt(0).any(axis=1)
    return list(pd.to_datetime(rows.loc[on, DS]))


def write_plots(
    folder: Path, history: pd.DataFrame, forecast: pd.DataFrame, calendar: pd.DataFrame, lang: str = "en"
) -> int:
    """One `<series>.png` fan chart per series in `lang` (written atomically); returns how many."""
    from forecasting.plot import fan_chart

    folder.mkdir(parents=True, exist_ok=True)
    hist = history.assign(**{Y: pd.to_numeric(history[Y], errors="coerce")})
    count = 0
    for sid, fc in forecast.groupby(ID, sort=True):
        png = fan_chart(hist, fc, unique_id=str(sid), promo_days=_promo_days(calendar, str(sid)), lang=lang)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", str(sid)) or "series"
        tmp = folder / f".{name}.png.tmp"
        tmp.write_bytes(png)
        tmp.replace(folder / f"{name}.png")
        count += 1
    return count
