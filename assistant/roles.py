"""Department drafts with their OKR, role-level KPIs, and people instantiated from roles."""

from __future__ import annotations

from assistant.cascade import Assignment
from assistant.catalogue import load_departments
from assistant.org import Org, OrgDepartment, OrgRole
from assistant.schemas import KPI, DepartmentDraft, KeyResult, Objective, PersonDraft, RoleDraft
from assistant.targets import kr_target
from assistant.templates import RoleTemplate, get_template
from assistant.texts import department_objective, display_name, kpi_definition, target_text
from kpi.rules import apportion


def department_name(code: str, lang: str) -> str:
    """Catalogue name of a department in `lang`."""
    return next((d.name(lang) for d in load_departments() if d.code == code), code)


def build_department(
    code: str, kpis: list[KPI], assigned: list[Assignment], period: str | None, lang: str
) -> DepartmentDraft:
    """A department's OKR: one objective whose KRs mirror its KPIs and trace to company KRs."""
    krs = []
    for i, k in enumerate(kpis, start=1):
        k.definition = kpi_definition(k, period, lang)
        t = k.target
        krs.append(
            KeyResult(
                id=f"{code}-KR{i}",
                title=f"{display_name(k, lang)} {target_text(t, k.unit, lang)}",
                metric=k.code,
                metric_name=k.name,
                baseline=t.baseline,
                target=t.value,
                change_pct=t.change_pct,
                change_pp=t.change_pp,
                unit=k.unit,
                direction=k.direction,
                period=period,
                parent_kr=k.parent_kr,
            )
        )
    # A company KR merged into a KPI that already serves another KR still needs its own visible link.
    served = {k.parent_kr for k in kpis}
    for a in assigned:
        if a.kr.id not in served:
            served.add(a.kr.id)
            t = kr_target(a.kr)
            krs.append(
                KeyResult(
                    id=f"{code}-KR{len(krs) + 1}",
                    title=f"{a.name_zh if lang == 'zh' else a.name_en} {target_text(t, a.unit, lang)}"
                    if not a.is_new
                    else target_text(t, a.unit, lang) or a.kr.id,
                    metric=a.code,
                    metric_name=a.name_en,
                    target=t.value,
                    change_pct=t.change_pct,
                    unit=a.unit,
                    direction=a.direction,
                    period=period,
                    parent_kr=a.kr.id,
                )
            )
    name = department_name(code, lang)
    obj = Objective(id=f"{code}-O1", title=department_objective(name, kpis, period, lang), key_results=krs)
    return DepartmentDraft(
        code=code, name=name, objectives=[obj], kpis=kpis, template_applied=get_template(code) is not None
    )


def _role_template(dept: str, role_code: str, role_name: str | None) -> RoleTemplate | None:
    tpl = get_template(dept)
    if tpl is None:
        return None
    for r in tpl.roles:
        if role_code in (r.code, r.name_zh, r.name_en) or (role_name and role_name in (r.name_zh, r.name_en)):
            return r
    return None


def _role_kpis(
    dd: DepartmentDraft, rt: RoleTemplate | None, period: str | None, lang: str, role_label: str | None
) -> list[KPI]:
    chosen = dd.kpis if rt is None or rt.lead else [k for k in dd.kpis if k.code in rt.focus or k.link != "support"]
    if len(chosen) < 2:
        chosen = dd.kpis
    parent_by_code: dict[str, str] = {}
    for kr in dd.objectives[0].key_results:
        parent_by_code.setdefault(kr.metric or "", kr.id)
    out = []
    for k, w in zip(chosen, apportion([k.weight for k in chosen], at_least_one=True), strict=True):
        rk = k.model_copy(update={"weight": w, "parent_kr": parent_by_code[k.code]})
        rk.definition = kpi_definition(rk, period, lang, role_name=role_label)
        out.append(rk)
    return out


def build_roles(org: Org, departments: dict[str, DepartmentDraft], period: str | None, lang: str) -> list[RoleDraft]:
    """KPIs per distinct (department, role): leads carry the scorecard, specialists their focus KPIs."""
    out: list[RoleDraft] = []
    for od in org.departments:
        dd = departments[od.code]
        for role in _org_roles(od):
            rt = _role_template(od.code, role.code, role.name)
            label = rt.name(lang) if rt else None
            out.append(
                RoleDraft(
                    department=od.code,
                    role=role.code,
                    role_name=label or role.name or role.code,
                    headcount=len(role.people),
                    kpis=_role_kpis(dd, rt, period, lang, label),
                )
            )
    return out


def _org_roles(od: OrgDepartment) -> list[OrgRole]:
    if od.roles:
        return od.roles
    tpl = get_template(od.code)
    return [OrgRole(code=r.code, name=r.name_en) for r in tpl.roles] if tpl else [OrgRole(code="member")]


def instantiate_people(org: Org, roles: list[RoleDraft]) -> list[PersonDraft]:
    """One PersonDraft per person, copying their role's KPIs (no extra LLM cost per head)."""
    by_pair = {(r.department, r.role): r for r in roles}
    return [
        PersonDraft(
            person_id=p.id,
            name=p.name,
            department=od.code,
            role=role.code,
            kpis=by_pair[(od.code, role.code)].kpis,
        )
        for od in org.departments
        for role in od.roles
        for p in role.people
    ]
