"""Built-in Chinese e-commerce calendar and merging it with a shop's own events and calendar columns.

`cn_ecommerce_calendar(start, end)` returns one row per day with the platform event running that day
(年货节, Spring Festival logistics pause, 3.8, 618, 99, 双11, 双12), its phase (presale / peak / tail),
a heuristic `promo_intensity` in [0, 1] and a `logistics_pause` flag. The windows are the usual platform
rhythm (Tmall/JD announce exact dates each year; these are the typical ones) and are meant as features
for the forecasters, not as an authoritative schedule. A shop's own campaigns and any calendar columns
a user supplies are added with `combine_calendars`.

promo_intensity heuristic (documented so users can reason about it):
    intensity = EVENT_WEIGHT[event] * PHASE_FACTOR[phase]
with the main day(s) of an event getting factor 1.0 ("peak" days before the main day 0.75), presale
0.4 and tail 0.3. Event weights rank the events by the size of their sales spike in Chinese e-commerce
reporting: 双11 1.0, 618 0.85, 年货节 0.6, 双12 0.6, 99 0.5, 3.8 0.45. The logistics pause has intensity 0.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TypeAlias

import numpy as np
import pandas as pd

from forecasting.errors import CalendarError

# First day of the lunar new year (正月初一), Gregorian dates. Source: Hong Kong Observatory
# "Gregorian-Lunar Calendar Conversion Table" (https://www.hko.gov.hk/en/gts/time/conversion.htm),
# cross-checked against the `lunardate` package (LunarDate(y, 1, 1)) for 2013-2035.
_LNY_ISO = (
    "2013-02-10 2014-01-31 2015-02-19 2016-02-08 2017-01-28 2018-02-16 2019-02-05 2020-01-25 "
    "2021-02-12 2022-02-01 2023-01-22 2024-02-10 2025-01-29 2026-02-17 2027-02-06 2028-01-26 "
    "2029-02-13 2030-02-03 2031-01-23 2032-02-11 2033-01-31 2034-02-19 2035-02-08"
)
LUNAR_NEW_YEAR: dict[int, date] = {d.year: d for d in map(date.fromisoformat, _LNY_ISO.split())}

EVENTS = ("nianhuo", "spring_festival_pause", "women_day", "618", "99", "double11", "double12")
EVENT_WEIGHT: dict[str, float] = {
    "double11": 1.0,
    "618": 0.85,
    "nianhuo": 0.6,
    "double12": 0.6,
    "99": 0.5,
    "women_day": 0.45,
    "spring_festival_pause": 0.0,
}
PHASE_FACTOR: dict[str, float] = {"presale": 0.4, "peak": 0.75, "main": 1.0, "tail": 0.3}

# Spring Festival: couriers stop roughly a week before the new year and restart about a week after
# (腊月二十三 .. 正月初八 in most years); 年货节 runs in the three weeks before the stop.
PAUSE_BEFORE, PAUSE_AFTER = 7, 7
NIANHUO_DAYS = 21


@dataclass(frozen=True)
class _Window:
    event: str
    phase: str  # presale / peak / main / tail / pause
    start: date
    end: date


def _fixed_windows(year: int) -> list[_Window]:
    """Windows of the events with fixed Gregorian dates in one year."""
    d = date
    return [
        _Window("women_day", "presale", d(year, 3, 1), d(year, 3, 5)),
        _Window("women_day", "peak", d(year, 3, 6), d(year, 3, 7)),
        _Window("women_day", "main", d(year, 3, 8), d(year, 3, 8)),
        _Window("women_day", "tail", d(year, 3, 9), d(year, 3, 10)),
        _Window("618", "presale", d(year, 5, 24), d(year, 5, 31)),
        _Window("618", "peak", d(year, 6, 1), d(year, 6, 15)),
        _Window("618", "main", d(year, 6, 16), d(year, 6, 18)),
        _Window("618", "tail", d(year, 6, 19), d(year, 6, 20)),
        _Window("99", "presale", d(year, 9, 1), d(year, 9, 5)),
        _Window("99", "peak", d(year, 9, 6), d(year, 9, 8)),
        _Window("99", "main", d(year, 9, 9), d(year, 9, 9)),
        _Window("99", "tail", d(year, 9, 10), d(year, 9, 10)),
        _Window("double11", "presale", d(year, 10, 20), d(year, 10, 31)),
        _Window("double11", "peak", d(year, 11, 1), d(year, 11, 10)),
        _Window("double11", "main", d(year, 11, 11), d(year, 11, 11)),
        _Window("double11", "tail", d(year, 11, 12), d(year, 11, 13)),
        _Window("double12", "presale", d(year, 12, 1), d(year, 12, 7)),
        _Window("double12", "peak", d(year, 12, 8), d(year, 12, 11)),
        _Window("double12", "main", d(year, 12, 12), d(year, 12, 12)),
        _Window("double12", "tail", d(year, 12, 13), d(year, 12, 13)),
    ]


def _spring_windows(year: int) -> list[_Window]:
    """年货节 and the logistics pause around the lunar new year of `year`."""
    if year not in LUNAR_NEW_YEAR:
        lo, hi = min(LUNAR_NEW_YEAR), max(LUNAR_NEW_YEAR)
        raise CalendarError(f"lunar new year of {year} is not in the table ({lo}-{hi}); extend LUNAR_NEW_YEAR")
    cny = LUNAR_NEW_YEAR[year]
    pause_start = cny - timedelta(days=PAUSE_BEFORE)
    nh_start = pause_start - timedelta(days=NIANHUO_DAYS)
    day = timedelta(days=1)
    return [
        _Window("nianhuo", "presale", nh_start, nh_start + 4 * day),
        _Window("nianhuo", "peak", nh_start + 5 * day, pause_start - 4 * day),
        _Window("nianhuo", "main", pause_start - 3 * day, pause_start - 2 * day),
        _Window("nianhuo", "tail", pause_start - day, pause_start - day),
        _Window("spring_festival_pause", "pause", pause_start, cny + timedelta(days=PAUSE_AFTER)),
    ]


def _to_date(value: date | str | pd.Timestamp, name: str) -> date:
    try:
        ts = pd.Timestamp(value)
    except (ValueError, TypeError) as exc:
        raise CalendarError(f"{name}={value!r} is not a date (use YYYY-MM-DD)") from exc
    if pd.isna(ts):
        raise CalendarError(f"{name} is missing")
    day: date = ts.date()
    return day


def cn_ecommerce_calendar(start: date | str, end: date | str) -> pd.DataFrame:
    """One row per day in [start, end]: ds, event, phase, promo_intensity, logistics_pause."""
    d0, d1 = _to_date(start, "start"), _to_date(end, "end")
    if d1 < d0:
        raise CalendarError(f"end {d1} is before start {d0}")
    ds = pd.date_range(d0, d1, freq="D")
    n = len(ds)
    event = np.full(n, None, dtype=object)
    phase = np.full(n, None, dtype=object)
    intensity = np.zeros(n)
    pause = np.zeros(n, dtype=bool)
    # Windows of the year before and after too: 年货节 can start in December of the previous year.
    for year in range(d0.year, d1.year + 2):
        windows = _fixed_windows(year)
        if year in LUNAR_NEW_YEAR or d0.year <= year <= d1.year:
            windows += _spring_windows(year)
        for w in windows:
            i0 = (pd.Timestamp(w.start) - ds[0]).days
            i1 = (pd.Timestamp(w.end) - ds[0]).days
            lo, hi = max(i0, 0), min(i1, n - 1)
            if lo > hi:
                continue
            event[lo : hi + 1] = w.event
            phase[lo : hi + 1] = "peak" if w.phase == "main" else (None if w.phase == "pause" else w.phase)
            intensity[lo : hi + 1] = EVENT_WEIGHT[w.event] * PHASE_FACTOR.get(w.phase, 0.0)
            pause[lo : hi + 1] = w.phase == "pause"
    return pd.DataFrame(
        {"ds": ds, "event": event, "phase": phase, "promo_intensity": intensity, "logistics_pause": pause}
    )


ShopEvents: TypeAlias = pd.DataFrame | Iterable[Mapping[str, object]] | Iterable[tuple[object, ...]]


def _shop_events_frame(shop_events: ShopEvents | None) -> pd.DataFrame:
    """Normalise the shop's events to a frame with name, start, end, intensity."""
    cols = ["name", "start", "end", "intensity"]
    if shop_events is None:
        return pd.DataFrame(columns=cols)
    if isinstance(shop_events, pd.DataFrame):
        frame = shop_events.copy()
    else:
        items = list(shop_events)
        if items and not isinstance(items[0], Mapping):  # (name, start, end[, intensity]) tuples
            items = [dict(zip(cols, item, strict=False)) for item in items]
        frame = pd.DataFrame(items)
    missing = {"name", "start", "end"} - set(frame.columns)
    if missing:
        raise CalendarError(f"shop events need columns name, start, end; missing {sorted(missing)}")
    for col in ("start", "end"):
        parsed = pd.to_datetime(frame[col], errors="coerce")
        bad = frame.index[parsed.isna()].tolist()
        if bad:
            raise CalendarError(f"shop events rows {bad[:10]}: unparseable {col}")
        frame[col] = parsed.dt.normalize()
    bad = frame.index[frame["end"] < frame["start"]].tolist()
    if bad:
        raise CalendarError(f"shop events rows {bad[:10]}: end before start")
    if "intensity" not in frame.columns:
        frame["intensity"] = 1.0
    frame["intensity"] = frame["intensity"].fillna(1.0).astype(float).clip(0.0, 1.0)
    return frame[cols]


