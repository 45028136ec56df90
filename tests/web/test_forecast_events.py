"""The forecast page lists the promotion events the forecast used: here the company's own campaign in the
forecast's horizon, with its shop and dates in the reader's language (no codes, ids or nulls)."""

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from core.clock import get_clock
from tests.conftest import make_settings
from tests.web.conftest import api, login


@pytest.fixture(scope="module")
def web_app(demo_url: str) -> Iterator[object]:
    """The demo company with a campaign at the end of the running month, and a short forecast history."""
    from api.app import create_app
    from core.db import session_scope
    from core.tables import Period, Shop, User
    from workflows.onboarding.promotions import create_promotion
    from workflows.onboarding.schemas import PromotionCreate
    from workflows.org.users import caller_for

    today = get_clock().today()
    with session_scope(demo_url) as s:
        month = s.execute(
            select(Period).where(Period.kind == "month", Period.start_date <= today, Period.end_date >= today)
        ).scalar_one()
        shop = s.execute(select(Shop).order_by(Shop.id)).scalars().first()
        hr = s.execute(select(User).where(User.username == "hr")).scalar_one()
        assert shop is not None
        start = month.end_date - timedelta(days=2)
        body = PromotionCreate(name="会员日", shop_id=shop.id, start_date=start, end_date=month.end_date)
        create_promotion(s, caller_for(s, hr.id), body)
    yield create_app(
        make_settings(demo_url, housekeeping_interval_s=0, draft_forecast=False, forecast_history_days=120)
    )


def test_the_forecast_page_names_the_events_used(page, screenshots: Path) -> None:
    login(page, "hr")
    today = get_clock().today().isoformat()
    month = next(
        p
        for p in api(page, "/periods?limit=100")["data"]
        if p["kind"] == "month" and p["start_date"] <= today <= p["end_date"]
    )
    shop = api(page, "/shops?limit=200")["data"][0]
    page.goto("/#/forecasts")
    page.wait_for_selector("#fc-start")
    page.select_option("#fc-period", str(month["id"]))
    page.select_option("#fc-shop", str(shop["id"]))
    page.click("#fc-start")
    page.wait_for_selector("#fc-events table", timeout=120_000)
    text = page.inner_text("#fc-events")
    assert "会员日" in text and shop["name_zh"] in text
    for bad in ("null", "undefined", "NaN", "shop_id", shop["code"]):
        assert bad not in text, bad
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 392
    page.screenshot(path=screenshots / "forecast-events.png", full_page=True)
