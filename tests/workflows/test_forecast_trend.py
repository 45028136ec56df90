"""Forecast jobs follow a growing shop's trend: next quarter's base is above last year's same quarter.

The demo shops grow 8% to 45% a year. An earlier version put the 2027-Q1 bases at -9% to +2% year on year
against +11% to +24% growth in the same shops (a base below last year's quarter for a shop that grows every
month). The job runs here as it does for a user: stored sales of the last three years, the built-in
calendar with 年货节 and the Spring Festival pause, model choice from backtests, then the ranges.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.clock import get_clock
from core.db import session_scope
from core.tables import ForecastJob, Period, SalesDaily, Shop, TargetRange, User
from workflows.forecasts import flows
from workflows.forecasts.schemas import ForecastCreate
from workflows.org.users import caller_for


def _next_quarter(session: Session) -> Period:
    today = get_clock().today()
    return session.execute(
        select(Period).where(Period.kind == "quarter", Period.start_date > today).order_by(Period.start_date).limit(1)
    ).scalar_one()


def _sales(session, shop_id: int, start: date, end: date) -> float:
    total = session.execute(
        select(func.sum(SalesDaily.sales)).where(
            SalesDaily.shop_id == shop_id, SalesDaily.ds >= start, SalesDaily.ds <= end
        )
    ).scalar()
    return float(total or 0.0)


@pytest.fixture(scope="module")
def quarter_job(demo_url: str) -> int:
    """A forecast of the next quarter for every shop, requested by HR and run to the end."""
    with session_scope(demo_url) as s:
        hr = s.execute(select(User.id).where(User.role == "hr", User.active).limit(1)).scalar_one()
        period = _next_quarter(s)
        job = flows.request_forecast(s, caller_for(s, hr), ForecastCreate(period_id=period.id))
        s.flush()
        job_id = job.id
    flows.run_job(demo_url, job_id)
    return job_id


def test_next_quarter_base_follows_a_growing_shops_trend(demo_url: str, quarter_job: int) -> None:
    with session_scope(demo_url, write=False) as s:
        job = s.get(ForecastJob, quarter_job)
        assert job is not None and job.status == "done", job and job.message
        period = s.get(Period, job.period_id)
        assert period is not None
        last = s.execute(select(func.max(SalesDaily.ds))).scalar_one()
        start, end = period.start_date, period.end_date
        year_ago = (start.replace(year=start.year - 1), end.replace(year=end.year - 1))
        checked = {}
        for r in s.execute(select(TargetRange).where(TargetRange.job_id == quarter_job)).scalars():
            shop = s.get(Shop, r.shop_id)
            assert shop is not None
            recent = _sales(s, shop.id, last - timedelta(days=364), last)
            before = _sales(s, shop.id, last - timedelta(days=729), last - timedelta(days=365))
            growth = recent / before - 1
            yoy = r.base / _sales(s, shop.id, *year_ago) - 1
            checked[shop.code] = (round(growth, 3), round(yoy, 3))
            assert r.conservative < r.base < r.stretch, (shop.code, r.conservative, r.base, r.stretch)
            if growth > 0.05:
                # A growing shop: its base is above last year's quarter and within 10 points of its growth
                # (the old bases were 13 to 33 points below it, most of them below last year's quarter).
                assert yoy > 0 and yoy >= growth - 0.10, (shop.code, f"growth {growth:+.1%}, base {yoy:+.1%} yoy")
    assert len(checked) == 4 and sum(g > 0.05 for g, _ in checked.values()) >= 3, checked
