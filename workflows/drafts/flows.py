"""Goal drafts: a manager asks for their department's OKR and personal KPIs for a period, edits, publishes.

Flow: read the inputs from the database (org, company OKRs of the period, forecast ranges, last period's
actuals) -> hash them -> reuse an identical earlier result, or let the assistant cascade them (offline
engine by default, an OpenAI-compatible model when configured; model failures come back as flagged
fallbacks) -> store the draft. Edits are re-checked by the assistant's guards; publishing turns the draft
into the department objective, its key results and KPI assignments (workflows/drafts_publish.py).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.draft import draft_from_company
from assistant.errors import InputError
from assistant.flag_notes import notes as flag_notes
from assistant.llm import LLMConfig
from assistant.schemas import GoalDraft as DraftModel
from core.errors import InvalidInput, NotFound, coded
from core.security import Caller
from core.settings import Settings
from core.tables import Department, Employee, GoalDraft, Period, User
from workflows.drafts import reuse
from workflows.drafts.edit import apply_edits
from workflows.drafts.inputs import DraftInputs, read_inputs
from workflows.drafts.llm import DepartmentScopedProvider, build_provider, cache_key, llm_config
from workflows.drafts.schemas import DraftCreate, DraftUpdate, GoalDraftPublic
from workflows.forecasts.flows import company_forecast
from workflows.goals.catalogue import live_scope
from workflows.shared import audit, common, decisions
from workflows.shared.access import managed_department_ids


def _department_for(session: Session, caller: Caller, department_id: int) -> Department:
    """A department the caller may plan for (HR/admin: any; managers: their tree); NotFound otherwise."""
    dept = session.get(Department, department_id)
    managed = managed_department_ids(session, caller)
    if dept is None or (managed is not None and dept.id not in managed):
        raise coded(NotFound(f"Department {department_id} not found."), "not_found", thing="department")
    return dept


def _generate(inputs: DraftInputs, lang: str, config: LLMConfig, flags: list[str]) -> DraftModel:
    provider = DepartmentScopedProvider(build_provider(config, flags), inputs.department_code, lang)
    try:
        draft = draft_from_company(
            inputs.company,
            inputs.org,
            lang=lang,
            provider=provider,
            forecasts=inputs.forecasts,
            actuals=inputs.actuals,
            flags=inputs.flags + flags,
            weights={inputs.department_code: inputs.weights} if inputs.weights else None,
        )
    except InputError as exc:  # e.g. the company KRs leave nothing to cascade
        raise coded(
            InvalidInput(
                f"The company OKRs of this period cannot be drafted: {exc}", [{"loc": ["period_id"], "msg": str(exc)}]
            ),
            "draft.company_okrs_unusable",
        ) from exc
    return draft


def _audit_view(row: GoalDraft) -> dict[str, Any]:
    """What the audit log keeps of a draft: who, what for, which inputs; not the (large) body."""
    return {
        "department_id": row.department_id,
        "period_id": row.period_id,
        "language": row.language,
        "provider": row.provider,
        "model": row.model,
        "status": row.status,
        "input_hash": row.input_hash,
        "source_draft_id": row.source_draft_id,
        "flags": row.flags,
        "version": row.version,
    }


def request_draft(
    session: Session, caller: Caller, data: DraftCreate, settings: Settings | None, key: str | None
) -> tuple[int, dict[str, Any]]:
    """A manager asks for a draft: one transaction with the Idempotency-Key record; a retry gets the first."""
    payload = {"op": "goal-draft", **data.model_dump(mode="json")}
    return common.run_once(
        session,
        caller=caller,
        key=key,
        payload=payload,
        produce=lambda: _created_or_existing(session, caller, data, settings),
    )


def _created_or_existing(
    session: Session, caller: Caller, data: DraftCreate, settings: Settings | None
) -> tuple[int, dict[str, Any]]:
    """201 for a new draft; 200 with `existing: true` when an identical open draft is returned instead."""
    row, created, changed = draft_or_existing(session, caller, data, settings)
    return (201 if created else 200), {**detail(row), "existing": not created, "inputs_changed": changed}


def detail(row: GoalDraft) -> dict[str, Any]:
    """A draft as the API shows it: its record and the department's view of the draft."""
    data = GoalDraftPublic.model_validate(row).model_dump(mode="json")
    data["draft"] = department_view(row)
    data["notes"] = [n.model_dump() for n in flag_notes(DraftModel.model_validate(row.draft), row.language)]
    data["forecast_job_id"] = (row.inputs or {}).get("forecast_job_id")
    return data


