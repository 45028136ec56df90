"""When a goal draft may be reused instead of drafted again: a digest of everything that determines a draft, the
open draft of identical inputs, and the newest unedited result the model did not fail on."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.catalogue import active_catalogue
from assistant.prompts import load_prompt
from core.tables import GoalDraft
from workflows.drafts.inputs import DraftInputs
from workflows.shared import common

ENGINE_VERSION = "2"  # bump when the service's mapping of inputs changes, so cached drafts are not reused
PROMPT_IDS = ("cascade_department", "cascade_role")


def input_hash(inputs: DraftInputs, *, department_id: int, period_id: int, lang: str, provider: dict[str, Any]) -> str:
    """A digest of everything that determines a draft: identical inputs may reuse an earlier result."""
    payload = {
        "engine": ENGINE_VERSION,
        "prompts": {p: load_prompt(p).version for p in PROMPT_IDS},
        "department_id": department_id,
        "period_id": period_id,
        "lang": lang,
        "provider": provider,
        "org": inputs.org.model_dump(mode="json"),
        "company": inputs.company.model_dump(mode="json"),
        "inputs": inputs.summary(),
        # The catalogue in force: an indicator HR adds or renames changes what a draft may contain.
        "catalogue": [i.model_dump(mode="json") for i in active_catalogue()],
    }
    return common.request_hash(payload)


def open_identical(session: Session, department_id: int, period_id: int, digest: str) -> GoalDraft | None:
    """The newest still-open draft of the same department, period and inputs (edited or not)."""
    return newest_usable(
        session,
        GoalDraft.department_id == department_id,
        GoalDraft.period_id == period_id,
        GoalDraft.input_hash == digest,
        GoalDraft.status == "draft",
    )


def open_for(session: Session, department_id: int, period_id: int) -> GoalDraft | None:
    """The department's open draft for the period, whatever it was made from: one open draft per department and
    period unless the manager asks for an alternative (a draft the model failed on is asked again)."""
    return newest_usable(
        session,
        GoalDraft.department_id == department_id,
        GoalDraft.period_id == period_id,
        GoalDraft.status == "draft",
    )


def cached(session: Session, digest: str) -> GoalDraft | None:
    """The newest unedited draft of identical inputs; fallbacks are not reused, so a recovered model is asked."""
    return newest_usable(session, GoalDraft.input_hash == digest, GoalDraft.edited.is_(False))


def newest_usable(session: Session, *where: Any) -> GoalDraft | None:
    """The newest draft matching `where` that the model did not fail on (no `fallback:` flag): asking again asks
    the model again. Only ids and flags are read to choose, never the (large) bodies of every candidate."""
    candidates = session.execute(select(GoalDraft.id, GoalDraft.flags).where(*where).order_by(GoalDraft.id.desc()))
    for draft_id, flags in candidates:
        if not any(str(f).startswith("fallback:") for f in flags or ()):
            return session.get(GoalDraft, draft_id)
    return None
