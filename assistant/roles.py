"""From a department's scorecard down to roles, numbers only (people: `assistant/people.py`; the words written
from the numbers afterwards: `assistant/rewording.py`).

A lead carries the team's outcome (the department's targets); a specialist carries a personal share: amounts
and counts are split over the people measured on them (by each person's own history when every one of them
has one, else evenly), rates and levels stay the department's. A role's own edit (`override`) survives
changes of the department's scorecard."""

from __future__ import annotations

from assistant.cascade import Assignment
from assistant.catalogue import indicator_map, load_departments
from assistant.numbers import CURRENCIES
from assistant.org import Org, OrgDepartment, OrgRole
from assistant.schemas import KPI, DepartmentDraft, GoalDraft, KeyResult, Objective, RoleDraft
from assistant.target_plan import TargetInputs, data_target, share_target
from assistant.targets import kr_target
from assistant.templates import RoleTemplate, get_template
from kpi.rules import apportion

# Amounts that add up over people; averages and ratios in money (AOV, cost per conversion) do not.
NON_ADDITIVE = frozenset({"aov", "cost_per_conversion", "live_gmv_per_session", "gmv_per_session"})


def is_additive(kpi: KPI) -> bool:
    """True when a KPI's level is a sum over people (sales, visitors, units), so a person gets a share of it."""
    return (kpi.unit == "count" or kpi.unit in CURRENCIES) and kpi.code not in NON_ADDITIVE


def department_name(code: str, lang: str) -> str:
    """Catalogue name of a department in `lang`."""
    return next((d.name(lang) for d in load_departments() if d.code == code), code)


def build_department(code: str, kpis: list[KPI], assigned: list[Assignment], lang: str) -> DepartmentDraft:
    """A department's OKR: one objective whose KRs mirror its KPIs and trace to company KRs (texts come later)."""
    for k in kpis:
        k.scope = "team"
    krs = [_mirror_kr(f"{code}-KR{i}", k) for i, k in enumerate(kpis, start=1)]
    # A company KR that no KPI serves (the scorecard was full) still needs its own visible link.
    # A second KR on a metric the scorecard already holds (two GMV KRs) gets its own department KR on that metric.
    served = {k.parent_kr for k in kpis}
    for a in assigned:
        if a.kr.id in served:
            continue
        served.add(a.kr.id)
        t = kr_target(a.kr)
        krs.append(
            KeyResult(
                id=f"{code}-KR{len(krs) + 1}",
                title="",
                metric=a.code,
                metric_name=a.name_zh if lang == "zh" else a.name_en,
                target=t.value,
                change_pct=t.change_pct,
                unit=a.unit,
                direction=a.direction,
                parent_kr=a.kr.id,
            )
        )
    obj = Objective(id=f"{code}-O1", title="", key_results=krs)
    return DepartmentDraft(
        code=code,
        name=department_name(code, lang),
        objectives=[obj],
        kpis=kpis,
        template_applied=get_template(code) is not None,
    )


def _mirror_kr(kr_id: str, k: KPI) -> KeyResult:
    t = k.target
    return KeyResult(
        id=kr_id,
        title="",
        metric=k.code,
        metric_name=k.name,
        baseline=t.baseline,
        target=t.value,
        change_pct=t.change_pct,
        change_pp=t.change_pp,
        unit=k.unit,
        direction=k.direction,
        parent_kr=k.parent_kr,
        basis=t.basis,
    )