def create_draft(session: Session, caller: Caller, data: DraftCreate, settings: Settings | None) -> GoalDraft:
    """Draft a department's goals for a period, or return the open draft of identical inputs; caller commits."""
    return draft_or_existing(session, caller, data, settings)[0]


def draft_or_existing(
    session: Session, caller: Caller, data: DraftCreate, settings: Settings | None
) -> tuple[GoalDraft, bool, bool]:
    """(draft, created, inputs changed): a new draft (or one reusing an identical earlier draft's body), or,
    unless `data.again`, the department's open draft for the period (the identical one first); a new draft is
    audited; the caller commits."""
    dept = _department_for(session, caller, data.department_id)
    period = session.get(Period, data.period_id)
    if period is None:
        raise coded(NotFound(f"Period {data.period_id} not found."), "not_found", thing="period")
    with live_scope(session):  # the catalogue the API edits, not only the shipped file
        return _create_draft(session, caller, data, dept, period, settings)


def _create_draft(
    session: Session, caller: Caller, data: DraftCreate, dept: Department, period: Period, settings: Settings | None
) -> tuple[GoalDraft, bool, bool]:
    inputs = read_inputs(session, dept, period, data.lang)
    if not inputs.forecasts and settings is not None and settings.draft_forecast:
        # The sales range needs every shop's forecast: start (or join) one for all shops, whoever asks.
        job = company_forecast(session, caller, period)
        if job is not None:
            inputs.forecast_job_id = job.id
            inputs.flags.append(f"forecast_pending:{job.id}")
    # No settings (the demo loader): the offline engine.
    config = llm_config(settings) if settings is not None else LLMConfig()
    digest = reuse.input_hash(
        inputs, department_id=dept.id, period_id=period.id, lang=data.lang, provider=cache_key(config)
    )
    if not data.again:
        # One open draft per department and period: the identical one, else the open one (the answer says
        # when its inputs changed since; `again` drafts an alternative).
        open_draft = reuse.open_identical(session, dept.id, period.id, digest) or reuse.open_for(
            session, dept.id, period.id
        )
        if open_draft is not None:
            return open_draft, False, open_draft.input_hash != digest
    source = reuse.cached(session, digest)
    if source is not None:
        body = dict(source.draft)
        body["calls"] = [{**c, "cached": True} for c in body.get("calls", [])]
        flags, provider, model = list(source.flags), source.provider, source.model
    else:
        if config.provider != "offline":
            # A model may take many seconds: no connection or SQLite write turn is held meanwhile. What this
            # request wrote so far (a forecast job it started) commits now; the draft commits with its key.
            common.release_connection(session)
        extra: list[str] = []
        draft = _generate(inputs, data.lang, config, extra)
        body, flags = draft.model_dump(mode="json"), list(draft.flags)
        provider, model = draft.provider, (config.model if draft.provider != "offline" else "offline")
    row = GoalDraft(
        department_id=dept.id,
        period_id=period.id,
        language=data.lang,
        provider=provider,
        model=model,
        status="draft",
        draft=body,
        flags=flags,
        inputs=inputs.summary(),
        input_hash=digest,
        edited=False,
        source_draft_id=source.id if source else None,
        created_by=caller.user_id,
        created_by_name=caller.username,
    )
    session.add(row)
    session.flush()
    audit.record(session, actor=caller, action="create", entity="goal_draft", entity_id=row.id, after=_audit_view(row))
    return row, True, False


def list_drafts(
    session: Session,
    caller: Caller,
    *,
    department_id: int | None,
    period_id: int | None,
    status: str | None,
    limit: int,
    offset: int,
) -> tuple[list[GoalDraft], int]:
    """Drafts the caller may see (HR/admin: all; managers: their department tree), newest first."""
    stmt = select(GoalDraft).order_by(GoalDraft.id.desc())
    for column, value in (
        (GoalDraft.department_id, department_id),
        (GoalDraft.period_id, period_id),
        (GoalDraft.status, status),
    ):
        if value is not None:
            stmt = stmt.where(column == value)
    managed = managed_department_ids(session, caller)
    if managed is not None:
        stmt = stmt.where(GoalDraft.department_id.in_(managed))
    return common.paginate(session, stmt, limit=limit, offset=offset)


