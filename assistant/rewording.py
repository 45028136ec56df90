"""The words of a draft, written from its numbers: department KR titles, objectives and KPI definitions, role
and person definitions. Run after planning and after every edit, so a draft's texts always match its numbers."""

from __future__ import annotations

from assistant.schemas import GoalDraft, Target
from assistant.texts import department_objective, display_name, kpi_definition, target_text


def reword(draft: GoalDraft, *, departments: list[str] | None = None) -> None:
    """Write every template text of the draft from its numbers: department KR titles, objectives and KPI
    definitions, role and person definitions. Run after planning and after every edit."""
    lang, period = draft.language, draft.period
    for dd in draft.departments:
        if departments is not None and dd.code not in departments:
            continue
        by_metric = {k.code: k for k in dd.kpis}
        for k in dd.kpis:
            k.definition = kpi_definition(k, period, lang)
        for kr in dd.objectives[0].key_results:
            mirrored = by_metric.get(kr.metric or "")
            if mirrored is not None and mirrored.parent_kr == kr.parent_kr:  # else an extra KR on the same metric
                kr.title = f"{display_name(mirrored, lang)} {target_text(mirrored.target, mirrored.unit, lang)}"
            else:
                name = kr.metric_name if not kr.metric or not kr.metric.startswith("new_") else display_name_new(lang)
                t = Target(
                    value=kr.target, change_pct=kr.change_pct, comparator=">=" if kr.direction == "higher" else "<="
                )
                kr.title = f"{name} {target_text(t, kr.unit, lang)}".strip()
            kr.period = period
        dd.objectives[0].title = department_objective(dd.name, dd.kpis, period, lang)
    for r in draft.roles:
        if departments is not None and r.department not in departments:
            continue
        for k in r.kpis:
            k.definition = kpi_definition(k, period, lang, role_name=r.role_name)
    names = {(r.department, r.role): r.role_name for r in draft.roles}
    for p in draft.people:
        if departments is not None and p.department not in departments:
            continue
        for k in p.kpis:
            k.definition = kpi_definition(k, period, lang, role_name=names.get((p.department, p.role)))


def display_name_new(lang: str) -> str:
    """How generated text names a user's new metric (its typed name is data, not text we write)."""
    return "新指标" if lang == "zh" else "new metric"
