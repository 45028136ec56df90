"""A manager's edits to a goal draft (weights, targets, parent links, adding or removing a KPI), applied to a
copy and accepted only if the assistant's guards still pass on the whole cascade."""

from __future__ import annotations

from typing import Any

from assistant.catalogue import indicator_map
from assistant.guards import check_draft, collect_facts
from assistant.people import refresh_people
from assistant.rewording import reword
from assistant.roles import refresh_roles, sync_department_krs
from assistant.schemas import KPI, Comparator, DepartmentDraft, GoalDraft, KeyResult, RoleDraft, Target
from assistant.target_plan import OUTSIDE_RANGE, outside_range_flags
from core.errors import InvalidInput, coded
from workflows.drafts.schemas import KpiEdit

Errors = list[dict[str, Any]]


def department_of(draft: GoalDraft, code: str) -> DepartmentDraft:
    """The department part of a draft (a stored draft always has it)."""
    return next(d for d in draft.departments if d.code == code)


def _mirror(dd: DepartmentDraft, code: str) -> KeyResult | None:
    """The department key result that mirrors a department KPI (roles' KPIs link to it)."""
    return next((kr for kr in dd.objectives[0].key_results if kr.metric == code), None)


def _set_target(k: KPI, e: KpiEdit) -> None:
    update: dict[str, Any] = {"source": "manager"}
    if e.target is not None:
        update["value"] = e.target
        if k.target.comparator == "=":
            update["comparator"] = ">=" if k.direction == "higher" else "<="
    if e.target_low is not None:
        update["low"] = e.target_low
    if e.target_high is not None:
        update["high"] = e.target_high
    k.target = k.target.model_copy(update=update)


def _changes_target(e: KpiEdit) -> bool:
    return any(v is not None for v in (e.target, e.target_low, e.target_high))


def _apply(k: KPI, e: KpiEdit) -> None:
    if e.weight is not None:
        k.weight = e.weight
    if e.parent_kr is not None:
        k.parent_kr = e.parent_kr
    if _changes_target(e):
        _set_target(k, e)


def _new_department_kpi(dd: DepartmentDraft, e: KpiEdit, lang: str, loc: list[Any], errors: Errors) -> KPI | None:
    ind = indicator_map().get(e.code)
    if ind is None:
        errors.append({"loc": loc + ["code"], "msg": f"{e.code!r} is neither on the scorecard nor in the catalogue"})
        return None
    if e.weight is None:
        errors.append({"loc": loc + ["weight"], "msg": f"adding {e.code!r} needs a weight"})
        return None
    parent = e.parent_kr or dd.objectives[0].key_results[0].parent_kr or ""
    cmp_: Comparator = ">=" if ind.direction == "higher" else "<="
    return KPI(
        code=ind.code,
        name=ind.name(lang),
        definition="",
        weight=e.weight,
        direction=ind.direction,
        unit=ind.unit,
        target=Target(comparator=cmp_, source="manager"),
        parent_kr=parent,
        block="dynamic",
        link="support",
    )


def _edit_department(draft: GoalDraft, dd: DepartmentDraft, e: KpiEdit, loc: list[Any], errors: Errors) -> None:
    k = next((x for x in dd.kpis if x.code == e.code), None)
    if e.remove:
        if k is None:
            errors.append({"loc": loc + ["code"], "msg": f"{e.code!r} is not on the department scorecard"})
        else:
            dd.kpis.remove(k)  # roles and people follow; its KR stays only while it is a company KR's sole link
        return
    if k is None:
        k = _new_department_kpi(dd, e, draft.language, loc, errors)
        if k is None:
            return
        dd.kpis.append(k)
    _apply(k, e)


