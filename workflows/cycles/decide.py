"""HR's and deciders' decisions on a cycle: appeals (uphold, or change the grade with a reason), extending a stage
for a person or a team, reopening one locked result (and locking it again), the rubrics of qualitative KPIs.
Each is one audited decision through `workflows.shared.decisions`."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.clock import clock_of
from core.errors import Conflict, InvalidInput, NotFound, coded
from core.security import Caller
from core.tables import (
    BonusAllocation,
    BonusLine,
    BonusPool,
    CycleAppeal,
    CycleItem,
    GradeCalibration,
    Indicator,
    IndicatorRubric,
    Period,
    ReviewCycleRow,
)
from workflows.cycles import data
from workflows.cycles.schemas import AppealDecision, Extension, Reopen, RubricSet
from workflows.pay import pools
from workflows.results.store import record_results
from workflows.shared import common, decisions


def may_decide(caller: Caller, appeal: CycleAppeal) -> bool:
    """The named decider (skip-level), else HR/admin; never the appellant."""
    if caller.employee_id == appeal.employee_id:
        return False
    if appeal.decider_id is not None:
        return caller.employee_id == appeal.decider_id
    return caller.sees_everything


def decide_appeal(
    session: Session, caller: Caller, appeal_id: int, body: AppealDecision, if_match: str | None
) -> CycleAppeal:
    """Uphold the result, or change the person's grade with a reason (stored as a calibration change, results and
    the proposed allocation follow); the person's item records the outcome."""
    appeal = data.appeal_or_404(session, caller, appeal_id)
    if not may_decide(caller, appeal):
        raise coded(NotFound(f"Appeal {appeal_id} not found."), "not_found", thing="appeal")
    expected = decisions.gate(appeal, if_match, entity="appeal", open_statuses=("open",))
    item = session.get(CycleItem, appeal.item_id)
    period = session.get(Period, item.period_id) if item else None
    assert item is not None and period is not None
    if body.decision == "change":
        if body.grade is None:
            raise coded(
                InvalidInput("A change names the new grade.", [{"loc": ["body", "grade"], "msg": "required"}]),
                "cycle.grade_required",
            )
        change = GradeCalibration(
            period_id=period.id,
            employee_id=appeal.employee_id,
            grade=body.grade,
            reason=f"appeal #{appeal.id}: {body.reason}",
            decided_by=caller.user_id,
        )
        common.create(session, change, caller=caller, entity="grade_calibration")
        record_results(session, period, caller=caller, cause=f"appeal #{appeal.id}: {body.reason}")
        pools.recompute(session, caller, period.id, f"recomputed after appeal #{appeal.id}: {body.reason}")
    now = clock_of(session).now()
    outcome = "upheld" if body.decision == "uphold" else "changed"
    decisions.write(
        session,
        item,
        item.version,
        {"status": "confirmed", "answer": f"appeal_{outcome}"},
        caller=caller,
        action="appeal_outcome",
        entity="cycle_item",
    )
    changes = {
        "status": outcome,
        "decision_reason": body.reason,
        "new_grade": body.grade if outcome == "changed" else None,
        "decided_by_name": caller.username,
        "decided_at": now,
    }
    return decisions.write(session, appeal, expected, changes, caller=caller, action="decide", entity="cycle_appeal")


def extend(session: Session, caller: Caller, cycle: ReviewCycleRow, body: Extension, if_match: str | None) -> int:
    """HR gives a person or a team more days at a stage; one audited decision on the cycle naming them all."""
    expected = decisions.gate(cycle, if_match, entity="review cycle")
    if cycle.stage == "locked":
        raise coded(
            Conflict("The cycle is locked: no stage can be extended; reopen one person's result instead."),
            "cycle.locked",
            "评估周期已锁定，不能再延长阶段；如需修改，请重新开放个人结果。",
        )
    stmt = select(CycleItem).where(CycleItem.cycle_id == cycle.id)
    if body.employee_ids:
        stmt = stmt.where(CycleItem.employee_id.in_(body.employee_ids))
    elif body.department_id is not None:
        stmt = stmt.where(CycleItem.department_id == body.department_id)
    else:
        raise coded(
            InvalidInput("Name the people (employee_ids) or the team (department_id) to extend the stage for."),
            "cycle.extension_needs_people",
        )
    if body.until >= cycle.lock_on:
        raise coded(
            InvalidInput("An extension ends before the lock day.", [{"loc": ["body", "until"], "msg": "too late"}]),
            "cycle.extension_too_late",
        )
    items = list(session.execute(stmt).scalars())
    if not items:
        raise coded(InvalidInput("Nobody of this cycle matches."), "cycle.nobody_matches")
    for item in items:
        item.extensions = {**item.extensions, body.stage: body.until.isoformat()}
        item.version += 1
    record = {"extend": body.stage, "until": body.until.isoformat(), "employees": [i.employee_id for i in items]}
    decisions.write(
        session,
        cycle,
        expected,
        {},
        caller=caller,
        action="extend",
        entity="review_cycle",
        record={**record, "reason": body.reason},
    )
    return len(items)