def sync_department_krs(dd: DepartmentDraft) -> None:
    """Make the department's KRs mirror its KPIs again after an edit. A KR whose KPI left the scorecard stays
    only while it is the sole link to its company KR; ids of kept KRs never change."""
    obj = dd.objectives[0]
    by_metric: dict[str | None, KeyResult] = {}
    for kr in obj.key_results:
        by_metric.setdefault(kr.metric, kr)  # the first KR on a metric mirrors its KPI; later ones are extra links
    served = {k.parent_kr for k in dd.kpis}
    mirrors: set[str] = set()
    numbers = [int(x) for kr in obj.key_results if (x := kr.id.rsplit("KR", 1)[-1]).isdigit()]
    n = max(numbers + [0])
    krs: list[KeyResult] = []
    for k in dd.kpis:
        old = by_metric.get(k.code)
        if old is None:
            n += 1
        else:
            mirrors.add(old.id)
        krs.append(_mirror_kr(old.id if old else f"{dd.code}-KR{n}", k))
    for kr in obj.key_results:
        if kr.id not in mirrors and kr.parent_kr not in served:
            served.add(kr.parent_kr or "")
            krs.append(kr)
    obj.key_results = krs


def _role_template(dept: str, role_code: str, role_name: str | None) -> RoleTemplate | None:
    tpl = get_template(dept)
    if tpl is None:
        return None
    for r in tpl.roles:
        if role_code in (r.code, r.name_zh, r.name_en) or (role_name and role_name in (r.name_zh, r.name_en)):
            return r
    return None


def _is_lead(dept: str, role_code: str, role_name: str | None) -> bool:
    rt = _role_template(dept, role_code, role_name)
    return bool(rt and rt.lead)


def role_kpis(dd: DepartmentDraft, rt: RoleTemplate | None, sharers: int, has_lead: bool, lang: str) -> list[KPI]:
    """A role's KPIs from its department's: the lead's are the team's; a specialist's are their focus KPIs with
    additive targets split over the `sharers` people who carry them (and the shop-wide outcomes too when the
    team has no lead to carry them)."""
    lead = rt is not None and rt.lead
    if rt is None:
        chosen = dd.kpis
    elif lead:  # the team's outcomes; a member's own learning KPI becomes the team's training plan
        chosen = _team_versions(dd.kpis, lang)
    else:  # personal KPIs; the shop-wide outcomes (conversion, AOV, GMV) are the lead's
        mine = [k for k in dd.kpis if k.code in rt.focus or k.link != "support"]
        chosen = [k for k in mine if _level(k) != "company"] if has_lead else mine
        chosen = chosen if len(chosen) >= 2 else mine
    if len(chosen) < 2:
        chosen = dd.kpis
    parent_by_code: dict[str, str] = {}
    for kr in dd.objectives[0].key_results:
        parent_by_code.setdefault(kr.metric or "", kr.id)
    for code, replaced in TEAM_VERSION.items():  # a team version serves the department KR of what it replaces
        if code in parent_by_code and replaced not in parent_by_code:
            parent_by_code[replaced] = parent_by_code[code]
    out = []
    for k, w in zip(chosen, apportion([k.weight for k in chosen], at_least_one=True), strict=True):
        target = k.target
        personal = not lead and rt is not None
        if personal and is_additive(k) and sharers > 1:
            target = share_target(k.target, 1 / sharers)
        out.append(
            k.model_copy(
                update={
                    "weight": w,
                    "parent_kr": parent_by_code[k.code],
                    "target": target,
                    "scope": "personal" if personal else "team",
                    "definition": "",
                    "override": False,
                }
            )
        )
    return out


# A lead is measured on the team's version of a member's own learning KPI (DOMAIN.md §3: CS leads also on
# training-plan completion): member's KPI -> the lead's.
TEAM_VERSION: dict[str, str] = {
    "training_completion": "training_plan_completion",
    "product_knowledge_score": "training_plan_completion",
    "new_tool_learning": "training_plan_completion",
}


