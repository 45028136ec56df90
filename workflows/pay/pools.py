"""Bonus pools: propose the split by the documented formula, flag what needs a second review, let HR edit and
approve it (If-Match, audited). Lines + retained = pool to the fen at every step, and every line keeps its trace.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.clock import clock_of
from core.errors import Conflict, InvalidInput, NotFound, PreconditionFailed
from core.security import Caller
from core.tables import BonusAllocation, BonusLine, BonusPool, Employee, Period
from kpi.errors import KpiError
from kpi.pay import (
    AllocationPolicy,
    DepartmentInput,
    Person,
    allocate,
    department_high_outcome_low,
    manager_divergence,
    pool_full_payout,
)
from kpi.pay.review import PoolRecord
from workflows.pay import data, reviews
from workflows.shared import audit, common


def _inputs(
    session: Session, pool: BonusPool, period: Period
) -> tuple[list[Person], list[DepartmentInput], dict[int, Any]]:
    """People with a score in the period, departments with outcomes, and per-person facts for the trace."""
    scores, adjusted_by = data.adjusted_scores(session, period)
    keys = data.key_multipliers(session, period, pool.campaign)
    codes = reviews.department_codes(session)
    dept_of = dict(session.execute(select(Employee.id, Employee.department_id)).all())
    people = []
    facts: dict[int, Any] = {}
    for emp, score in sorted(scores.items()):
        cls, mult, source = keys.get(emp, ("C", 1.0, "default"))
        people.append(Person(str(emp), codes[dept_of[emp]], score, cls, mult))
        facts[emp] = {"key_source": source, "review_adjusted_by": adjusted_by.get(emp)}
    outcomes = data.department_outcomes(session, period)
    salary = (pool.options or {}).get("salary_base_fen") or {}
    depts = [DepartmentInput(c, outcomes.get(c), salary.get(c)) for c in sorted(set(codes.values()))]
    return people, depts, facts


def _policy(pool: BonusPool) -> AllocationPolicy:
    opts = pool.options or {}
    return AllocationPolicy(base=opts.get("base", "headcount"), min_payout=float(opts.get("min_payout", 0.5)))


def compute(session: Session, pool: BonusPool, period: Period) -> tuple[Any, dict[int, Any], list[Person], Any]:
    """The kpi allocation of a pool from the stored scores (after reviews), outcomes and key positions."""
    people, depts, facts = _inputs(session, pool, period)
    if not people:
        raise InvalidInput(f"Nobody has a score in period {period.code}: there is nothing to allocate yet.")
    try:
        result = allocate(pool.amount_fen, people, depts, _policy(pool))
    except KpiError as exc:
        raise InvalidInput(f"The pool cannot be allocated: {exc}") from exc
    return result, facts, people, depts


def _write_lines(session: Session, allocation: BonusAllocation, result: Any, facts: dict[int, Any]) -> None:
    session.execute(delete(BonusLine).where(BonusLine.allocation_id == allocation.id))
    dept_ids = {code: i for i, code in reviews.department_codes(session).items()}
    for line in result.lines:
        emp = int(line.person)
        session.add(
            BonusLine(
                allocation_id=allocation.id,
                employee_id=emp,
                department_id=dept_ids[line.department],
                amount_fen=line.amount_fen,
                score=float(line.trace["score"]),
                grade=line.grade,
                coaching_plan=line.coaching_plan,
                trace={**line.trace, **facts.get(emp, {}), "department": line.department},
            )
        )
    session.flush()


def _allocation_fields(result: Any, pool: BonusPool) -> dict[str, Any]:
    return {
        "payout": result.payout,
        "company_outcome": result.company_outcome,
        "payable_fen": result.payable_fen,
        "retained_fen": result.retained_fen,
        "departments": [{k: v for k, v in d.__dict__.items()} for d in result.departments],
        "formula": {"en": result.formula_en, "zh": result.formula_zh, "options": pool.options},
    }


def flags_for(
    session: Session, period: Period, result: Any, people: list[Person], pool_fen: int, paid_fen: int
) -> list:
    """The second-review flags of a proposed allocation: department scores vs outcome, full payout, manager
    ratings against self/peer/cross ratings."""
    by_dept: dict[str, dict[str, float]] = {}
    for p in people:
        by_dept.setdefault(p.department, {})[p.id] = p.score
    outcomes = {d.code: d.outcome for d in result.departments}
    heads = data.department_heads(session)
    out = [(f, heads.get(f.subject)) for f in department_high_outcome_low(by_dept, outcomes)]
    history = data.pool_history(session, period) + [
        PoolRecord(period.start_date.isoformat(), pool_fen, paid_fen, result.company_outcome)
    ]
    out += [(f, None) for f in pool_full_payout(history, subject="company")]
    for f in manager_divergence(data.ratings_for(session, period.id)):
        mgr = session.get(Employee, int(f.subject))
        f = type(f)(**{**f.__dict__, "subject": mgr.code if mgr else f.subject})
        out.append((f, int(mgr.id) if mgr else None))
    return out


def create_pool(session: Session, caller: Caller | None, body: Any) -> tuple[BonusPool, BonusAllocation, list[int]]:
    """Store the pool, propose its allocation and raise the review items it needs (the caller commits)."""
    period = data.period_or_404(session, body.period_id)
    options = {"base": body.base, "min_payout": body.min_payout, "salary_base_fen": body.salary_base_fen}
    pool = BonusPool(
        period_id=period.id,
        amount_fen=body.amount_fen,
        campaign=body.campaign,
        options=options,
        created_by_name=caller.username if caller else "system",
    )
    common.create(session, pool, caller=caller, entity="bonus_pool")
    result, facts, people, _ = compute(session, pool, period)
    allocation = BonusAllocation(
        pool_id=pool.id, status="proposed", edited=False, note="", **_allocation_fields(result, pool)
    )
    common.create(session, allocation, caller=caller, entity="bonus_allocation")
    _write_lines(session, allocation, result, facts)
    paid = body.amount_fen - result.retained_fen
    items = reviews.raise_flags(
        session, caller, flags_for(session, period, result, people, body.amount_fen, paid), period.id, pool.id
    )
    return pool, allocation, [i.id for i in items]


def recompute(session: Session, caller: Caller, period_id: int, why: str) -> None:
    """Re-propose the (not yet approved) allocation of the period's pool with the scores after review."""
    pool = session.execute(select(BonusPool).where(BonusPool.period_id == period_id)).scalar_one_or_none()
    if pool is None:
        return
    allocation = session.execute(select(BonusAllocation).where(BonusAllocation.pool_id == pool.id)).scalar_one()
    if allocation.status != "proposed":
        return
    period = data.period_or_404(session, period_id)
    result, facts, _, _ = compute(session, pool, period)
    changes = {**_allocation_fields(result, pool), "edited": False, "note": why}
    common.update_versioned(
        session, allocation, changes, if_match=str(allocation.version), caller=caller, entity="bonus_allocation"
    )
    _write_lines(session, allocation, result, facts)


