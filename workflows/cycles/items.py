"""Each person's part of a cycle: their self-assessment, the manager's (or skip-level's) review, their confirmation
or appeal. Every write is one decision on the item (If-Match, compare-and-set, one audit event); nobody writes
their own scores: a person writes only words and proposals about themselves, their reviewer sets the values.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.clock import clock_of
from core.errors import Conflict, InvalidInput, NotFound, coded
from core.security import Caller
from core.tables import CycleAppeal, CycleItem, Employee, KpiActual, KpiAssignment, Period, ReviewCycleRow
from workflows.cycles import data
from workflows.cycles.schemas import AppealCreate, ManagerReview, SelfAssessment
from workflows.shared import common, decisions
from workflows.shared.period_lock import ensure_open


def _stage_open(cycle: ReviewCycleRow, item: CycleItem, stage: str, today: date) -> bool:
    """The cycle is at `stage`, or HR extended it for this person until today or later."""
    if cycle.stage == stage:
        return True
    until = item.extensions.get(stage)
    return until is not None and today <= date.fromisoformat(until)


def _closed(stage: str) -> Conflict:
    names = {"self_assessment": "自评", "manager_review": "上级评价", "published": "确认或申诉"}
    return coded(
        Conflict(
            f"The {stage.replace('_', ' ')} stage of this cycle is not open for this person; ask HR to extend it."
        ),
        "cycle.stage_closed",
        f"此人的{names.get(stage, '')}阶段未开放；如需补做，请联系 HR 延长该阶段。",
    )


def _kpis(session: Session, item: CycleItem) -> dict[int, KpiAssignment]:
    rows = session.execute(
        select(KpiAssignment).where(
            KpiAssignment.period_id == item.period_id, KpiAssignment.employee_id == item.employee_id
        )
    ).scalars()
    return {a.id: a for a in rows}


def _level_index(levels: list[dict[str, Any]], value: float) -> int | None:
    for i, level in enumerate(levels):
        if abs(float(level["value"]) - value) < 1e-9:
            return i
    return None


def _unknown_kpi(i: int) -> dict[str, object]:
    return {"loc": ["body", "entries", i, "assignment_id"], "msg": "not one of this person's KPIs in the period"}


def self_assess(
    session: Session, caller: Caller, cycle: ReviewCycleRow, item: CycleItem, body: SelfAssessment, if_match: str | None
) -> CycleItem:
    """The person's own comments, evidence and rubric proposals, per KPI (editable while the stage is open)."""
    if caller.employee_id != item.employee_id:
        raise coded(NotFound(f"Review cycle item {item.id} not found."), "not_found", thing="review_cycle_item")
    if not cycle.self_assessment:
        raise coded(InvalidInput("This cycle has no self-assessment."), "cycle.no_self_assessment")
    if not _stage_open(cycle, item, "self_assessment", clock_of(session).today()):
        raise _closed("self_assessment")
    expected = decisions.gate(item, if_match, entity="review cycle item", open_statuses=("open", "self_assessed"))
    kpis = _kpis(session, item)
    errors: list[dict[str, object]] = []
    entries: dict[str, Any] = {}
    for i, e in enumerate(body.entries):
        if e.assignment_id not in kpis:
            errors.append(_unknown_kpi(i))
            continue
        levels = data.rubric_levels(session, kpis[e.assignment_id].indicator_id)
        if e.proposed_value is not None and (levels is None or _level_index(levels, e.proposed_value) is None):
            errors.append({"loc": ["body", "entries", i, "proposed_value"], "msg": "not a level of this KPI's rubric"})
        entries[str(e.assignment_id)] = e.model_dump(exclude={"assignment_id"})
    if errors:
        raise coded(
            InvalidInput("Some entries of the self-assessment cannot be taken.", errors),
            "cycle.self_assessment_invalid",
            count=len(errors),
        )
    changes = {"self_entries": entries, "self_at": clock_of(session).now(), "status": "self_assessed"}
    return decisions.write(session, item, expected, changes, caller=caller, action="self_assess", entity="cycle_item")


def may_review(caller: Caller, item: CycleItem) -> bool:
    """The item's reviewer (HR when nobody is above the person); never the person themselves."""
    if caller.employee_id == item.employee_id:
        return False
    if item.reviewer_id is None:
        return caller.sees_everything
    return caller.employee_id == item.reviewer_id


