"""The promotion events a forecast used: the company's calendar (built-in platform events as it corrected them,
plus its own campaigns) over the forecast's horizon, per shop, named in both languages. Recorded when the job
reads its inputs, so the list stays what the forecast saw even if the calendar is corrected afterwards."""

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from forecasting.calendar import promotion_spans
from workflows.onboarding.calendar import company_calendar


def events_used(session: Session, shop_ids: list[int], start: date, end: date) -> list[dict[str, Any]]:
    """[{shop_id, name_zh, name_en, start_date, end_date}] of each event run in [start, end], per shop."""
    if end < start:
        return []
    out: list[dict[str, Any]] = []
    for shop_id in shop_ids:
        cal = company_calendar(session, shop_id, start, end)
        # One segmentation, two labels: a run changes where the event changes, whatever the language.
        for (zh, first, last), (en, _, _) in zip(promotion_spans(cal, "zh"), promotion_spans(cal, "en"), strict=True):
            out.append(
                {
                    "shop_id": shop_id,
                    "name_zh": zh,
                    "name_en": en,
                    "start_date": first.isoformat(),
                    "end_date": last.isoformat(),
                }
            )
    return out
