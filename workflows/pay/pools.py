"""Bonus pools: propose the split by the documented formula (kpi.pay.allocation) from the period's scores after
review, outcomes and key positions, and raise the second-review items it needs. Lines + retained = pool to the
fen, and every line keeps its trace. Editing and approving live in `workflows.pay.allocations`.
"""

from __future__ import annotations

from dataclasses import asdict, replace
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from core.errors import InvalidInput, NotFound, coded
from core.security import Caller
from core.tables import BonusAllocation, BonusLine, BonusPool, Employee, Period
from kpi.anomaly import AnomalyFlag
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
from workflows.results.grades import period_results
from workflows.shared import common
from workflows.shared.period_lock import pay_waits_for, results_basis

Flagged = list[tuple[AnomalyFlag, int | None]]


def _inputs(
    session: Session, pool: BonusPool, period: Period
) -> tuple[list[Person], list[DepartmentInput], dict[int, Any]]:
    """People with a score in the period, departments with outcomes, and per-person facts for the trace."""
    results = period_results(session, period)
    keys = data.key_multipliers(session, period, pool.campaign)
    codes = reviews.department_codes(session)
    people = []
    facts: dict[int, Any] = {}
    for emp, res in sorted(results.items()):
        cls, mult, source = keys.get(emp, ("C", 1.0, "default"))
        people.append(Person(str(emp), codes[res.department_id], res.score, cls, mult, grade=res.grade))
        facts[emp] = {"key_source": source, "review_adjusted_by": res.review_item_id}
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
        raise coded(
            InvalidInput(f"Nobody has a score in period {period.code}: there is nothing to allocate yet."),
            "pay.nobody_scored",
            period_zh=period.name_zh,
            period_en=period.name_en,
        )
    try:
        result = allocate(pool.amount_fen, people, depts, _policy(pool))
    except KpiError as exc:
        raise coded(InvalidInput(f"The pool cannot be allocated: {exc}"), "pay.pool_not_allocatable") from exc
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


def _allocation_fields(result: Any, pool: BonusPool, basis: dict[str, str]) -> dict[str, Any]:
    return {
        "payout": result.payout,
        "company_outcome": result.company_outcome,
        "payable_fen": result.payable_fen,
        "retained_fen": result.retained_fen,
        "departments": [asdict(d) for d in result.departments],
        "formula": {"en": result.formula_en, "zh": result.formula_zh, "options": pool.options, "results": basis},
    }


def flags_for(
    session: Session, period: Period, result: Any, people: list[Person], pool_fen: int, paid_fen: int
) -> Flagged:
    """The second-review flags of a proposed allocation: department scores vs outcome, full payout, manager
    ratings against self/peer/cross ratings."""
    by_dept: dict[str, dict[str, float]] = {}
    for p in people:
        by_dept.setdefault(p.department, {})[p.id] = p.score
    outcomes = {d.code: d.outcome for d in result.departments}
    heads = data.department_heads(session)
    out: Flagged = [(f, heads.get(f.subject)) for f in department_high_outcome_low(by_dept, outcomes)]
    history = data.pool_history(session, period) + [
        PoolRecord(period.start_date.isoformat(), pool_fen, paid_fen, result.company_outcome)
    ]
    out += [(f, None) for f in pool_full_payout(history, subject="company")]
    for f in manager_divergence(data.ratings_for(session, period.id)):
        mgr = session.get(Employee, int(f.subject))
        out.append((replace(f, subject=mgr.code) if mgr else f, mgr.id if mgr else None))
    return out


def create_pool(session: Session, caller: Caller | None, body: Any) -> tuple[BonusPool, BonusAllocation, list[int]]:
    """Store the pool, propose its allocation and raise the review items it needs (the caller commits)."""
    period = data.period_or_404(session, body.period_id)
    held = pay_waits_for(session, period.id, set())
    if held is not None:
        raise held
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
        pool_id=pool.id,
        status="proposed",
        edited=False,
        note="",
        **_allocation_fields(result, pool, results_basis(session, period.id)),
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
    changes = {**_allocation_fields(result, pool, results_basis(session, period.id)), "edited": False, "note": why}
    common.update_versioned(
        session, allocation, changes, if_match=str(allocation.version), caller=caller, entity="bonus_allocation"
    )
    _write_lines(session, allocation, result, facts)


def pool_or_404(session: Session, pool_id: int) -> BonusPool:
    """The pool, or NotFound."""
    pool = session.get(BonusPool, pool_id)
    if pool is None:
        raise coded(NotFound(f"Bonus pool {pool_id} not found."), "not_found", thing="bonus_pool")
    return pool
