"""Pay use cases the API and CLI call: one transaction each (Idempotency-Key record inside it), audited.

Flow of a pool: HR creates it for a period -> the allocation is proposed by the documented formula
(kpi.pay.allocation) from the period's scores, outcomes and key positions -> second-review flags become review
items -> HR or the manager's manager confirms or adjusts the questioned scores (a proposed allocation is
recomputed with adjusted scores) -> HR edits amounts if needed (still summing to the pool) and approves once,
which waits while a review that questions a paid score is open -> employees read their own line.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.errors import NotFound, coded
from core.security import Caller
from core.tables import BonusAllocation, BonusPool, Period
from kpi.pay import calibrate
from workflows.pay import allocations, data, inventory, pools, ratings, reviews
from workflows.pay.schemas import (
    AllocationApprove,
    AllocationEdit,
    CalibrationPublic,
    InventoryCreate,
    InventoryPublic,
    InventoryUpdate,
    PoolCreate,
    PoolPublic,
    RatingCreate,
    RatingReceipt,
    ReviewDecision,
    ReviewPublic,
)
from workflows.results.grades import period_results
from workflows.results.store import record_results
from workflows.shared import common
from workflows.shared.period_lock import results_basis

Answer = tuple[int, dict[str, Any]]


def add_inventory(session: Session, caller: Caller, body: InventoryCreate, key: str | None) -> Answer:
    """HR classifies the positions of a quarter (and campaign season)."""
    return common.run_once(
        session,
        caller=caller,
        key=key,
        payload={"op": "inventory", **body.model_dump(mode="json")},
        produce=lambda: (201, _inv(inventory.create_inventory(session, caller, body))),
    )


@common.use_case
def change_inventory(
    session: Session, caller: Caller, inventory_id: int, body: InventoryUpdate, if_match: str | None
) -> dict[str, Any]:
    """HR re-rates positions or changes the stage (If-Match)."""
    out = _inv(inventory.update_inventory(session, caller, inventory_id, body, if_match))
    return out


def _inv(inv: Any) -> dict[str, Any]:
    return InventoryPublic.model_validate(inv).model_dump(mode="json")


def add_rating(session: Session, caller: Caller, body: RatingCreate, key: str | None) -> Answer:
    """The caller rates someone (or themselves); the answer echoes only their own rating."""

    def produce() -> Answer:
        r = ratings.rate(session, caller, body)
        return 201, RatingReceipt.model_validate(
            {"id": r.id, "period_id": r.period_id, "ratee_id": r.ratee_id, "kind": r.kind, "score": r.score}
        ).model_dump()

    return common.run_once(
        session, caller=caller, key=key, payload={"op": "rate", **body.model_dump(mode="json")}, produce=produce
    )


def add_pool(session: Session, caller: Caller, body: PoolCreate, key: str | None) -> Answer:
    """HR creates a pool: allocation proposed and review items raised in the same transaction."""

    def produce() -> Answer:
        pool, allocation, items = pools.create_pool(session, caller, body)
        return 201, {
            "pool": PoolPublic.model_validate(pool).model_dump(mode="json"),
            "allocation": allocations.allocation_public(session, allocation),
            "review_items": items,
        }

    return common.run_once(
        session, caller=caller, key=key, payload={"op": "pool", **body.model_dump(mode="json")}, produce=produce
    )


def list_pools(session: Session, *, limit: int, offset: int) -> tuple[list[BonusPool], int]:
    """Pools, newest first."""
    return common.paginate(session, select(BonusPool).order_by(BonusPool.id.desc()), limit=limit, offset=offset)


def get_pool(session: Session, pool_id: int) -> BonusPool:
    """One pool."""
    return pools.pool_or_404(session, pool_id)


def pool_allocation(session: Session, pool_id: int) -> dict[str, Any]:
    """The allocation of a pool."""
    pools.pool_or_404(session, pool_id)
    allocation = session.execute(select(BonusAllocation).where(BonusAllocation.pool_id == pool_id)).scalar_one()
    return allocations.allocation_public(session, allocation)


def get_allocation(session: Session, allocation_id: int) -> dict[str, Any]:
    """One allocation with lines, traces and the reviews it waits for."""
    return allocations.allocation_public(session, allocations.allocation_or_404(session, allocation_id))


def edit_allocation(
    session: Session, caller: Caller, allocation_id: int, body: AllocationEdit, if_match: str | None, key: str | None
) -> Answer:
    """HR edits amounts (If-Match); they still add up to the pool to the fen."""
    return common.run_once(
        session,
        caller=caller,
        key=key,
        payload={"op": f"edit-allocation:{allocation_id}", "if_match": if_match, **body.model_dump(mode="json")},
        produce=lambda: (
            200,
            allocations.allocation_public(
                session, allocations.edit_allocation(session, caller, allocation_id, body, if_match)
            ),
        ),
    )


def approve_allocation(
    session: Session, caller: Caller, allocation_id: int, body: AllocationApprove, if_match: str | None, key: str | None
) -> Answer:
    """HR approves once (If-Match); refused while a review questions a paid score."""
    return common.run_once(
        session,
        caller=caller,
        key=key,
        payload={"op": f"approve-allocation:{allocation_id}", **body.model_dump(mode="json")},
        produce=lambda: (
            200,
            allocations.allocation_public(
                session, allocations.approve_allocation(session, caller, allocation_id, body, if_match)
            ),
        ),
    )


def decide_review(
    session: Session, caller: Caller, item_id: int, body: ReviewDecision, if_match: str | None, key: str | None
) -> Answer:
    """HR or the manager's manager confirms or adjusts the questioned scores (If-Match, audited); a proposed
    allocation of the period is recomputed with adjusted scores."""

    def produce() -> Answer:
        item = reviews.decide(session, caller, item_id, body, if_match)
        if item.status == "adjusted":
            period = data.period_or_404(session, item.period_id)
            record_results(session, period, caller=caller, cause=f"second review #{item.id}: {item.reason}")
            pools.recompute(session, caller, item.period_id, f"recomputed after review #{item.id}: {item.reason}")
        return 200, ReviewPublic.model_validate(item).model_dump(mode="json")

    return common.run_once(
        session,
        caller=caller,
        key=key,
        payload={"op": f"review:{item_id}", **body.model_dump(mode="json")},
        produce=produce,
    )


def calibration(session: Session, period_id: int | None) -> dict[str, Any]:
    """The company grade distribution against 20/50/30, team (department) by team, with reasons."""
    period = _period(session, period_id)
    results = period_results(session, period)
    codes = reviews.department_codes(session)
    dept_of = {emp: r.department_id for emp, r in results.items()}
    scores = {emp: r.score for emp, r in results.items()}
    teams: dict[str, dict[str, float]] = {}
    for emp, score in scores.items():
        teams.setdefault(codes[dept_of[emp]], {})[str(emp)] = score
    flags: dict[str, list[str]] = {}
    heads = {v: k for k, v in data.department_heads(session).items()}
    for item in reviews.open_items_for(session, period.id, set(scores)):
        code = item.subject if item.subject in teams else heads.get(item.subject_employee_id or -1)
        if code is None and item.subject_employee_id is not None:
            code = codes.get(dept_of.get(item.subject_employee_id, -1))
        if code:
            flags.setdefault(code, []).append(item.code)
    grades = {str(emp): r.grade for emp, r in results.items()}
    result = calibrate(teams, outcomes=dict(data.department_outcomes(session, period)), flags=flags, grades=grades)
    body = {k: v for k, v in result.to_dict().items() if k != "grades"}
    basis = results_basis(session, period.id)
    return CalibrationPublic(period_id=period.id, period_code=period.code, results=basis, **body).model_dump(
        mode="json"
    )


def _period(session: Session, period_id: int | None) -> Period:
    if period_id is not None:
        return data.period_or_404(session, period_id)
    pool = session.execute(select(BonusPool).order_by(BonusPool.id.desc()).limit(1)).scalar_one_or_none()
    if pool is not None:
        return data.period_or_404(session, pool.period_id)
    from core.clock import clock_of
    from workflows.coaching.anomalies import default_period

    try:
        return default_period(session, clock_of(session).today())
    except NotFound:
        raise coded(
            NotFound("No period to calibrate: name one with period_id."), "pay.no_period_to_calibrate"
        ) from None


# Reads the routes call, kept in their topic modules (routes import only this module).
from workflows.pay.allocations import my_bonuses as my_bonuses  # noqa: E402
from workflows.pay.inventory import get_inventory as get_inventory  # noqa: E402
from workflows.pay.inventory import list_inventories as list_inventories  # noqa: E402
from workflows.pay.ratings import ratees as ratees  # noqa: E402
from workflows.pay.ratings import summary as summary  # noqa: E402
from workflows.pay.reviews import get_review as get_review  # noqa: E402
from workflows.pay.reviews import list_reviews as list_reviews  # noqa: E402
