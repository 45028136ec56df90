"""The demo's review cycles (`kpilot demo`): the month before last locked (period read-only, results stored), last
month's cycle at the manager review, where `employee` has a self-assessment to write and `manager` reviews."""

from pathlib import Path

from sqlalchemy import select

from core.clock import Clock, parse_pin, zone
from core.db import session_scope
from core.migrate import upgrade
from core.tables import CycleItem, Period, PeriodResult, ReviewCycleRow, User
from demo.load import load_demo_company


def test_demo_holds_a_locked_cycle_and_one_in_progress(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    upgrade(url)
    tz = zone("Asia/Shanghai")
    clock = Clock(tz=tz, pinned=parse_pin("2026-11-18", tz))
    assert load_demo_company(url, seed=3, clock=clock, n_employees=30, review_cycles=True)
    with session_scope(url, write=False, clock=clock) as s:
        cycles = {c.stage: c for c in s.execute(select(ReviewCycleRow)).scalars()}
        assert set(cycles) == {"locked", "manager_review"}
        locked = s.get(Period, cycles["locked"].period_id)
        assert locked is not None and locked.code == "2026-09" and locked.locked_at is not None
        assert s.execute(select(PeriodResult).where(PeriodResult.period_id == locked.id)).first() is not None
        running = s.get(Period, cycles["manager_review"].period_id)
        assert running is not None and running.code == "2026-10" and running.locked_at is None
        users = dict(s.execute(select(User.username, User.employee_id)).all())
        items = list(s.execute(select(CycleItem).where(CycleItem.cycle_id == cycles["manager_review"].id)).scalars())
        mine = next(i for i in items if i.employee_id == users["employee"])
        assert mine.status == "open" and mine.extensions["self_assessment"] >= "2026-11-18"
        assert any(i.reviewer_id == users["manager"] for i in items)