def with_person_names(session: Session, rows: list[GoalDraft]) -> list[GoalDraftPublic]:
    """Drafts as the pages show them: who created and published each by the person's name, not the login name
    (the stored login name stays when no employee is linked to it)."""
    logins = {r.created_by_name for r in rows} | {r.published_by_name for r in rows if r.published_by_name}
    stmt = select(User.username, Employee.name_zh).join(Employee, Employee.id == User.employee_id)
    names = {username: name for username, name in session.execute(stmt.where(User.username.in_(logins))).all()}
    return [
        GoalDraftPublic.model_validate(r).model_copy(
            update={
                "created_by_name": names.get(r.created_by_name, r.created_by_name),
                "published_by_name": r.published_by_name and names.get(r.published_by_name, r.published_by_name),
            }
        )
        for r in rows
    ]


def get_draft(session: Session, caller: Caller, draft_id: int) -> GoalDraft:
    """A draft of a department the caller plans for; NotFound otherwise (same as a missing id)."""
    row = session.get(GoalDraft, draft_id)
    managed = managed_department_ids(session, caller)
    if row is None or (managed is not None and row.department_id not in managed):
        raise coded(NotFound(f"Goal draft {draft_id} not found."), "not_found", thing="goal_draft")
    return row


def department_view(row: GoalDraft) -> dict[str, Any]:
    """The department's part of a stored draft: its OKR, its roles' KPIs and each member's KPIs."""
    body, code = row.draft, row.inputs["department_code"]
    return {
        "language": body["language"],
        "period": body.get("period"),
        "provider": body.get("provider"),
        "company": body["company"],
        "department": next(d for d in body["departments"] if d["code"] == code),
        "roles": [r for r in body["roles"] if r["department"] == code],
        "people": [p for p in body.get("people", []) if p["department"] == code],
        "driver_splits": body.get("driver_splits", []),
        "inputs": {k: v for k, v in row.inputs.items() if k != "kr_ids"},
        "calls": body.get("calls", []),
    }


def check_version(row: GoalDraft, if_match: str | None) -> int:
    """The If-Match version (428 when missing, 412 when stale) of a draft that is still a draft (409 if not)."""
    return decisions.gate(
        row,
        if_match,
        entity="goal draft",
        open_statuses=("draft",),
        closed=f"Goal draft {row.id} is already {row.status}; ask for a new draft to change the goals.",
    )


def update_draft(session: Session, caller: Caller, draft_id: int, data: DraftUpdate, if_match: str | None) -> GoalDraft:
    """Edit weights, targets or parent links (If-Match); the assistant's guards must pass; audited (the caller
    commits: see `edit`)."""
    row = get_draft(session, caller, draft_id)
    expected = check_version(row, if_match)
    with live_scope(session):  # an indicator HR added through the API can be put on the scorecard
        edited = apply_edits(DraftModel.model_validate(row.draft), row.inputs["department_code"], data.kpis)
    record = {"edits": data.model_dump(mode="json"), **_audit_view(row)}
    changes = {"draft": edited.model_dump(mode="json"), "edited": True}
    decisions.write(session, row, expected, changes, caller=caller, action="update", entity="goal_draft", record=record)
    return row


def edit(
    session: Session, caller: Caller, draft_id: int, data: DraftUpdate, if_match: str | None, key: str | None
) -> tuple[int, dict[str, Any]]:
    """The edit as one use case: once per Idempotency-Key, committed with its audit event."""
    return common.run_once(
        session,
        caller=caller,
        key=key,
        payload={"op": f"edit-draft:{draft_id}", "if_match": if_match, **data.model_dump(mode="json")},
        produce=lambda: (200, detail(update_draft(session, caller, draft_id, data, if_match))),
    )


def publish(
    session: Session, caller: Caller, draft_id: int, if_match: str | None, key: str | None
) -> tuple[int, dict[str, Any]]:
    """Publish once (If-Match): the department objective, key results and everyone's KPIs (`publish.py`)."""
    from workflows.drafts import publish as steps  # the steps build on this module's reads: imported when used

    return steps.publish(session, caller, draft_id, if_match, key)