def reopen(session: Session, caller: Caller, item: CycleItem, body: Reopen, if_match: str | None) -> CycleItem:
    """HR reopens one locked result with a reason: that person's numbers of the period become editable again and
    pay that depends on them waits until the result is locked again."""
    if caller.employee_id == item.employee_id:
        raise coded(NotFound(f"Review cycle item {item.id} not found."), "not_found", thing="review_cycle_item")
    expected = decisions.gate(
        item, if_match, entity="review cycle item", open_statuses=("locked",), closed="Only a locked result reopens."
    )
    changes = {"status": "reopened", "reopen_reason": body.reason}
    decisions.write(session, item, expected, changes, caller=caller, action="reopen", entity="cycle_item")
    _unlock_pay(session, caller, item, body.reason)
    return item


def _unlock_pay(session: Session, caller: Caller, item: CycleItem, reason: str) -> None:
    """An approved allocation paying the reopened person goes back to proposed (audited): it is approved again
    once the result is locked again."""
    allocation = session.execute(
        select(BonusAllocation)
        .join(BonusPool, BonusPool.id == BonusAllocation.pool_id)
        .join(BonusLine, BonusLine.allocation_id == BonusAllocation.id)
        .where(BonusPool.period_id == item.period_id, BonusLine.employee_id == item.employee_id)
    ).scalar_one_or_none()
    if allocation is None or allocation.status != "approved":
        return
    changes = {"status": "proposed", "approved_by_name": None, "approved_at": None}
    record = {"reopened_item": item.id, "employee_id": item.employee_id, "reason": reason}
    decisions.write(
        session, allocation, allocation.version, changes, caller=caller, action="unlock", entity="bonus_allocation",
        record=record,
    )  # fmt: skip


def relock(session: Session, caller: Caller, item: CycleItem, body: Reopen, if_match: str | None) -> CycleItem:
    """HR locks a reopened result again: the person's result is stored anew and a proposed allocation follows."""
    expected = decisions.gate(
        item, if_match, entity="review cycle item", open_statuses=("reopened",), closed="Only a reopened result locks."
    )
    period = session.get(Period, item.period_id)
    assert period is not None
    record_results(session, period, caller=caller, cause=f"result of item #{item.id} locked again: {body.reason}")
    decisions.write(session, item, expected, {"status": "locked"}, caller=caller, action="relock", entity="cycle_item")
    pools.recompute(session, caller, period.id, f"recomputed after item #{item.id} locked again: {body.reason}")
    return item


def set_rubric(
    session: Session, caller: Caller, indicator_id: int, body: RubricSet, if_match: str | None
) -> IndicatorRubric:
    """HR defines (or changes, If-Match) the levels of a qualitative indicator."""
    if session.get(Indicator, indicator_id) is None:
        raise coded(NotFound(f"Indicator {indicator_id} not found."), "not_found", thing="indicator")
    values = [lv.value for lv in body.levels]
    if values != sorted(values) or len(set(values)) != len(values):
        raise coded(
            InvalidInput("Rubric levels go from the lowest value to the highest, each value once."),
            "cycle.rubric_order",
        )
    levels = [lv.model_dump() for lv in body.levels]
    row = session.execute(
        select(IndicatorRubric).where(IndicatorRubric.indicator_id == indicator_id)
    ).scalar_one_or_none()
    if row is None:
        return common.create(
            session, IndicatorRubric(indicator_id=indicator_id, levels=levels), caller=caller, entity="indicator_rubric"
        )
    expected = decisions.gate(row, if_match, entity="rubric")
    return decisions.write(
        session, row, expected, {"levels": levels}, caller=caller, action="update", entity="indicator_rubric"
    )