def _team_versions(kpis: list[KPI], lang: str) -> list[KPI]:
    """The lead's card: the department's KPIs, each member-level learning KPI replaced by the team's training
    plan (once; a second one is left off and its weight re-shared)."""
    out: list[KPI] = []
    have = {k.code for k in kpis}
    for k in kpis:
        team = TEAM_VERSION.get(k.code)
        if team is None:
            out.append(k)
        elif team not in have:
            have.add(team)
            ind = indicator_map()[team]
            target = data_target(team, TargetInputs())
            out.append(
                k.model_copy(
                    update={
                        "code": team,
                        "name": ind.name(lang),
                        "unit": ind.unit,
                        "direction": ind.direction,
                        "target": target,
                        "is_new": False,
                    }
                )
            )
    return out if len(out) >= 2 else kpis


def _level(k: KPI) -> str:
    """Where an indicator naturally lives (company, department, person); a new KPI counts as department."""
    ind = indicator_map().get(k.code)
    return ind.level if ind is not None else "department"


def _has_lead(od: OrgDepartment) -> bool:
    return not od.roles or any(_is_lead(od.code, r.code, r.name) for r in od.roles)


def _sharers(od: OrgDepartment) -> int:
    """People who split the department's amounts: everyone but the leads (at least 1)."""
    return max(1, sum(len(r.people) for r in od.roles if not _is_lead(od.code, r.code, r.name)))


def build_roles(org: Org, departments: dict[str, DepartmentDraft], lang: str) -> list[RoleDraft]:
    """KPIs per distinct (department, role): leads carry the scorecard, specialists their focus KPIs."""
    out: list[RoleDraft] = []
    for od in org.departments:
        dd = departments[od.code]
        roles = _org_roles(od)
        sharers = _sharers(od) if od.roles else 1
        for role in roles:
            rt = _role_template(od.code, role.code, role.name)
            label = rt.name(lang) if rt else None
            out.append(
                RoleDraft(
                    department=od.code,
                    role=role.code,
                    role_name=label or role.name or role.code,
                    headcount=len(role.people),
                    kpis=role_kpis(dd, rt, sharers, _has_lead(od), lang),
                )
            )
    return out


def refresh_roles(draft: GoalDraft, dept: str) -> None:
    """After an edit: every role of `dept` follows the department's scorecard again, except what the role's
    own edits set: KPIs it changed (`override`) keep their numbers and the others share the remaining weight;
    KPIs it removed (`excluded`) stay off."""
    dd = next(d for d in draft.departments if d.code == dept)
    od = org_of(draft, dept)
    sharers = _sharers(od) if od.roles else 1
    dept_codes = {k.code for k in dd.kpis}
    for r in draft.roles:
        if r.department != dept:
            continue
        own = {k.code: k for k in r.kpis if k.override and k.code in dept_codes}
        fresh = [
            own.get(k.code, k)
            for k in role_kpis(dd, _role_template(dept, r.role, r.role_name), sharers, _has_lead(od), draft.language)
            if k.code not in r.excluded
        ]
        fresh += [k for c, k in own.items() if c not in {x.code for x in fresh}]
        free = [k for k in fresh if not k.override]
        left = 100 - sum(k.weight for k in fresh if k.override)
        if free and left > 0:
            for k, w in zip(free, apportion([k.weight for k in free], total=left, at_least_one=True), strict=True):
                k.weight = w
        r.kpis = fresh


def org_of(draft: GoalDraft, dept: str) -> OrgDepartment:
    """The department's roles and people as a stored draft knows them."""
    from assistant.org import Person

    roles = []
    for r in draft.roles:
        if r.department != dept:
            continue
        people = [
            Person(id=p.person_id, name=p.name, history=p.history)
            for p in draft.people
            if p.department == dept and p.role == r.role
        ]
        roles.append(OrgRole(code=r.role, name=r.role_name, people=people))
    return OrgDepartment(code=dept, roles=roles)


def _org_roles(od: OrgDepartment) -> list[OrgRole]:
    if od.roles:
        return od.roles
    tpl = get_template(od.code)
    return [OrgRole(code=r.code, name=r.name_en) for r in tpl.roles] if tpl else [OrgRole(code="member")]
