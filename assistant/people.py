"""From roles down to people: each person gets their role's KPIs, with individual targets from their own history
(an amount split by each person's share of the role's history when everyone has one; a rate raised for someone
already better than the team's target)."""

from __future__ import annotations

from assistant.org import Org
from assistant.roles import is_additive, org_of
from assistant.schemas import KPI, GoalDraft, PersonDraft, RoleDraft
from assistant.target_plan import share_target
from assistant.targets import improved


def _personal(k: KPI, mine: dict[str, float], everyone: list[dict[str, float]]) -> KPI:
    """A person's copy of a role KPI. Amounts: their share of the role's total by their own history, when
    everyone in the role has one. Rates and levels: someone already better than the team's target gets their
    own next step (5% better, or a quarter of the way to the scale's ceiling) instead."""
    t = k.target
    if k.scope != "personal" or k.override or t.value is None:
        return k
    own = mine.get(k.code)
    if own is None:
        return k
    if is_additive(k):
        known = [h.get(k.code) for h in everyone]
        vals = [x for x in known if x is not None and x > 0]
        if len(vals) != len(known) or own <= 0:
            return k
        return k.model_copy(update={"target": share_target(t, len(vals) * own / sum(vals))})
    step = improved(k.code, own, k.direction, k.unit)
    ahead = step > t.value if k.direction == "higher" else step < t.value
    if not ahead:
        return k
    return k.model_copy(update={"target": t.model_copy(update={"value": step, "baseline": own, "source": "history"})})


def instantiate_people(org: Org, roles: list[RoleDraft]) -> list[PersonDraft]:
    """One PersonDraft per person from their role's KPIs, with individual targets from their own history."""
    by_pair = {(r.department, r.role): r for r in roles}
    out = []
    for od in org.departments:
        for role in od.roles:
            rd = by_pair[(od.code, role.code)]
            histories = [p.history for p in role.people]
            for p in role.people:
                out.append(
                    PersonDraft(
                        person_id=p.id,
                        name=p.name,
                        department=od.code,
                        role=role.code,
                        kpis=[_personal(k, p.history, histories) for k in rd.kpis],
                        history=dict(p.history),
                    )
                )
    return out


def refresh_people(draft: GoalDraft, dept: str) -> None:
    """People of `dept` follow their roles again (after any edit)."""
    od = org_of(draft, dept)
    fresh = {
        p.person_id: p
        for p in instantiate_people(Org(departments=[od]), [r for r in draft.roles if r.department == dept])
    }
    draft.people = [fresh.get(p.person_id, p) if p.department == dept else p for p in draft.people]