def manager_review(
    session: Session, caller: Caller, cycle: ReviewCycleRow, item: CycleItem, body: ManagerReview, if_match: str | None
) -> CycleItem:
    """The reviewer sets qualitative KPIs on their rubric (a comment when more than one level from the person's
    proposal) and writes an overall comment; the values become the KPIs' actuals on the period's last day."""
    if not may_review(caller, item):
        raise coded(NotFound(f"Review cycle item {item.id} not found."), "not_found", thing="review_cycle_item")
    if not _stage_open(cycle, item, "manager_review", clock_of(session).today()):
        raise _closed("manager_review")
    expected = decisions.gate(
        item, if_match, entity="review cycle item", open_statuses=("open", "self_assessed", "reviewed")
    )
    ensure_open(session, item.period_id, item.employee_id)
    kpis = _kpis(session, item)
    errors: list[dict[str, object]] = []
    entries: dict[str, Any] = {}
    for i, e in enumerate(body.entries):
        a = kpis.get(e.assignment_id)
        if a is None:
            errors.append(_unknown_kpi(i))
            continue
        levels = data.rubric_levels(session, a.indicator_id)
        where = ["body", "entries", i]
        if levels is None:
            if e.value is not None:
                errors.append({"loc": [*where, "value"], "msg": "a measured KPI keeps its computed actual"})
        elif e.value is None or (idx := _level_index(levels, e.value)) is None:
            errors.append({"loc": [*where, "value"], "msg": "choose a level of this KPI's rubric"})
        else:
            proposed = (item.self_entries.get(str(a.id)) or {}).get("proposed_value")
            own = _level_index(levels, float(proposed)) if proposed is not None else None
            if own is not None and abs(idx - own) > 1 and len(e.comment) < 2:
                errors.append({"loc": [*where, "comment"], "msg": "required: more than one level from the proposal"})
        entries[str(e.assignment_id)] = e.model_dump(exclude={"assignment_id"})
    if errors:
        raise coded(
            InvalidInput("Some entries of the review cannot be taken.", errors),
            "cycle.review_invalid",
            "评价中有条目无法保存：请按提示补充说明或选择评分标准中的等级。",
        )
    _write_values(session, item, kpis, entries)
    changes = {
        "review_entries": entries,
        "overall_comment": body.overall_comment,
        "reviewed_by_name": caller.username,
        "reviewed_at": clock_of(session).now(),
        "status": "reviewed",
    }
    record = {"skip_level": item.skip_level, "reviewer_id": item.reviewer_id}
    return decisions.write(
        session, item, expected, changes, caller=caller, action="review", entity="cycle_item", record=record
    )


def _write_values(session: Session, item: CycleItem, kpis: dict[int, KpiAssignment], entries: dict[str, Any]) -> None:
    """The reviewer's rubric values as the KPIs' actuals on the period's last day (replacing an earlier value)."""
    period = session.get(Period, item.period_id)
    assert period is not None
    for key, entry in entries.items():
        if entry.get("value") is None:
            continue
        a = kpis[int(key)]
        found = session.execute(
            select(KpiActual).where(KpiActual.assignment_id == a.id, KpiActual.as_of == period.end_date)
        ).scalar_one_or_none()
        if found is None:
            session.add(KpiActual(assignment_id=a.id, as_of=period.end_date, value=entry["value"], source="review"))
        else:
            found.value, found.source = entry["value"], "review"
    session.flush()


def _answer_gate(session: Session, caller: Caller, cycle: ReviewCycleRow, item: CycleItem, if_match: str | None) -> int:
    if caller.employee_id != item.employee_id:
        raise coded(NotFound(f"Review cycle item {item.id} not found."), "not_found", thing="review_cycle_item")
    today = clock_of(session).today()
    until = date.fromisoformat(item.extensions.get("published", cycle.appeal_until.isoformat()))
    if cycle.stage != "published" or today > until:
        raise _closed("published")
    return decisions.gate(
        item,
        if_match,
        entity="review cycle item",
        open_statuses=("published",),
        closed=f"You already answered: {item.answer}.",
    )


def confirm(
    session: Session, caller: Caller, cycle: ReviewCycleRow, item: CycleItem, if_match: str | None
) -> CycleItem:
    """The person confirms their published result."""
    expected = _answer_gate(session, caller, cycle, item, if_match)
    changes = {"status": "confirmed", "answer": "confirmed", "answered_at": clock_of(session).now()}
    return decisions.write(session, item, expected, changes, caller=caller, action="confirm", entity="cycle_item")


def appeal(
    session: Session, caller: Caller, cycle: ReviewCycleRow, item: CycleItem, body: AppealCreate, if_match: str | None
) -> CycleAppeal:
    """The person appeals (申诉) naming KPIs and a reason; HR or the skip-level manager (company setting) decides."""
    expected = _answer_gate(session, caller, cycle, item, if_match)
    kpis = _kpis(session, item)
    bad = [_unknown_kpi(i) for i, a in enumerate(body.assignment_ids) if a not in kpis]
    if bad:
        raise coded(InvalidInput("An appeal names the person's own KPIs of the period.", bad), "cycle.appeal_own_kpis")
    decider = _skip_level(session, item.employee_id) if cycle.appeal_decider == "skip_level" else None
    now = clock_of(session).now()
    decisions.write(
        session,
        item,
        expected,
        {"status": "appealed", "answer": "appealed", "answered_at": now},
        caller=caller,
        action="appeal",
        entity="cycle_item",
    )
    row = CycleAppeal(
        item_id=item.id,
        cycle_id=cycle.id,
        employee_id=item.employee_id,
        decider_id=decider,
        assignment_ids=sorted(set(body.assignment_ids)),
        reason=body.reason,
        status="open",
        decision_reason="",
    )
    return common.create(session, row, caller=caller, entity="cycle_appeal")


def _skip_level(session: Session, employee_id: int) -> int | None:
    """The manager's manager of a person (None when there is none: HR decides)."""
    emp = session.get(Employee, employee_id)
    boss = session.get(Employee, emp.manager_id) if emp and emp.manager_id else None
    if boss is None or boss.manager_id in (None, employee_id):
        return None
    return boss.manager_id
