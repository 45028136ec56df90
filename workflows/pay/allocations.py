"""Allocations: read with lines and the reviews they wait for, HR's edits (sum kept to the fen) and approval
(If-Match, audited), and each employee's own approved lines."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.clock import clock_of
from core.errors import Conflict, InvalidInput, NotFound, coded
from core.security import Caller
from core.tables import BonusAllocation, BonusLine, BonusPool, Period
from kpi.pay import pool_full_payout
from kpi.pay.review import PoolRecord
from workflows.pay import data, reviews
from workflows.shared import decisions
from workflows.shared.period_lock import pay_waits_for


def allocation_or_404(session: Session, allocation_id: int) -> BonusAllocation:
    """The allocation, or NotFound."""
    allocation = session.get(BonusAllocation, allocation_id)
    if allocation is None:
        raise coded(NotFound(f"Bonus allocation {allocation_id} not found."), "not_found", thing="bonus_allocation")
    return allocation


def lines_of(session: Session, allocation_id: int) -> list[BonusLine]:
    """The allocation's lines by employee id."""
    return list(
        session.execute(
            select(BonusLine).where(BonusLine.allocation_id == allocation_id).order_by(BonusLine.employee_id)
        ).scalars()
    )


def waiting_for(session: Session, allocation: BonusAllocation, lines: list[BonusLine]) -> list[int]:
    """Open review items this allocation depends on."""
    pool = session.get(BonusPool, allocation.pool_id)
    assert pool is not None
    return [i.id for i in reviews.open_items_for(session, pool.period_id, {ln.employee_id for ln in lines})]


def allocation_public(session: Session, allocation: BonusAllocation) -> dict[str, Any]:
    """The allocation with its lines and the reviews it waits for, JSON-ready."""
    from workflows.pay.schemas import AllocationPublic, LinePublic

    pool = session.get(BonusPool, allocation.pool_id)
    assert pool is not None
    lines = lines_of(session, allocation.id)
    body = AllocationPublic(
        id=allocation.id,
        pool_id=pool.id,
        period_id=pool.period_id,
        pool_fen=pool.amount_fen,
        status=allocation.status,
        payout=allocation.payout,
        company_outcome=allocation.company_outcome,
        payable_fen=allocation.payable_fen,
        retained_fen=allocation.retained_fen,
        total_fen=sum(ln.amount_fen for ln in lines) + allocation.retained_fen,
        departments=allocation.departments,
        formula=allocation.formula,
        edited=allocation.edited,
        note=allocation.note,
        approved_by_name=allocation.approved_by_name,
        approved_at=allocation.approved_at,
        version=allocation.version,
        waiting_for_reviews=waiting_for(session, allocation, lines),
        lines=[LinePublic.model_validate(ln) for ln in lines],
    )
    return body.model_dump(mode="json")


# --- HR edits and approves ---------------------------------------------------------------------------------
def _proposed(session: Session, allocation_id: int, if_match: str | None) -> tuple[BonusAllocation, int]:
    allocation = allocation_or_404(session, allocation_id)
    expected = decisions.gate(
        allocation,
        if_match,
        entity="bonus allocation",
        open_statuses=("proposed",),
        closed=f"Bonus allocation {allocation_id} was already approved by {allocation.approved_by_name}.",
    )
    return allocation, expected


