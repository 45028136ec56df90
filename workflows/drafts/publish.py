"""Publishing a goal draft: the department objective with key results linked to the company KRs, and KPI
assignments for the department and each member, in one audited transaction (the caller commits)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from assistant.guards import check_draft
from assistant.schemas import KPI, DepartmentDraft
from assistant.schemas import GoalDraft as DraftModel
from core.clock import clock_of
from core.errors import Conflict, InvalidInput, coded
from core.security import Caller
from core.tables import Employee, GoalDraft, Indicator, KeyResult, KpiAssignment, Objective
from workflows.drafts.edit import department_of
from workflows.drafts.flows import check_version, department_view, get_draft
from workflows.goals.catalogue import live_scope
from workflows.shared import audit, common, decisions


def _indicator_ids(session: Session, caller: Caller, kpis: list[KPI], lang: str) -> dict[str, int]:
    """Catalogue ids of every KPI code; a KPI the assistant marked as new joins the catalogue (audited)."""
    codes = {k.code for k in kpis}
    ids = dict(session.execute(select(Indicator.code, Indicator.id).where(Indicator.code.in_(codes))).all())
    for k in kpis:
        if k.code not in ids:
            ind = Indicator(
                code=k.code[:60],
                name_zh=k.name[:200],
                name_en=k.name[:200],
                unit=(k.unit or "-")[:20],
                direction=k.direction,
                definition_zh=k.definition if lang == "zh" else "",
                definition_en=k.definition if lang == "en" else "",
            )
            ids[k.code] = common.create(session, ind, caller=caller, entity="indicator").id
    return ids


def _refuse_duplicates(session: Session, row: GoalDraft, dept_id: int, people: list[int], ind_ids: set[int]) -> None:
    """409 when this department already has published goals or KPIs for the period (publish once)."""
    other = session.execute(
        select(GoalDraft.id).where(
            GoalDraft.department_id == dept_id, GoalDraft.period_id == row.period_id, GoalDraft.status == "published"
        )
    ).scalar()
    if other is not None:
        raise coded(
            Conflict(f"Goal draft {other} was already published for this department and period."),
            "draft.already_published",
        )
    clash = (
        session.execute(
            select(KpiAssignment.id).where(
                KpiAssignment.period_id == row.period_id,
                KpiAssignment.indicator_id.in_(ind_ids),
                or_(KpiAssignment.department_id == dept_id, KpiAssignment.employee_id.in_(people)),
            )
        )
        .scalars()
        .first()
    )
    if clash is not None:
        raise coded(
            Conflict(
                f"KPI assignment {clash} already gives one of these KPIs for this period; change or close "
                "the existing assignments instead (PATCH /api/v1/kpi-assignments/{id})."
            ),
            "draft.kpi_already_assigned",
        )


def _assignment(row: GoalDraft, k: KPI, indicator_id: int, parent_id: int | None, **owner: int) -> KpiAssignment:
    t = k.target
    return KpiAssignment(
        weight_set_version=row.inputs.get("weight_set_version"),
        period_id=row.period_id,
        indicator_id=indicator_id,
        parent_kr_id=parent_id,
        block=k.block or "fixed",
        weight=float(k.weight),
        target=t.value,
        target_low=t.low,
        target_high=t.high,
        **owner,
    )


def _objective(
    session: Session, caller: Caller, row: GoalDraft, dd: DepartmentDraft, kr_ids: dict[str, int]
) -> tuple[Objective, dict[str, int]]:
    """The department objective and its key results, each linked to the company KR it serves."""
    source = dd.objectives[0]
    obj = common.create(
        session,
        Objective(
            level="department",
            period_id=row.period_id,
            department_id=row.department_id,
            code=source.id[:20],
            title=source.title,
            language=row.language,
        ),
        caller=caller,
        entity="objective",
    )
    dept_krs: dict[str, int] = {}
    for kr in source.key_results:
        made = KeyResult(
            objective_id=obj.id,
            parent_kr_id=kr_ids.get(kr.parent_kr or ""),
            code=kr.id[:20],
            title=kr.title,
            indicator_code=kr.metric,
            baseline=kr.baseline,
            target=kr.target,
            unit=kr.unit[:20] if kr.unit else None,
            direction=kr.direction,
        )
        dept_krs[kr.id] = common.create(session, made, caller=caller, entity="key_result").id
    return obj, dept_krs


def publish_draft(session: Session, caller: Caller, draft_id: int, if_match: str | None) -> dict[str, Any]:
    """Publish once (If-Match): objective, key results, department and personal KPI assignments; caller commits."""
    row = get_draft(session, caller, draft_id)
    expected = check_version(row, if_match)
    draft = DraftModel.model_validate(row.draft)
    with live_scope(session):
        problems = check_draft(draft)
    if problems:  # stored drafts passed the guards; this only trips if the row was altered behind the service
        raise coded(
            InvalidInput(
                "The stored draft no longer passes the guards; ask for a new draft.",
                [{"loc": ["draft"], "msg": p} for p in problems],
            ),
            "draft.no_longer_valid",
        )
    code = row.inputs["department_code"]
    dd = department_of(draft, code)
    members = {int(p["person_id"]) for p in department_view(row)["people"]}
    active = set(
        session.execute(
            select(Employee.id).where(
                Employee.id.in_(members), Employee.active.is_(True), Employee.department_id == row.department_id
            )
        ).scalars()
    )
    # Nobody sets their own KPIs (separation of duties: their manager or HR does); people who left are skipped too.
    skipped = sorted(e for e in members if e not in active or e == caller.employee_id)
    people = [p for p in draft.people if p.department == code and int(p.person_id) not in skipped]
    all_kpis = dd.kpis + [k for p in people for k in p.kpis]
    ind_ids = _indicator_ids(session, caller, all_kpis, row.language)
    _refuse_duplicates(session, row, row.department_id, [int(p.person_id) for p in people], set(ind_ids.values()))
    kr_ids: dict[str, int] = row.inputs["kr_ids"]
    obj, dept_krs = _objective(session, caller, row, dd, kr_ids)
    assignments = [
        _assignment(row, k, ind_ids[k.code], kr_ids.get(k.parent_kr), department_id=row.department_id) for k in dd.kpis
    ]
    assignments += [
        _assignment(
            row, k, ind_ids[k.code], dept_krs.get(k.parent_kr) or kr_ids.get(k.parent_kr), employee_id=int(p.person_id)
        )
        for p in people
        for k in p.kpis
    ]
    session.add_all(assignments)
    try:
        session.flush()  # one batch; duplicates were refused above, so a clash here is a twin publishing now
    except IntegrityError as exc:
        session.rollback()
        raise coded(
            Conflict(
                f"Goal draft {row.id} was published by someone else at the same moment; reload it to see the result."
            ),
            "draft.published_meanwhile",
        ) from exc
    for a in assignments:
        audit.record(
            session, actor=caller, action="create", entity="kpi_assignment", entity_id=a.id, after=common.snapshot(a)
        )
    made = [a.id for a in assignments]
    changes = {
        "status": "published",
        "published_by": caller.user_id,
        "published_by_name": caller.username,
        "published_at": clock_of(session).now(),
        "objective_id": obj.id,
    }
    record = {"assignments": len(made), "skipped_employee_ids": skipped}
    decisions.write(
        session, row, expected, changes, caller=caller, action="publish", entity="goal_draft", record=record
    )
    return {
        "id": row.id,
        "status": row.status,
        "version": row.version,
        "objective_id": obj.id,
        "key_result_ids": list(dept_krs.values()),
        "assignment_ids": made,
        "skipped_employee_ids": skipped,
    }


def publish(
    session: Session, caller: Caller, draft_id: int, if_match: str | None, key: str | None
) -> tuple[int, dict[str, Any]]:
    """The publish use case: everything above and the Idempotency-Key record commit as one transaction."""
    return common.run_once(
        session,
        caller=caller,
        key=key,
        payload={"op": f"publish-goal-draft:{draft_id}"},
        produce=lambda: (200, publish_draft(session, caller, draft_id, if_match)),
    )
