"""Read side of pay (scores and grades: workflows.results): key multipliers, outcomes, ratings, pool history."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.errors import NotFound, coded
from core.tables import (
    BonusAllocation,
    BonusPool,
    Department,
    DepartmentOutcome,
    Employee,
    Period,
    Position,
    PositionInventory,
    Rating,
)
from kpi.pay import PoolRecord, stage_policy
from kpi.pay import Rating as RatingIn
from kpi.periods import quarter_code


def period_or_404(session: Session, period_id: int) -> Period:
    """The period, or NotFound."""
    period = session.get(Period, period_id)
    if period is None:
        raise coded(NotFound(f"Period {period_id} not found."), "not_found", thing="period")
    return period


def inventory_for(session: Session, period: Period, campaign: str) -> PositionInventory | None:
    """The inventory of the period's quarter and campaign season, else of the quarter without a campaign."""
    quarter = quarter_code(period.start_date)
    for c in dict.fromkeys([campaign, ""]):
        found = session.execute(
            select(PositionInventory).where(PositionInventory.quarter == quarter, PositionInventory.campaign == c)
        ).scalar_one_or_none()
        if found is not None:
            return found
    return None


def key_multipliers(session: Session, period: Period, campaign: str) -> dict[int, tuple[str, float, str]]:
    """(class, bonus multiplier, source) per employee: the inventory's class, else the position's stored class."""
    inv = inventory_for(session, period, campaign)
    by_position: dict[int, tuple[str, float]] = {}
    source = "position.key_class (no inventory for the quarter)"
    if inv is not None:
        source = f"inventory {inv.quarter}{'/' + inv.campaign if inv.campaign else ''} ({inv.stage})"
        for item in inv.items:
            by_position[int(item["position_id"])] = (item["key_class"], float(item["policy"]["bonus_multiplier"]))
    stage = inv.stage if inv is not None else "mature"
    classes = dict(session.execute(select(Position.id, Position.key_class)).all())
    out = {}
    for emp_id, pos_id in session.execute(select(Employee.id, Employee.position_id)):
        if pos_id in by_position:
            cls, mult = by_position[pos_id]
        else:
            cls = classes.get(pos_id, "C") if pos_id is not None else "C"
            cls = cls if cls in ("A", "B", "C") else "C"
            mult = stage_policy(stage, cls).bonus_multiplier
        out[emp_id] = (cls, mult, source)
    return out


def department_outcomes(session: Session, period: Period) -> dict[str, float]:
    """Business outcome (index, 100 = target) per department code: the period's own, else the mean of the
    months inside it."""
    rows = session.execute(
        select(Department.code, DepartmentOutcome.value, Period.id)
        .join(Department, Department.id == DepartmentOutcome.department_id)
        .join(Period, Period.id == DepartmentOutcome.period_id)
        .where(Period.start_date >= period.start_date, Period.end_date <= period.end_date)
    ).all()
    own = {code: v for code, v, pid in rows if pid == period.id}
    if own:
        return own
    parts: dict[str, list[float]] = defaultdict(list)
    for code, v, _ in rows:
        parts[code].append(v)
    return {code: sum(vs) / len(vs) for code, vs in parts.items()}


def ratings_for(session: Session, period_id: int) -> list[RatingIn]:
    """Every rating of the period in kpi's form: ratee id, kind, value, the ratee's manager id (as text)."""
    managers = dict(session.execute(select(Employee.id, Employee.manager_id)).all())
    rows = session.execute(select(Rating.ratee_id, Rating.kind, Rating.score).where(Rating.period_id == period_id))
    return [
        RatingIn(str(ratee), kind, float(score), str(managers[ratee]) if managers.get(ratee) else None)
        for ratee, kind, score in rows
    ]


def pool_history(session: Session, until: Period) -> list[PoolRecord]:
    """Earlier pools with an approved allocation: amount, paid to people, company outcome."""
    rows = session.execute(
        select(Period.start_date, BonusPool.amount_fen, BonusAllocation.retained_fen, BonusAllocation.company_outcome)
        .join(BonusPool, BonusPool.id == BonusAllocation.pool_id)
        .join(Period, Period.id == BonusPool.period_id)
        .where(BonusAllocation.status == "approved", Period.start_date < until.start_date)
    ).all()
    return [
        PoolRecord(start.isoformat(), amount, amount - retained, outcome) for start, amount, retained, outcome in rows
    ]


def department_heads(session: Session) -> dict[str, int]:
    """Department code -> its head: the member whose manager sits outside the department (or who has none)."""
    emps = list(session.execute(select(Employee.id, Employee.department_id, Employee.manager_id)).all())
    dept_of = {e: d for e, d, _ in emps}
    codes = dict(session.execute(select(Department.id, Department.code)).all())
    heads: dict[str, int] = {}
    for emp, dept, mgr in sorted(emps):
        if mgr is None or dept_of.get(mgr) != dept:
            heads.setdefault(codes[dept], emp)
    return heads
