"""The calendar keeps itself ahead on a fresh install: the catalogue is seeded, periods exist through next
quarter, and a second run changes nothing."""

from datetime import date

from sqlalchemy import select, update

from core.clock import Clock, parse_pin, zone
from core.db import session_scope
from core.tables import AuditEvent, Indicator, Period
from kpi import periods as cal
from tests.conftest import fresh_db_url
from workflows.goals.calendar import run_calendar
from workflows.goals.catalogue import live_catalogue, seed_rows


def test_a_fresh_install_gets_its_catalogue_and_periods(tmp_path) -> None:
    from core.migrate import upgrade

    url = fresh_db_url("sqlite", tmp_path, "fresh")
    upgrade(url)
    tz = zone("Asia/Shanghai")
    clock = Clock(tz=tz, pinned=parse_pin("2027-11-20", tz))
    run = run_calendar(url, clock)
    assert run.today == date(2027, 11, 20) and run.assignments_rolled == 0
    assert sorted(run.indicators_seeded) == sorted(r["code"] for r in seed_rows())
    expected = {"2027-10", "2027-11", "2027-12", "2028-01", "2028-02", "2028-03", "2027-Q4", "2028-Q1", "2027", "2028"}
    assert set(run.periods_created) == expected
    with session_scope(url) as s:
        q1 = s.execute(select(Period).where(Period.code == "2028-Q1")).scalar_one()
        assert (q1.start_date, q1.end_date, q1.name_zh) == (date(2028, 1, 1), date(2028, 3, 31), "2028年第1季度")
        assert s.execute(select(AuditEvent).where(AuditEvent.action == "housekeeping")).scalars().first()
        # HR renames an indicator: the next run keeps HR's name, and drafts see it.
        s.execute(update(Indicator).where(Indicator.code == "gmv").values(name_zh="全渠道成交额"))
    again = run_calendar(url, clock)
    assert again.periods_created == [] and again.indicators_seeded == [] and again.assignments_rolled == 0
    with session_scope(url, write=False) as s:
        gmv = next(i for i in live_catalogue(s) if i.code == "gmv")
    assert gmv.name_zh == "全渠道成交额" and "ops" in gmv.departments  # the file still says who uses it
    assert cal.next_quarter_end(date(2027, 11, 20)) == date(2028, 3, 31)