# --- reading -----------------------------------------------------------------------------------------------
def pool_or_404(session: Session, pool_id: int) -> BonusPool:
    """The pool, or NotFound."""
    pool = session.get(BonusPool, pool_id)
    if pool is None:
        raise NotFound(f"Bonus pool {pool_id} not found.")
    return pool


def allocation_or_404(session: Session, allocation_id: int) -> BonusAllocation:
    """The allocation, or NotFound."""
    allocation = session.get(BonusAllocation, allocation_id)
    if allocation is None:
        raise NotFound(f"Bonus allocation {allocation_id} not found.")
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
def _proposed(session: Session, allocation_id: int, if_match: str | None) -> BonusAllocation:
    expected = common.parse_if_match(if_match)
    allocation = allocation_or_404(session, allocation_id)
    if allocation.status != "proposed":
        raise Conflict(f"Bonus allocation {allocation_id} was already approved by {allocation.approved_by_name}.")
    if allocation.version != expected:
        raise PreconditionFailed(
            f"The allocation changed since you read it (now version {allocation.version}); GET it again."
        )
    return allocation


def edit_allocation(
    session: Session, caller: Caller, allocation_id: int, body: Any, if_match: str | None
) -> BonusAllocation:
    """HR's edited amounts: every line named once, nobody's own amount changed, lines + retained = pool."""
    allocation = _proposed(session, allocation_id, if_match)
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
        raise InvalidInput("The edited allocation cannot be stored.", errors)
    before = {emp: ln.amount_fen for emp, ln in lines.items()}
    for emp, amount in edits.items():
        ln = lines[emp]
        if amount != ln.amount_fen:
            proposed = ln.trace.get("proposed_fen", ln.amount_fen)
            ln.trace = {**ln.trace, "proposed_fen": proposed, "edited_by": caller.username, "edit_note": body.note}
            ln.amount_fen = amount
    changed = {str(e): [before[e], a] for e, a in edits.items() if before[e] != a}
    audit.record(
        session,
        actor=caller,
        action="edit",
        entity="bonus_allocation",
        entity_id=allocation.id,
        after={"changed_fen": changed, "retained_fen": [allocation.retained_fen, body.retained_fen], "note": body.note},
    )
    period = data.period_or_404(session, pool.period_id)
    paid = pool.amount_fen - body.retained_fen
    history = data.pool_history(session, period) + [
        PoolRecord(period.start_date.isoformat(), pool.amount_fen, paid, allocation.company_outcome)
    ]
    reviews.raise_flags(session, caller, [(f, None) for f in pool_full_payout(history)], period.id, pool.id)
    changes = {"retained_fen": body.retained_fen, "edited": True, "note": body.note}
    return common.update_versioned(
        session, allocation, changes, if_match=if_match, caller=caller, entity="bonus_allocation"
    )


def approve_allocation(
    session: Session, caller: Caller, allocation_id: int, body: Any, if_match: str | None
) -> BonusAllocation:
    """Approve once (If-Match) when no open review questions a score it pays; audited."""
    allocation = _proposed(session, allocation_id, if_match)
    lines = lines_of(session, allocation.id)
    waiting = waiting_for(session, allocation, lines)
    if waiting:
        raise Conflict(f"The allocation depends on scores under review (items {waiting}); decide those reviews first.")
    pool = session.get(BonusPool, allocation.pool_id)
    assert pool is not None
    total = sum(ln.amount_fen for ln in lines) + allocation.retained_fen
    if total != pool.amount_fen:  # cannot happen through the API; refuse rather than approve a wrong sum
        raise Conflict(f"Lines + retained = {total} fen but the pool is {pool.amount_fen} fen.")
    audit.record(
        session,
        actor=caller,
        action="approve",
        entity="bonus_allocation",
        entity_id=allocation.id,
        after={
            "pool_fen": pool.amount_fen,
            "paid_fen": total - allocation.retained_fen,
            "retained_fen": allocation.retained_fen,
            "lines": len(lines),
            "note": body.note,
        },
    )
    changes = {
        "status": "approved",
        "approved_by_name": caller.username,
        "approved_at": clock_of(session).now(),
        "note": body.note or allocation.note,
    }
    try:
        return common.update_versioned(
            session, allocation, changes, if_match=if_match, caller=caller, entity="bonus_allocation"
        )
    except IntegrityError as exc:  # pragma: no cover - a constraint, not a race, would land here
        raise Conflict("The allocation could not be approved.") from exc


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
