"""Review-cycle use cases the API calls: each write is one transaction (Idempotency-Key inside it), audited.

A cycle: HR opens it -> people self-assess -> reviewers review -> calibration (second reviews, HR's grade changes
on the existing calibration) -> HR publishes -> people confirm or appeal; deciders decide -> lock. Housekeeping
moves the stages on their dates (`stages.advance`); HR may move them early, extend them, reopen one result.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.clock import clock_of
from core.security import Caller
from core.tables import CycleItem, Period, ReviewCycleRow
from workflows.cycles import checkins, cockpit, data, decide, items, stages
from workflows.cycles.beside import beside as beside  # re-exported: the API calls use cases through this module
from workflows.cycles.rubrics import get_rubric as get_rubric
from workflows.cycles.rubrics import list_rubrics as list_rubrics
from workflows.cycles.schemas import (
    AppealCreate,
    AppealDecision,
    AppealPublic,
    CheckInComment,
    CheckInCreate,
    CycleCreate,
    CyclePublic,
    Extension,
    ItemPublic,
    ManagerReview,
    Reopen,
    RubricPublic,
    RubricSet,
    SelfAssessment,
    StageMove,
)
from workflows.results.grades import result_of
from workflows.shared import common, decisions

Answer = tuple[int, dict[str, Any]]


def _dump(schema: type[BaseModel], obj: Any) -> dict[str, Any]:
    return schema.model_validate(obj).model_dump(mode="json")


def _once(
    session: Session, caller: Caller, key: str | None, op: str, body: Any, make: Any, status: int = 200
) -> Answer:
    payload = {"op": op, **(body.model_dump(mode="json") if body is not None else {})}
    return common.run_once(session, caller=caller, key=key, payload=payload, produce=lambda: (status, make()))


def open_cycle(session: Session, caller: Caller, body: CycleCreate, key: str | None) -> Answer:
    """HR opens a cycle for a period and population."""
    return _once(
        session,
        caller,
        key,
        "open-cycle",
        body,
        lambda: _dump(CyclePublic, stages.open_cycle(session, caller, body)),
        201,
    )


def list_cycles(session: Session, *, limit: int, offset: int) -> tuple[list[ReviewCycleRow], int]:
    """Cycles, newest first (dates and stages are no secret; items are)."""
    stmt = select(ReviewCycleRow).order_by(ReviewCycleRow.id.desc())
    return common.paginate(session, stmt, limit=limit, offset=offset)


def get_cycle(session: Session, cycle_id: int) -> ReviewCycleRow:
    """One cycle."""
    return data.cycle_or_404(session, cycle_id)


def move_stage(
    session: Session, caller: Caller, cycle_id: int, body: StageMove, if_match: str | None, key: str | None
) -> Answer:
    """HR moves the cycle forward (publish, lock, ...) before its date."""

    def make() -> dict[str, Any]:
        cycle = data.cycle_or_404(session, cycle_id)
        expected = decisions.gate(cycle, if_match, entity="review cycle")
        stages.move(session, caller, cycle, body.stage, expected, body.reason or "moved by HR", bool(body.reason))
        return _dump(CyclePublic, cycle)

    return _once(session, caller, key, f"stage:{cycle_id}:{if_match}", body, make)


def extend(
    session: Session, caller: Caller, cycle_id: int, body: Extension, if_match: str | None, key: str | None
) -> Answer:
    """HR extends a stage for people or a team."""

    def make() -> dict[str, Any]:
        cycle = data.cycle_or_404(session, cycle_id)
        extended = decide.extend(session, caller, cycle, body, if_match)
        return {**_dump(CyclePublic, cycle), "extended": extended}

    return _once(session, caller, key, f"extend:{cycle_id}:{if_match}", body, make)


SHOWN = ("published", "confirmed", "appealed", "locked", "reopened")


def _with_result(session: Session, item: CycleItem) -> dict[str, Any]:
    """The item, and once published the person's result (score and grade from `workflows/results/grades.py`)."""
    out = _dump(ItemPublic, item)
    out["result"] = None
    if item.status in SHOWN:
        period = session.get(Period, item.period_id)
        res = result_of(session, period, item.employee_id) if period is not None else None
        out["result"] = {"score": res.score, "grade": res.grade} if res is not None else None
    return out


def list_items(session: Session, caller: Caller, cycle_id: int) -> list[dict[str, Any]]:
    """The cycle's items the caller may see."""
    data.cycle_or_404(session, cycle_id)
    return [_with_result(session, i) for i in data.items_for(session, caller, cycle_id)]


def get_item(session: Session, caller: Caller, cycle_id: int, item_id: int) -> dict[str, Any]:
    """One item the caller may see."""
    return _with_result(session, data.item_or_404(session, caller, cycle_id, item_id))


def _item_write(
    session: Session,
    caller: Caller,
    cycle_id: int,
    item_id: int,
    key: str | None,
    op: str,
    body: Any,
    do: Callable[[ReviewCycleRow, CycleItem], dict[str, Any]],
) -> Answer:
    def make() -> dict[str, Any]:
        cycle = data.cycle_or_404(session, cycle_id)
        item = data.item_or_404(session, caller, cycle_id, item_id)
        return do(cycle, item)

    return _once(session, caller, key, f"{op}:{item_id}", body, make)


