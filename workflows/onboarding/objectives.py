"""Correcting an objective and its key results after creation: versioned (If-Match), audited, and every open
goal draft made from the old text is flagged stale (its inputs changed; ask for a new draft)."""

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.errors import InvalidInput, coded
from core.security import Caller
from core.tables import GoalDraft, KeyResult, Objective
from workflows.goals.flows import ensure_may_plan, get_objective, objective_view
from workflows.onboarding.schemas import ObjectiveEdit
from workflows.shared import audit, common

MAX_KRS = 5


def _edit_krs(session: Session, caller: Caller, obj: Objective, data: ObjectiveEdit) -> list[int]:
    """Apply the key-result edits (by code; new codes are added, absent ones kept); the changed KR ids."""
    current = {k.code: k for k in session.execute(select(KeyResult).where(KeyResult.objective_id == obj.id)).scalars()}
    if len(set(current) | {k.code for k in data.key_results}) > MAX_KRS:
        raise coded(
            InvalidInput(f"An objective has at most {MAX_KRS} key results."),
            "okr.too_many_krs",
            "一个目标最多 5 个关键结果。",
        )
    changed = []
    for edit in data.key_results:
        fields = edit.model_dump(exclude_unset=True, exclude={"code"})
        kr = current.get(edit.code)
        if kr is None:
            if not fields.get("title"):
                raise coded(
                    InvalidInput(f"New key result {edit.code} needs a title."),
                    "okr.kr_title",
                    f"新关键结果 {edit.code} 需要标题。",
                )
            kr = common.create(
                session, KeyResult(objective_id=obj.id, code=edit.code, **fields), caller=caller, entity="key_result"
            )
        elif fields:
            before = common.snapshot(kr)
            for k, v in fields.items():
                setattr(kr, k, v)
            kr.version += 1
            session.flush()
            audit.record(
                session,
                actor=caller,
                action="update",
                entity="key_result",
                entity_id=kr.id,
                before=before,
                after=common.snapshot(kr),
            )
        changed.append(kr.id)
    return changed


def _flag_stale_drafts(session: Session, obj: Objective, kr_ids: set[int]) -> list[int]:
    """Open drafts of the period whose inputs carried these key results get a `stale:objective:{id}` flag."""
    stale = []
    for draft in session.execute(
        select(GoalDraft).where(GoalDraft.period_id == obj.period_id, GoalDraft.status == "draft")
    ).scalars():
        used = {int(v) for v in (draft.inputs or {}).get("kr_ids", {}).values() if isinstance(v, int)}
        flag = f"stale:objective:{obj.id}"
        if used & kr_ids and flag not in (draft.flags or []):
            draft.flags = [*(draft.flags or []), flag]
            stale.append(draft.id)
    return stale


@common.use_case
def edit_objective(
    session: Session, caller: Caller, objective_id: int, data: ObjectiveEdit, if_match: str | None
) -> dict[str, Any]:
    """Change an objective's title and key results (If-Match on the objective; one commit)."""
    obj = get_objective(session, caller, objective_id)
    ensure_may_plan(session, caller, obj.department_id, obj.employee_id)
    changes = data.model_dump(exclude_unset=True, include={"title"})
    # The objective's version moves with every edit, its key results' too, so If-Match guards the whole.
    common.update_versioned(
        session, obj, {**changes, "code": obj.code}, if_match=if_match, caller=caller, entity="objective"
    )
    _edit_krs(session, caller, obj, data)
    all_krs = set(session.execute(select(KeyResult.id).where(KeyResult.objective_id == obj.id)).scalars())
    stale = _flag_stale_drafts(session, obj, all_krs)
    return {**objective_view(session, obj), "stale_drafts": stale}
