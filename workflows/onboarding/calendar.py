"""The company's promotion calendar: the built-in platform events (as corrected by the company) and its own
campaigns. Forecasts, fan charts, target ranges and early warnings read exactly this calendar."""

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from core.tables import PromoEvent
from forecasting.calendar import EVENT_NAMES, EVENT_WEIGHT, cn_ecommerce_calendar, combine_calendars

OWN_DEFAULT_INTENSITY = 1.0  # an own campaign without a stated intensity counts as a full promotion day


@dataclass(frozen=True)
class BuiltinEvent:
    """One built-in platform event of a year: `key` is `event:year`, e.g. `double11:2026`."""

    key: str
    event: str
    start: date
    end: date


def builtin_events(year: int) -> list[BuiltinEvent]:
    """The built-in platform events whose last day falls in `year` (年货节 may start the December before)."""
    cal = cn_ecommerce_calendar(date(year - 1, 12, 1), date(year, 12, 31))
    label = cal["event"].fillna("")
    runs = (label != label.shift()).cumsum()
    out = []
    for _, run in cal[label != ""].groupby(runs[label != ""]):
        first, last = run["ds"].iloc[0].date(), run["ds"].iloc[-1].date()
        if last.year == year:
            event = str(run["event"].iloc[0])
            out.append(BuiltinEvent(f"{event}:{year}", event, first, last))
    return out


def builtin_name(event: str, lang: str = "zh") -> str:
    """A built-in event's display name."""
    return EVENT_NAMES.get(lang, EVENT_NAMES["en"]).get(event, event)


def split_key(key: str) -> tuple[str, int] | None:
    """(event, year) of a built-in key, or None when it names no built-in event."""
    event, _, year = key.partition(":")
    if event not in EVENT_WEIGHT or not year.isdigit() or not 2013 <= int(year) <= 2035:
        return None
    return event, int(year)


def _apply_correction(cal: pd.DataFrame, row: PromoEvent) -> None:
    """Move a built-in event of one year to the dates the company gave (in place)."""
    parsed = split_key(row.builtin_key or "")
    if parsed is None:
        return
    event, year = parsed
    for old in builtin_events(year):
        if old.event == event:
            gone = (cal["ds"] >= pd.Timestamp(old.start)) & (cal["ds"] <= pd.Timestamp(old.end))
            cal.loc[gone, ["event", "phase"]] = None
            cal.loc[gone, "promo_intensity"] = 0.0
            cal.loc[gone, "logistics_pause"] = False
    new = (cal["ds"] >= pd.Timestamp(row.start_date)) & (cal["ds"] <= pd.Timestamp(row.end_date))
    cal.loc[new, "event"] = event
    cal.loc[new, "phase"] = "peak"
    cal.loc[new, "promo_intensity"] = row.intensity if row.intensity is not None else EVENT_WEIGHT[event]
    cal.loc[new, "logistics_pause"] = event == "spring_festival_pause"


def shop_events(session: Session, shop_id: int) -> list[PromoEvent]:
    """The calendar rows that apply to one shop: its own and the company-wide ones."""
    stmt = select(PromoEvent).where(or_(PromoEvent.shop_id == shop_id, PromoEvent.shop_id.is_(None)))
    return list(session.execute(stmt.order_by(PromoEvent.start_date, PromoEvent.id)).scalars())


def company_calendar(session: Session, shop_id: int, start: date, end: date) -> pd.DataFrame:
    """One row per day of [start, end] for a shop (see `forecasting.calendar.combine_calendars`), with the
    company's corrections of built-in events applied and its own campaigns added."""
    rows = shop_events(session, shop_id)
    # Corrections may move an event by a few weeks: build with margin, then cut to the asked days.
    cal = cn_ecommerce_calendar(start - timedelta(days=60), end + timedelta(days=60))
    cal["event"] = cal["event"].astype(object)
    cal["phase"] = cal["phase"].astype(object)
    for row in rows:
        if row.builtin_key:
            _apply_correction(cal, row)
    cal = cal[(cal["ds"] >= pd.Timestamp(start)) & (cal["ds"] <= pd.Timestamp(end))].reset_index(drop=True)
    own = [
        {
            "name": r.name,
            "start": r.start_date,
            "end": r.end_date,
            "intensity": r.intensity if r.intensity is not None else OWN_DEFAULT_INTENSITY,
        }
        for r in rows
        if not r.builtin_key
    ]
    return combine_calendars(cal, own or None)  # an empty list is not a frame of events