def self_assess(
    session: Session,
    caller: Caller,
    cycle_id: int,
    item_id: int,
    body: SelfAssessment,
    if_match: str | None,
    key: str | None,
) -> Answer:
    """The person's self-assessment."""
    return _item_write(
        session, caller, cycle_id, item_id, key, f"self:{if_match}", body,
        lambda c, i: _dump(ItemPublic, items.self_assess(session, caller, c, i, body, if_match)),
    )  # fmt: skip


def review(
    session: Session,
    caller: Caller,
    cycle_id: int,
    item_id: int,
    body: ManagerReview,
    if_match: str | None,
    key: str | None,
) -> Answer:
    """The reviewer's review."""
    return _item_write(
        session, caller, cycle_id, item_id, key, f"review:{if_match}", body,
        lambda c, i: _dump(ItemPublic, items.manager_review(session, caller, c, i, body, if_match)),
    )  # fmt: skip


def confirm(
    session: Session, caller: Caller, cycle_id: int, item_id: int, if_match: str | None, key: str | None
) -> Answer:
    """The person confirms."""
    return _item_write(
        session, caller, cycle_id, item_id, key, f"confirm:{if_match}", None,
        lambda c, i: _dump(ItemPublic, items.confirm(session, caller, c, i, if_match)),
    )  # fmt: skip


def appeal(
    session: Session,
    caller: Caller,
    cycle_id: int,
    item_id: int,
    body: AppealCreate,
    if_match: str | None,
    key: str | None,
) -> Answer:
    """The person appeals."""

    def do(c: Any, i: Any) -> dict[str, Any]:
        return _dump(AppealPublic, items.appeal(session, caller, c, i, body, if_match))

    return _item_write(session, caller, cycle_id, item_id, key, f"appeal:{if_match}", body, do)


def reopen(
    session: Session, caller: Caller, cycle_id: int, item_id: int, body: Reopen, if_match: str | None, key: str | None
) -> Answer:
    """HR reopens one locked result."""
    return _item_write(
        session, caller, cycle_id, item_id, key, f"reopen:{if_match}", body,
        lambda c, i: _dump(ItemPublic, decide.reopen(session, caller, i, body, if_match)),
    )  # fmt: skip


def relock(
    session: Session, caller: Caller, cycle_id: int, item_id: int, body: Reopen, if_match: str | None, key: str | None
) -> Answer:
    """HR locks a reopened result again."""
    return _item_write(
        session, caller, cycle_id, item_id, key, f"relock:{if_match}", body,
        lambda c, i: _dump(ItemPublic, decide.relock(session, caller, i, body, if_match)),
    )  # fmt: skip


def list_appeals(session: Session, caller: Caller, status: str | None) -> list[dict[str, Any]]:
    """Appeals the caller may see (their own, those they decide; HR all)."""
    return [_dump(AppealPublic, a) for a in data.appeals_for(session, caller, status)]


def decide_appeal(
    session: Session, caller: Caller, appeal_id: int, body: AppealDecision, if_match: str | None, key: str | None
) -> Answer:
    """The decider upholds or changes."""
    return _once(
        session, caller, key, f"decide:{appeal_id}:{if_match}", body,
        lambda: _dump(AppealPublic, decide.decide_appeal(session, caller, appeal_id, body, if_match)),
    )  # fmt: skip


def set_rubric(
    session: Session, caller: Caller, indicator_id: int, body: RubricSet, if_match: str | None, key: str | None
) -> Answer:
    """HR defines an indicator's rubric."""
    return _once(
        session, caller, key, f"rubric:{indicator_id}:{if_match}", body,
        lambda: _dump(RubricPublic, decide.set_rubric(session, caller, indicator_id, body, if_match)),
    )  # fmt: skip


def cycle_cockpit(session: Session, cycle_id: int) -> dict[str, Any]:
    """HR's cockpit of a cycle."""
    return cockpit.cockpit(session, cycle_id, clock_of(session).today())


def post_check_in(session: Session, caller: Caller, body: CheckInCreate, key: str | None) -> Answer:
    """The KPI's owner posts this week's check-in."""
    return _once(
        session, caller, key, "check-in", body,
        lambda: checkins.public(session, [checkins.post(session, caller, body)])[0], 201,
    )  # fmt: skip


def list_check_ins(
    session: Session, caller: Caller, *, employee_id: int | None, period_id: int | None, limit: int, offset: int
) -> tuple[list[Any], int]:
    """Check-ins the caller may read."""
    return checkins.listing(session, caller, employee_id=employee_id, period_id=period_id, limit=limit, offset=offset)


def comment_check_in(
    session: Session, caller: Caller, check_in_id: int, body: CheckInComment, if_match: str | None, key: str | None
) -> Answer:
    """The manager chain comments on a check-in."""
    return _once(
        session, caller, key, f"check-in-comment:{check_in_id}:{if_match}", body,
        lambda: checkins.public(session, [checkins.comment(session, caller, check_in_id, body, if_match)])[0],
    )  # fmt: skip
