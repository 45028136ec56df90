"""A cycle's stages: HR opens it, housekeeping (or HR) moves it forward on its dates, publishes and locks it.

Flow: open (one item per person of the population, with their reviewer) -> self-assessment -> manager review ->
calibration (the inflation and divergence checks raise second-review items) -> published (only when no second
review of the period is open and every item is reviewed; results stored, people notified) -> the confirmation
window (no answer by its last day = confirmed, and says so) -> locked (no appeal open; results stored and frozen,
the period read-only). Every move is one audited decision on the cycle row (If-Match for HR's moves).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.clock import clock_of
from core.errors import Conflict, InvalidInput, NotFound, coded
from core.security import Caller
from core.tables import CYCLE_STAGES, Company, CycleAppeal, CycleItem, Period, ReviewCycleRow
from kpi.anomaly import AnomalyFlag
from workflows.cycles import data
from workflows.cycles.schemas import CycleCreate
from workflows.pay import reviews
from workflows.results.store import record_results
from workflows.shared import audit, common, decisions
from workflows.shared.period_lock import locked_error

DATE_OF = {
    "manager_review": "manager_review_on",
    "calibration": "calibration_on",
    "published": "publish_on",
    "locked": "lock_on",
}


def open_cycle(session: Session, caller: Caller, body: CycleCreate) -> ReviewCycleRow:
    """Store the cycle and one item per person of its population (the caller commits)."""
    period = session.get(Period, body.period_id)
    if period is None:
        raise coded(NotFound(f"Period {body.period_id} not found."), "not_found", thing="period")
    if period.locked_at is not None:
        raise locked_error(period)
    if body.population == "departments" and not body.department_ids:
        raise coded(
            InvalidInput("Name the departments of the cycle.", [{"loc": ["body", "department_ids"], "msg": "empty"}]),
            "cycle.departments_required",
        )
    _check_dates(body)
    company = session.execute(select(Company).order_by(Company.id).limit(1)).scalar_one_or_none()
    people = data.population(session, period, body.population, body.department_ids, body.all_cadences)
    if not people:
        raise coded(
            InvalidInput(f"Nobody of this population is reviewed on the cadence of period {period.code}."),
            "cycle.nobody_on_cadence",
            period_zh=period.name_zh,
            period_en=period.name_en,
        )
    cycle = ReviewCycleRow(
        **body.model_dump(exclude={"all_cadences"}),
        appeal_decider=company.appeal_decider if company else "hr",
        timezone=clock_of(session).tz.key,
        stage="self_assessment" if body.self_assessment else "manager_review",
        created_by_name=caller.username,
    )
    common.create(session, cycle, caller=caller, entity="review_cycle", duplicate="Period already has a review cycle.")
    for emp in people:
        reviewer, skip = data.reviewer_of(session, emp)
        session.add(
            CycleItem(
                cycle_id=cycle.id,
                period_id=period.id,
                employee_id=emp.id,
                department_id=emp.department_id,
                reviewer_id=reviewer,
                skip_level=skip,
                status="open",
                self_entries={},
                review_entries={},
                overall_comment="",
                extensions={},
                reopen_reason="",
            )
        )
    session.flush()
    audit.record(
        session,
        actor=caller,
        action="open",
        entity="review_cycle",
        entity_id=cycle.id,
        after={"items": [{"employee_id": e.id, "reviewer_id": data.reviewer_of(session, e)[0]} for e in people]},
    )
    return cycle


def _check_dates(body: CycleCreate) -> None:
    days = [body.self_assessment_on, body.manager_review_on, body.calibration_on, body.publish_on, body.appeal_until]
    if days != sorted(days) or not body.appeal_until < body.lock_on:
        raise coded(
            InvalidInput(
                "Stage dates must follow each other: self-assessment <= manager review <= calibration <= publish <= "
                "last day to appeal < lock.",
                [{"loc": ["body", "lock_on"], "msg": "stage dates out of order"}],
            ),
            "cycle.stage_dates_order",
        )


def _blocked(code: str, en: str, zh: str) -> Conflict:
    return coded(Conflict(en), code, zh)


def _items(session: Session, cycle: ReviewCycleRow) -> list[CycleItem]:
    return list(session.execute(select(CycleItem).where(CycleItem.cycle_id == cycle.id)).scalars())


def blocking_reviews(session: Session, cycle: ReviewCycleRow) -> list[int]:
    """Open second-review items of the period that question anyone of the cycle (they block publication)."""
    people = {i.employee_id for i in _items(session, cycle)}
    return [i.id for i in reviews.open_items_for(session, cycle.period_id, people)]


def _raise_checks(session: Session, cycle: ReviewCycleRow, caller: Caller | None) -> int:
    """Run the inflation and divergence checks on the period and queue what they flag for second review."""
    from workflows.coaching.anomalies import anomaly_report
    from workflows.pay.data import department_heads

    report = anomaly_report(session, cycle.period_id, today=clock_of(session).today())
    heads = department_heads(session)
    flags: list[tuple[AnomalyFlag, int | None]] = []
    for f in report.flags:
        flag = AnomalyFlag(
            code=str(f["code"]),
            subject=str(f["subject"]),
            evidence=dict(f.get("evidence") or {}),
            explanation_en=str(f["explanation_en"]),
            explanation_zh=str(f["explanation_zh"]),
            related=[str(x) for x in f.get("related") or []],
        )
        flags.append((flag, heads.get(flag.subject)))
    return len(reviews.raise_flags(session, caller, flags, cycle.period_id, None))


def _enter(session: Session, cycle: ReviewCycleRow, stage: str, caller: Caller | None, force: bool) -> dict[str, Any]:
    """The work of entering `stage` (refused with a coded 409 when it must wait; HR may publish without missing
    manager reviews when they give a reason); what it did, for the audit."""
    items = _items(session, cycle)
    period = session.get(Period, cycle.period_id)
    assert period is not None
    now = clock_of(session).now()
    if stage == "calibration":
        return {"second_reviews_raised": _raise_checks(session, cycle, caller)}
    if stage == "published":
        waiting = blocking_reviews(session, cycle)
        if waiting:
            raise _blocked(
                "cycle.reviews_open",
                f"Second reviews {waiting} are still open: decide them before publishing (Pay > second review).",
                f"还有 {len(waiting)} 项二次复核未处理：请先在“二次复核”中处理，再发布结果。",
            )
        unreviewed = [i.employee_id for i in items if i.status in ("open", "self_assessed")]
        if unreviewed and not force:
            raise _blocked(
                "cycle.reviews_missing",
                f"{len(unreviewed)} people have no manager review yet: remind their managers or extend the stage.",
                f"还有 {len(unreviewed)} 人尚未完成上级评价：请提醒其上级或延长该阶段。",
            )
        record_results(session, period, caller=caller, cause=f"review cycle #{cycle.id} published")
        for i in items:
            i.status, i.version = "published", i.version + 1
        cycle.published_at = now
        return {"published": len(items), "published_without_review": unreviewed}
    if stage == "locked":
        open_appeals = session.execute(
            select(CycleAppeal.id).where(CycleAppeal.cycle_id == cycle.id, CycleAppeal.status == "open")
        ).scalars()
        waiting = list(open_appeals)
        if waiting:
            raise _blocked(
                "cycle.appeals_open",
                f"Appeals {waiting} are still open: decide them before the lock.",
                f"还有 {len(waiting)} 项申诉未处理：请先处理申诉，再锁定结果。",
            )
        today = clock_of(session).today()
        waiting = [i.employee_id for i in items if i.status == "published" and today <= _answer_until(cycle, i)]
        if waiting:
            raise _blocked(
                "cycle.window_open",
                f"{len(waiting)} people may still confirm or appeal (until {cycle.appeal_until}); lock after that.",
                f"还有 {len(waiting)} 人仍可确认或申诉（截止 {cycle.appeal_until}），请在截止后再锁定。",
            )
        confirmed = confirm_silent(session, cycle, None, force=True)
        record_results(session, period, caller=caller, cause=f"review cycle #{cycle.id} locked")
        decisions.write(
            session, period, period.version, {"locked_at": now}, caller=caller, action="lock", entity="period"
        )
        for i in items:
            i.status, i.version = "locked", i.version + 1
        cycle.locked_at = now
        return {"locked": len(items), "confirmed_by_deadline": confirmed}
    return {}


def _answer_until(cycle: ReviewCycleRow, item: CycleItem) -> date:
    """The last day this person may confirm or appeal (the cycle's, or HR's extension)."""
    return date.fromisoformat(item.extensions.get("published", cycle.appeal_until.isoformat()))


def confirm_silent(session: Session, cycle: ReviewCycleRow, today: date | None, *, force: bool = False) -> int:
    """Published items without an answer after the last day to appeal (or a person's extension): confirmed by the
    deadline, and the item says so. Audited once per cycle."""
    done = []
    for item in _items(session, cycle):
        if item.status != "published":
            continue
        if force or (today is not None and today > _answer_until(cycle, item)):
            item.status, item.answer, item.version = "confirmed", "confirmed_by_deadline", item.version + 1
            item.answered_at = clock_of(session).now()
            done.append(item.employee_id)
    if done:
        audit.record(
            session,
            actor=None,
            action="confirm_by_deadline",
            entity="review_cycle",
            entity_id=cycle.id,
            after={"employees": done, "appeal_until": cycle.appeal_until.isoformat()},
        )
    return len(done)


def move(
    session: Session, caller: Caller | None, cycle: ReviewCycleRow, stage: str, expected: int, why: str, force: bool
) -> None:
    """Move the cycle forward to `stage`, entering every stage in between (one audited decision each)."""
    now_at = CYCLE_STAGES.index(cycle.stage)
    target = CYCLE_STAGES.index(stage)
    if target <= now_at:
        raise _blocked(
            "cycle.stage_backwards",
            f"The cycle is at {cycle.stage}; stages only move forward.",
            "评估周期的阶段只能向前推进。",
        )
    for name in CYCLE_STAGES[now_at + 1 : target + 1]:
        did = _enter(session, cycle, name, caller, force)
        decisions.write(
            session,
            cycle,
            expected,
            {"stage": name, "published_at": cycle.published_at, "locked_at": cycle.locked_at},
            caller=caller,
            action="stage",
            entity="review_cycle",
            record={"reason": why, **did},
        )
        expected = cycle.version


def advance(session: Session, today: date | None = None) -> list[str]:
    """Housekeeping: confirm silent people after the window, then move every cycle to the stage its dates reach
    in the company's time zone; a stage that must wait (open reviews or appeals) stays, the cockpit says why."""
    today = today or clock_of(session).today()
    moved = []
    cycles = session.execute(select(ReviewCycleRow).where(ReviewCycleRow.stage != "locked")).scalars()
    for cycle in list(cycles):
        confirm_silent(session, cycle, today)
        due = [s for s, col in DATE_OF.items() if getattr(cycle, col) <= today]
        if not due or CYCLE_STAGES.index(due[-1]) <= CYCLE_STAGES.index(cycle.stage):
            continue
        for stage in CYCLE_STAGES[CYCLE_STAGES.index(cycle.stage) + 1 : CYCLE_STAGES.index(due[-1]) + 1]:
            try:
                with session.begin_nested():
                    move(session, None, cycle, stage, cycle.version, f"{stage} date reached", False)
            except Conflict:
                break
            moved.append(f"{cycle.id}:{stage}")
    return moved
