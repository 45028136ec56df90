"""Counterfactual on the stored demo company: swapping names and genders changes no amount of the pool."""

from sqlalchemy import select

from core.db import session_scope
from core.tables import BonusPool, Employee, Period
from workflows.pay import pools


def _amounts(url: str) -> dict[str, int]:
    with session_scope(url, write=False) as s:
        pool = s.execute(select(BonusPool)).scalars().one()
        period = s.get(Period, pool.period_id)
        assert period is not None
        result, _, _, _ = pools.compute(s, pool, period)
        assert result.total_fen() == pool.amount_fen
        return {x.person: x.amount_fen for x in result.lines}


def test_swapping_names_and_genders_changes_no_amount(demo_url: str) -> None:
    before = _amounts(demo_url)
    with session_scope(demo_url) as s:
        emps = list(s.execute(select(Employee).order_by(Employee.id)).scalars())
        names = [(e.name_zh, e.name_en) for e in emps]
        for e, (zh, en) in zip(emps, names[1:] + names[:1], strict=True):
            e.name_zh, e.name_en = zh, en
            e.gender = {"female": "male", "male": "female"}.get(e.gender or "", e.gender)
    after = _amounts(demo_url)
    assert after == before and len(before) > 100