def edit_allocation(
    session: Session, caller: Caller, allocation_id: int, body: Any, if_match: str | None
) -> BonusAllocation:
    """HR's edited amounts: every line named once, nobody's own amount changed, lines + retained = pool."""
    allocation, expected = _proposed(session, allocation_id, if_match)
    pool = session.get(BonusPool, allocation.pool_id)
    assert pool is not None
    lines = {ln.employee_id: ln for ln in lines_of(session, allocation.id)}
    edits = {e.employee_id: e.amount_fen for e in body.lines}
    errors: list[dict[str, object]] = []
    if len(edits) != len(body.lines):
        errors.append({"loc": ["lines"], "msg": "a person appears twice"})
    for i, e in enumerate(body.lines):
        if e.employee_id not in lines:
            errors.append({"loc": ["lines", i, "employee_id"], "msg": "this person has no line in the allocation"})
        elif e.employee_id == caller.employee_id and e.amount_fen != lines[e.employee_id].amount_fen:
            errors.append({"loc": ["lines", i, "amount_fen"], "msg": "nobody changes their own amount"})
    total = sum(edits.get(emp, ln.amount_fen) for emp, ln in lines.items()) + body.retained_fen
    if total != pool.amount_fen:
        errors.append(
            {
                "loc": ["lines"],
                "msg": f"lines + retained = {total} fen, the pool is {pool.amount_fen} fen "
                f"(difference {total - pool.amount_fen} fen)",
            }
        )
    if errors:
        raise coded(InvalidInput("The edited allocation cannot be stored.", errors), "pay.allocation_invalid")
    before = {emp: ln.amount_fen for emp, ln in lines.items()}
    for emp, amount in edits.items():
        ln = lines[emp]
        if amount != ln.amount_fen:
            proposed = ln.trace.get("proposed_fen", ln.amount_fen)
            ln.trace = {**ln.trace, "proposed_fen": proposed, "edited_by": caller.username, "edit_note": body.note}
            ln.amount_fen = amount
    changed = {str(e): [before[e], a] for e, a in edits.items() if before[e] != a}
    record = {"changed_fen": changed, "retained_fen_before": allocation.retained_fen}
    period = data.period_or_404(session, pool.period_id)
    paid = pool.amount_fen - body.retained_fen
    history = data.pool_history(session, period) + [
        PoolRecord(period.start_date.isoformat(), pool.amount_fen, paid, allocation.company_outcome)
    ]
    reviews.raise_flags(session, caller, [(f, None) for f in pool_full_payout(history)], period.id, pool.id)
    changes = {"retained_fen": body.retained_fen, "edited": True, "note": body.note}
    return decisions.write(
        session, allocation, expected, changes, caller=caller, action="edit", entity="bonus_allocation", record=record
    )


def approve_allocation(
    session: Session, caller: Caller, allocation_id: int, body: Any, if_match: str | None
) -> BonusAllocation:
    """Approve once (If-Match) when no open review questions a score it pays; audited."""
    allocation, expected = _proposed(session, allocation_id, if_match)
    lines = lines_of(session, allocation.id)
    waiting = waiting_for(session, allocation, lines)
    if waiting:
        raise coded(
            Conflict(f"The allocation depends on scores under review (items {waiting}); decide those reviews first."),
            "pay.waits_for_reviews",
            count=len(waiting),
        )
    pool = session.get(BonusPool, allocation.pool_id)
    assert pool is not None
    held = pay_waits_for(session, pool.period_id, {ln.employee_id for ln in lines})
    if held is not None:
        raise held
    total = sum(ln.amount_fen for ln in lines) + allocation.retained_fen
    if total != pool.amount_fen:  # cannot happen through the API; refuse rather than approve a wrong sum
        raise coded(
            Conflict(f"Lines + retained = {total} fen but the pool is {pool.amount_fen} fen."),
            "pay.sum_mismatch",
            total_yuan=total / 100,
            pool_yuan=pool.amount_fen / 100,
        )
    record = {"pool_fen": pool.amount_fen, "paid_fen": total - allocation.retained_fen, "lines": len(lines)}
    changes = {
        "status": "approved",
        "approved_by_name": caller.username,
        "approved_at": clock_of(session).now(),
        "note": body.note or allocation.note,
    }
    return decisions.write(
        session,
        allocation,
        expected,
        changes,
        caller=caller,
        action="approve",
        entity="bonus_allocation",
        record=record,
    )


def my_bonuses(session: Session, caller: Caller) -> list[dict[str, Any]]:
    """The caller's own lines in approved allocations, newest period first (never anyone else's)."""
    if caller.employee_id is None:
        return []
    rows = session.execute(
        select(BonusLine, BonusAllocation.id, Period.id, Period.code)
        .join(BonusAllocation, BonusAllocation.id == BonusLine.allocation_id)
        .join(BonusPool, BonusPool.id == BonusAllocation.pool_id)
        .join(Period, Period.id == BonusPool.period_id)
        .where(BonusLine.employee_id == caller.employee_id, BonusAllocation.status == "approved")
        .order_by(Period.start_date.desc())
    ).all()
    return [
        {
            "allocation_id": aid,
            "period_id": pid,
            "period_code": code,
            "amount_fen": ln.amount_fen,
            "grade": ln.grade,
            "coaching_plan": ln.coaching_plan,
            "trace": ln.trace,
        }
        for ln, aid, pid, code in rows
    ]