def combine_calendars(
    base: pd.DataFrame,
    shop_events: ShopEvents | None = None,
    user_cols: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Add the shop's own campaigns and user calendar columns to a calendar from `cn_ecommerce_calendar`.

    - `shop_events`: a frame, dicts or `(name, start, end[, intensity])` tuples; dates inclusive,
      `intensity` in [0, 1] (default 1.0). Adds `shop_event` (the name; the latest-starting event wins
      on overlap) and raises `promo_intensity` to at least the shop event's intensity on those days.
    - `user_cols`: a frame with `ds` (and optionally `unique_id`) plus any columns; merged on `ds`
      (or on `unique_id, ds`, which makes the result one row per series and day). Column names that
      clash with the base calendar are an error rather than a silent overwrite.
    """
    out = base.copy()
    out["ds"] = pd.to_datetime(out["ds"]).dt.normalize()
    events = _shop_events_frame(shop_events).sort_values("start", kind="stable")
    out["shop_event"] = pd.Series([None] * len(out), index=out.index, dtype=object)
    for ev in events.itertuples(index=False):
        mask = (out["ds"] >= ev.start) & (out["ds"] <= ev.end)
        out.loc[mask, "shop_event"] = str(ev.name)
        out.loc[mask, "promo_intensity"] = np.maximum(out.loc[mask, "promo_intensity"], ev.intensity)
    if user_cols is None:
        return out
    if "ds" not in user_cols.columns:
        raise CalendarError("user calendar columns need a `ds` column")
    user = user_cols.copy()
    parsed = pd.to_datetime(user["ds"], errors="coerce")
    bad = user.index[parsed.isna()].tolist()
    if bad:
        raise CalendarError(f"user calendar rows {bad[:10]}: unparseable ds")
    user["ds"] = parsed.dt.normalize()
    keys = ["unique_id", "ds"] if "unique_id" in user.columns else ["ds"]
    clash = (set(user.columns) - set(keys)) & set(out.columns)
    if clash:
        raise CalendarError(f"user calendar columns {sorted(clash)} clash with the built-in calendar; rename them")
    dup = user.duplicated(keys, keep=False)
    if dup.any():
        raise CalendarError(f"user calendar rows {user.index[dup].tolist()[:10]}: duplicate {'/'.join(keys)}")
    if "unique_id" in keys:
        out = out.merge(pd.DataFrame({"unique_id": user["unique_id"].unique()}), how="cross")
    merged = out.merge(user, on=keys, how="left")
    return merged.sort_values(keys).reset_index(drop=True)


EVENT_NAMES = {
    "zh": {
        "nianhuo": "年货节",
        "spring_festival_pause": "春节物流暂停",
        "women_day": "3.8 女王节",
        "618": "618",
        "99": "99 大促",
        "double11": "双11",
        "double12": "双12",
    },
    "en": {
        "nianhuo": "New Year goods fair",
        "spring_festival_pause": "Spring Festival pause",
        "women_day": "Women's Day 3.8",
        "618": "618",
        "99": "99 sale",
        "double11": "Singles' Day 11.11",
        "double12": "Double 12",
    },
}


def promotion_spans(cal: pd.DataFrame, lang: str = "zh") -> list[tuple[str, date, date]]:
    """(name, first day, last day) of each run of one event (platform event, else the shop's own) in a
    frame from `combine_calendars`, platform events named in `lang`; for labelling charts."""
    names = EVENT_NAMES.get(lang, EVENT_NAMES["en"])
    platform = cal["event"].map(lambda e: names.get(str(e), str(e)) if isinstance(e, str) else None)
    own = cal["shop_event"] if "shop_event" in cal.columns else pd.Series(None, index=cal.index)
    label = platform.where(platform.notna(), own).fillna("").astype(str).to_numpy(dtype=object)
    change = np.flatnonzero(np.r_[True, label[1:] != label[:-1]])
    ends = np.r_[change[1:] - 1, len(label) - 1]
    days = pd.to_datetime(cal["ds"]).dt.date.to_numpy()
    return [(str(label[a]), days[a], days[b]) for a, b in zip(change, ends, strict=True) if label[a]]
