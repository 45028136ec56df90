"""Second review: flags become review items; HR or the manager's manager confirms or adjusts the scores.

A flag questions the scores of the people it names (`related`; none = the whole pool). While such an item is
open, an allocation paying any of those people cannot be approved. Decisions are audited with their reason;
adjusted scores replace the computed ones for the period and a proposed allocation is recomputed with them.
Nobody decides a review of their own scoring or adjusts their own score.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.clock import clock_of
from core.errors import InvalidInput, NotFound, coded
from core.security import Caller
from core.tables import Department, Employee, ReviewItem
from kpi.anomaly import AnomalyFlag
from workflows.shared import common, decisions
from workflows.shared.period_lock import ensure_open


def raise_flags(
    session: Session,
    caller: Caller | None,
    flags: list[tuple[AnomalyFlag, int | None]],
    period_id: int,
    pool_id: int | None,
) -> list[ReviewItem]:
    """Store each (flag, subject employee) as an open review item, once per (period, code, subject)."""
    out = []
    for flag, subject_emp in flags:
        exists = session.execute(
            select(ReviewItem.id).where(
                ReviewItem.period_id == period_id, ReviewItem.code == flag.code, ReviewItem.subject == flag.subject
            )
        ).first()
        if exists is not None:
            continue
        item = ReviewItem(
            period_id=period_id,
            pool_id=pool_id,
            code=flag.code,
            subject=flag.subject,
            subject_employee_id=subject_emp,
            evidence=dict(flag.evidence),
            explanation_en=flag.explanation_en,
            explanation_zh=flag.explanation_zh,
            related=sorted(int(x) for x in flag.related),
            status="open",
            reason="",
        )
        out.append(common.create(session, item, caller=caller, entity="review_item"))
    return out


def open_items_for(session: Session, period_id: int, employee_ids: set[int]) -> list[ReviewItem]:
    """Open items of the period that question any of these people (or the whole pool)."""
    items = session.execute(
        select(ReviewItem).where(ReviewItem.period_id == period_id, ReviewItem.status == "open").order_by(ReviewItem.id)
    ).scalars()
    return [i for i in items if not i.related or set(i.related) & employee_ids]


def may_review(session: Session, caller: Caller, item: ReviewItem) -> bool:
    """HR/admin, or the manager of the person whose scoring is questioned; never that person themselves."""
    if caller.employee_id is not None and caller.employee_id == item.subject_employee_id:
        return False
    if caller.sees_everything:
        return True
    if caller.employee_id is None or item.subject_employee_id is None:
        return False
    subject = session.get(Employee, item.subject_employee_id)
    return subject is not None and subject.manager_id == caller.employee_id


def list_reviews(
    session: Session, caller: Caller, *, status: str | None, period_id: int | None, limit: int, offset: int
) -> tuple[list[ReviewItem], int]:
    """Review items the caller may decide (HR/admin: all but their own), newest first."""
    stmt = select(ReviewItem).order_by(ReviewItem.id.desc())
    if status:
        stmt = stmt.where(ReviewItem.status == status)
    if period_id is not None:
        stmt = stmt.where(ReviewItem.period_id == period_id)
    if not caller.sees_everything:
        if caller.employee_id is None:
            return [], 0
        reports = select(Employee.id).where(Employee.manager_id == caller.employee_id)
        stmt = stmt.where(ReviewItem.subject_employee_id.in_(reports))
    elif caller.employee_id is not None:
        stmt = stmt.where(
            (ReviewItem.subject_employee_id.is_(None)) | (ReviewItem.subject_employee_id != caller.employee_id)
        )
    return common.paginate(session, stmt, limit=limit, offset=offset)


def get_review(session: Session, caller: Caller, item_id: int) -> ReviewItem:
    """A review item the caller may decide; others answer like a missing id."""
    item = session.get(ReviewItem, item_id)
    if item is None or not may_review(session, caller, item):
        raise coded(NotFound(f"Review item {item_id} not found."), "not_found", thing="review_item")
    return item


def _checked_adjustments(session: Session, caller: Caller, item: ReviewItem, data: Any) -> dict[str, float]:
    if data.decision == "confirm":
        if data.adjustments:
            raise coded(
                InvalidInput("A confirmation keeps the scores: send no adjustments, or decide 'adjust'."),
                "pay.confirm_without_changes",
            )
        return {}
    if not data.adjustments:
        raise coded(
            InvalidInput("An adjustment names at least one person and their new score."), "pay.adjustment_empty"
        )
    allowed = set(item.related) if item.related else None
    errors: list[dict[str, object]] = []
    out: dict[str, float] = {}
    for i, adj in enumerate(data.adjustments):
        if caller.employee_id == adj.employee_id:
            errors.append({"loc": ["adjustments", i, "employee_id"], "msg": "nobody adjusts their own score"})
        elif allowed is not None and adj.employee_id not in allowed:
            errors.append({"loc": ["adjustments", i, "employee_id"], "msg": "this person is not under this review"})
        elif allowed is None and session.get(Employee, adj.employee_id) is None:
            errors.append({"loc": ["adjustments", i, "employee_id"], "msg": "no such employee"})
        out[str(adj.employee_id)] = float(adj.score)
    if errors:
        raise coded(
            InvalidInput("Some adjustments cannot be made.", errors), "pay.adjustments_invalid", count=len(errors)
        )
    return out


def decide(session: Session, caller: Caller, item_id: int, data: Any, if_match: str | None) -> ReviewItem:
    """Confirm or adjust once (If-Match), audited with the reason (the caller commits)."""
    item = get_review(session, caller, item_id)
    expected = decisions.gate(
        item,
        if_match,
        entity="review item",
        open_statuses=("open",),
        closed=f"Review item {item_id} was already {item.status} by {item.decided_by_name}.",
    )
    ensure_open(session, item.period_id)
    adjustments = _checked_adjustments(session, caller, item, data)
    changes = {
        "status": "confirmed" if data.decision == "confirm" else "adjusted",
        "decided_by_name": caller.username,
        "decided_at": clock_of(session).now(),
        "reason": data.reason,
        "adjustments": adjustments or None,
    }
    record = {"code": item.code, "subject": item.subject, "evidence_shown": item.evidence}
    return decisions.write(
        session, item, expected, changes, caller=caller, action="review", entity="review_item", record=record
    )


def department_codes(session: Session) -> dict[int, str]:
    """Department id -> code."""
    return dict(session.execute(select(Department.id, Department.code)).all())