def _edit_role(draft: GoalDraft, dd: DepartmentDraft, e: KpiEdit, loc: list[Any], errors: Errors) -> None:
    role: RoleDraft | None = next((r for r in draft.roles if r.department == dd.code and r.role == e.role), None)
    if role is None:
        errors.append({"loc": loc + ["role"], "msg": f"{e.role!r} is not a role of department {dd.code}"})
        return
    k = next((x for x in role.kpis if x.code == e.code), None)
    if e.remove:
        if k is None:
            errors.append({"loc": loc + ["code"], "msg": f"{e.code!r} is not on role {e.role}'s scorecard"})
        else:
            role.kpis.remove(k)
            role.excluded.append(k.code)  # stays off this role when the department's scorecard changes
        return
    if k is None:
        source = next((x for x in dd.kpis if x.code == e.code), None)
        mirror = _mirror(dd, e.code)
        if source is None or mirror is None or e.weight is None:
            errors.append(
                {
                    "loc": loc + ["code"],
                    "msg": f"a role KPI is one of the department's KPIs and needs a weight; {e.code!r} cannot be added",
                }
            )
            return
        k = source.model_copy(update={"parent_kr": mirror.id})
        role.kpis.append(k)
        if e.code in role.excluded:
            role.excluded.remove(e.code)
    _apply(k, e)
    k.override = True  # the role's own numbers, kept when the department's scorecard changes


def _sent_range_errors(e: KpiEdit, k: KPI | None, loc: list[Any]) -> Errors:
    """Only what the user sends is checked: the numbers sent for one KPI in order (low <= target <= high among
    those sent), and the range's bounds in order once the edit is applied. A target outside its forecast range
    is advice, not an error: it is kept and flagged (`_outside_range_flags`)."""
    sent = [v for v in (e.target_low, e.target, e.target_high) if v is not None]
    where = f"{e.code}" + (f" of role {e.role}" if e.role else " on the department scorecard")
    if sent != sorted(sent):
        numbers = ", ".join(
            f"{n} {v:g}"
            for n, v in zip(("low", "target", "high"), (e.target_low, e.target, e.target_high), strict=True)
            if v is not None
        )
        return [
            {"loc": loc, "msg": f"{where}: the numbers sent are out of order ({numbers}); send low <= target <= high"}
        ]
    if k is not None and (e.target_low is not None or e.target_high is not None):
        low, high = k.target.low, k.target.high
        if low is not None and high is not None and low > high:
            return [
                {"loc": loc, "msg": f"{where}: the range would run from {low:g} down to {high:g}; send both bounds"}
            ]
    return []


def _kpi_of(draft: GoalDraft, dd: DepartmentDraft, e: KpiEdit) -> KPI | None:
    if e.role is None:
        return next((x for x in dd.kpis if x.code == e.code), None)
    role = next((r for r in draft.roles if r.department == dd.code and r.role == e.role), None)
    return next((x for x in role.kpis if x.code == e.code), None) if role is not None else None


OUTSIDE = OUTSIDE_RANGE


def apply_edits(draft: GoalDraft, dept: str, edits: list[KpiEdit]) -> GoalDraft:
    """A copy of `draft` with `edits` applied to department `dept`; InvalidInput (with every problem) otherwise."""
    new = draft.model_copy(deep=True)
    dd = department_of(new, dept)
    errors: Errors = []
    for i, e in enumerate(edits):
        loc: list[Any] = ["kpis", i]
        if e.role is None:
            _edit_department(new, dd, e, loc, errors)
        else:
            _edit_role(new, dd, e, loc, errors)
        if _changes_target(e):
            errors += _sent_range_errors(e, _kpi_of(new, dd, e), loc)
    if errors:
        raise coded(
            InvalidInput("Some edits do not fit the draft; nothing was changed.", errors),
            "draft.edits_invalid",
            count=len(errors),
        )
    # The department's numbers changed: its KRs, roles and people follow, then every text is rebuilt from them.
    sync_department_krs(dd)
    refresh_roles(new, dept)
    refresh_people(new, dept)
    reword(new, departments=[dept])
    new.facts = sorted(set(draft.facts) | set(collect_facts(new)))
    owners = {dept, *(r.role for r in new.roles if r.department == dept)}
    kept = [f for f in new.flags if not (f.startswith(OUTSIDE) and f[len(OUTSIDE) :].split(":", 1)[0] in owners)]
    new.flags = kept + outside_range_flags(new, dept)
    problems = check_draft(new)
    if problems:
        raise coded(
            InvalidInput(
                f"The edited draft breaks {len(problems)} rule(s); nothing was changed.",
                [{"loc": ["kpis"], "msg": p, "type": "guard"} for p in problems],
            ),
            "draft.breaks_guards",
            count=len(problems),
        )
    return new
