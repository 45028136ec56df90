"""Demo step for pay: a position inventory for the running quarter (and 双11), ratings of the last closed
month and a company bonus pool for it, proposed through the service's own use cases."""

from __future__ import annotations

import random

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.tables import Employee, Period, Position, Rating
from demo.company import DemoCompany
from kpi.periods import add_months, quarter_code
from workflows.pay import inventory, pools
from workflows.pay.schemas import InventoryCreate, PoolCreate, PositionRating

# (relevance, scarcity, measurability) per stored key class: A relevant and measurable, B hard to measure.
PROFILE = {"A": (5.0, 4.0, 4.5), "B": (5.0, 4.0, 2.5), "C": (3.0, 2.5, 4.0)}
DEMO_POOL_FEN = 22_345_678  # 223,456.78 yuan: an amount that does not split evenly, to show the rounding
RATED_DEPARTMENTS = ("ops", "design", "cs")
# Planted for the second review: this team lead rates their people well above how they, their peers and other
# departments see them, so the demo pool has a `manager_divergence` item waiting for the lead's manager or HR.
GENEROUS_LEAD_POSITION = "design_team_lead"


def last_closed_month(demo: DemoCompany) -> str:
    """The code of the month before the demo's running month."""
    first = add_months(demo.today, -1)
    return f"{first.year:04d}-{first.month:02d}"


def load_demo_pay(session: Session, demo: DemoCompany) -> None:
    """Demo step: inventories (quarter, and 双11 when in Q4), ratings and a pool for the last closed month."""
    ratings = [
        PositionRating(position_id=pid, relevance=r, scarcity=s, measurability=m)
        for pid, cls in session.execute(select(Position.id, Position.key_class).order_by(Position.id))
        for r, s, m in [PROFILE.get(cls, PROFILE["C"])]
    ]
    quarter = quarter_code(demo.today)
    inventory.create_inventory(session, None, InventoryCreate(quarter=quarter, stage="expansion", positions=ratings))
    if quarter.endswith("Q4"):
        inventory.create_inventory(
            session, None, InventoryCreate(quarter=quarter, campaign="double11", stage="expansion", positions=ratings)
        )
    period = session.execute(select(Period).where(Period.code == last_closed_month(demo))).scalar_one()
    _ratings(session, period.id, random.Random(demo.seed))
    pools.create_pool(session, None, PoolCreate(period_id=period.id, amount_fen=DEMO_POOL_FEN))


def _ratings(session: Session, period_id: int, rng: random.Random) -> None:
    """Self, peer, cross-department and manager ratings for three departments (1-5, in half points)."""
    from core.tables import Department

    emps = list(
        session.execute(
            select(Employee.id, Employee.manager_id, Department.code)
            .join(Department, Department.id == Employee.department_id)
            .order_by(Employee.id)
        ).all()
    )
    generous = session.execute(
        select(Employee.id)
        .join(Position, Position.id == Employee.position_id)
        .where(Position.code == GENEROUS_LEAD_POSITION)
        .order_by(Employee.id)
        .limit(1)
    ).scalar_one_or_none()
    others = [e for e, _, d in emps if d not in RATED_DEPARTMENTS]
    rows: list[Rating] = []
    for emp, mgr, dept in emps:
        if dept not in RATED_DEPARTMENTS or mgr is None:
            continue
        base = rng.choice([3.0, 3.5]) if mgr == generous else rng.choice([3.0, 3.5, 4.0])
        peers = [e for e, _, d in emps if d == dept and e != emp]

        def half(x: float) -> float:
            return min(5.0, max(1.0, round(x * 2) / 2))

        rows.append(Rating(period_id=period_id, ratee_id=emp, rater_id=emp, kind="self", score=half(base + 0.5)))
        bump = 1.5 if mgr == generous else 0.0
        rows.append(Rating(period_id=period_id, ratee_id=emp, rater_id=mgr, kind="manager", score=half(base + bump)))
        for rater in rng.sample(peers, k=min(3, len(peers))):
            if rater != mgr:
                rows.append(
                    Rating(
                        period_id=period_id,
                        ratee_id=emp,
                        rater_id=rater,
                        kind="peer",
                        score=half(base + rng.choice([-0.5, 0.0, 0.5])),
                    )
                )
        for rater in rng.sample(others, k=3):
            rows.append(
                Rating(
                    period_id=period_id,
                    ratee_id=emp,
                    rater_id=rater,
                    kind="cross",
                    score=half(base + rng.choice([-0.5, 0.0, 0.5])),
                )
            )
    session.add_all(rows)
    session.flush()
