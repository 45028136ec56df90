"""Graders of what a goal draft means, independent of the draft's own guards (issue 13): the company's words are
respected (explicit levels, the most specific KR, the department that controls it, comparisons, periods, ids),
bounds hold, and roles differ. Each takes (draft, sample) and returns (passed, detail)."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from typing import Any

from assistant.catalogue import indicator_map
from assistant.driver_tree import DRIVER_CODES, consistency_error
from assistant.schemas import KPI, GoalDraft, KeyResult

Grade = tuple[bool, str]
NA = "n/a"  # the detail of a grade on a sample the grader could not judge (it passes, but is not counted as judged)


def has_flag(d: GoalDraft, flag: str) -> bool:
    """The draft raised `flag` ("kind:subject"); a flag may carry details after a space ("... (line 3)")."""
    return any(f == flag or f.startswith(flag + " ") for f in d.flags)


_CURRENCIES = ("CNY", "USD", "EUR", "HKD", "JPY", "GBP")
_GROWTH_CODES = ("traffic_growth", "sales_growth")  # "%" changes: may pass 100, never below -100
_ATTAINMENT_CODES = ("campaign_result", "new_product_plan")  # "%" of a plan reached: may pass 100
_DEFINED_BASIS = {"traffic_growth": "yoy", "sales_growth": "yoy"}  # kpi_catalogue.yaml definitions
_BASIS_WORDS = {
    "zh": {"yoy": ("同比", "去年同期"), "pop": ("环比", "较上期", "上期")},
    "en": {
        "yoy": ("year on year", "year-on-year", "yoy", "same period last year"),
        "pop": ("vs. last period", "last period", "period on period", "month on month", "quarter on quarter"),
    },
}
_KR_BASIS = {
    "yoy": re.compile(
        r"同比|去年同期|year[- ]on[- ]year|year[- ]over[- ]year|\byoy\b|same (?:period|quarter|month) last year", re.I
    ),
    "pop": re.compile(
        r"环比|较上期|比上期|上个?季度|上个?月|previous period|last period|period[- ]on[- ]period"
        r"|quarter[- ]on[- ]quarter|month[- ]on[- ]month|\bqoq\b",
        re.I,
    ),
}
_INJECTION_MARKERS = re.compile(
    r"SYSTEM OVERRIDE|SYSTEM\s*:|ignore (?:all |the )?(?:previous|above|prior)|disregard|"
    r"忽略(?:以上|之前|上述|前面)|无视(?:以上|之前|上述)|系统指令|新指令",
    re.I,
)
_LEAD_WORDS = ("lead", "manager", "主管", "经理", "组长")


def _basis(obj: Any) -> str | None:
    """Target.basis / KeyResult.basis ("yoy" | "pop" | None); None while the schema lacks the field."""
    return getattr(obj, "basis", None)


def _kpi_cards(d: GoalDraft) -> Iterator[tuple[str, str, list[KPI]]]:
    """(where, department, kpis) of every department, role and person scorecard."""
    for x in d.departments:
        yield f"dept {x.code}", x.code, x.kpis
    for r in d.roles:
        yield f"role {r.department}/{r.role}", r.department, r.kpis
    for p in d.people:
        yield f"person {p.person_id}", p.department, p.kpis


def _dept_kr_parent(d: GoalDraft) -> dict[tuple[str, str], str | None]:
    """(department, department KR id) -> the company KR it serves."""
    return {(x.code, kr.id): kr.parent_kr for x in d.departments for o in x.objectives for kr in o.key_results}


def _close(a: float | None, b: float | None, rel: float = 1e-6) -> bool:
    return a is not None and b is not None and math.isclose(a, b, rel_tol=rel, abs_tol=1e-9)


def _explicit_levels(d: GoalDraft) -> dict[str, list[KeyResult]]:
    """Driver-tree metric -> company KRs that state a target level for it."""
    out: dict[str, list[KeyResult]] = {}
    for kr in d.company.all_krs():
        if kr.metric is not None and kr.metric in DRIVER_CODES.values() and kr.target is not None:
            out.setdefault(kr.metric, []).append(kr)
    return out


def explicit_kr_consistency(d: GoalDraft, s: dict[str, Any]) -> Grade:
    """Company KRs for conversion/AOV/visitors fix those drivers; only the rest is solved from the sales target."""
    explicit = _explicit_levels(d)
    if not explicit:
        return True, NA
    bad = []
    for code, krs in explicit.items():
        ids = {kr.id for kr in krs}
        holders = [(x.code, k) for x in d.departments for k in x.kpis if k.code == code]
        if not holders:
            bad.append(f"{code}: no department KPI")
        for dept, k in holders:
            if k.parent_kr not in ids:
                bad.append(f"{dept}:{code} serves {k.parent_kr}, not {'/'.join(sorted(ids))}")
            elif not _close(k.target.value, next(kr.target for kr in krs if kr.id == k.parent_kr)):
                bad.append(f"{dept}:{code} target {k.target.value} != {k.parent_kr}")
    for sp in d.driver_splits:
        for drv in sp.drivers:
            fixed_by = getattr(drv, "fixed_by", None)
            krs = explicit.get(drv.code, [])
            if krs and fixed_by not in {kr.id for kr in krs}:
                bad.append(f"{sp.kr_id}:{drv.code} solved although {krs[0].id} states it")
            elif fixed_by is not None:
                kr = next((kr for kr in d.company.all_krs() if kr.id == fixed_by), None)
                if kr is None or not _close(drv.target, kr.target):
                    bad.append(f"{sp.kr_id}:{drv.code} fixed_by {fixed_by} but target {drv.target}")
        fixed = {getattr(drv, "fixed_by", None) for drv in sp.drivers} - {None}
        excused = any(has_flag(d, f"explicit_drivers_inconsistent:{i}") for i in {sp.kr_id, *fixed})
        if sp.product_level() is not None and consistency_error(sp) > 0.01 and not excused:
            bad.append(f"{sp.kr_id}: drivers multiply to {consistency_error(sp):.2%} off the sales target")
    return not bad, "; ".join(bad[:3])


def no_duplicate_metric(d: GoalDraft, s: dict[str, Any]) -> Grade:
    """One KPI per metric per scorecard; a department objective lists one KR per metric."""
    bad = []
    for where, _, kpis in _kpi_cards(d):
        codes = [k.code for k in kpis]
        bad += [f"{where}: {c} x{codes.count(c)}" for c in dict.fromkeys(codes) if codes.count(c) > 1]
    for x in d.departments:
        for o in x.objectives:
            metrics = [kr.metric for kr in o.key_results if kr.metric]
            bad += [
                f"{x.code}/{o.id}: KR {m} x{metrics.count(m)}" for m in dict.fromkeys(metrics) if metrics.count(m) > 1
            ]
    return not bad, "; ".join(bad[:3])


def most_specific_kr(d: GoalDraft, s: dict[str, Any]) -> Grade:
    """A department KPI for a metric a company KR names serves that KR; every company KR has a department KPI."""
    krs = d.company.all_krs()
    if not krs:
        return True, NA
    by_metric: dict[str, set[str]] = {}
    for kr in krs:
        if kr.metric:
            by_metric.setdefault(kr.metric, set()).add(kr.id)
    bad = [
        f"{x.code}:{k.code} -> {k.parent_kr}, want {'/'.join(sorted(by_metric[k.code]))}"
        for x in d.departments
        for k in x.kpis
        if k.code in by_metric and k.parent_kr not in by_metric[k.code]
    ]
    served = {k.parent_kr for x in d.departments for k in x.kpis}
    bad += [f"{kr.id}: no department KPI" for kr in krs if kr.id not in served]
    return not bad, "; ".join(bad[:3])


def kr_reaches_people(d: GoalDraft, s: dict[str, Any]) -> Grade:
    """Every company KR reaches a person's KPI through a department KR."""
    if not d.people or not d.company.all_krs():
        return True, NA
    parent = _dept_kr_parent(d)
    reached = {parent.get((p.department, k.parent_kr)) for p in d.people for k in p.kpis}
    missing = [kr.id for kr in d.company.all_krs() if kr.id not in reached]
    return not missing, ", ".join(missing[:5])


def _holders(d: GoalDraft, kr: KeyResult) -> set[str]:
    """Departments holding the KPI for a company KR's metric (a new metric, or the KR's own variant of a metric
    another KR holds: the new KPI created for the KR)."""
    return {
        x.code
        for x in d.departments
        for k in x.kpis
        if k.parent_kr == kr.id and (k.code == kr.metric or k.is_new or (not kr.metric and k.link == "direct"))
    }


def controlling_department(d: GoalDraft, s: dict[str, Any]) -> Grade:
    """The KPI for a KR's metric sits with the department that controls it (sample's expect_owner, catalogue)."""
    krs = {kr.id: kr for kr in d.company.all_krs()}
    present = [x.code for x in d.departments]
    catalogue = indicator_map()
    bad, judged = [], False
    for kr_id, owner in (s.get("expect_owner") or {}).items():
        judged = True
        if kr_id not in krs:
            bad.append(f"{kr_id}: missing")
        elif owner not in _holders(d, krs[kr_id]):
            bad.append(f"{kr_id}: held by {sorted(_holders(d, krs[kr_id])) or 'nobody'}, want {owner}")
    for kr in krs.values():
        ind = catalogue.get(kr.metric or "")
        holders = _holders(d, kr)
        no_owner = any(
            f == f"kr_owner_not_in_org:{kr.id}" or f.startswith(f"kr_owner_not_in_org:{kr.id}->") for f in d.flags
        )
        if ind is None or not holders or no_owner:
            continue
        judged = True
        allowed = [c for c in ind.departments if c in present]
        if allowed and allowed[0] not in holders:
            bad.append(f"{kr.id} ({kr.metric}): held by {sorted(holders)}, want {allowed[0]}")
        bad += [
            f"{kr.id} ({kr.metric}): {h} does not control it" for h in sorted(holders) if allowed and h not in allowed
        ]
    if not judged:
        return True, NA
    return not bad, "; ".join(bad[:3])


def _bounds(k: KPI) -> tuple[float | None, float | None]:
    if k.code == "csat":
        return 1.0, 5.0
    if k.unit == "%":
        if k.code in _GROWTH_CODES:
            return -100.0, None
        return (0.0, None) if k.code in _ATTAINMENT_CODES else (0.0, 100.0)
    return None, None


def bounds(d: GoalDraft, s: dict[str, Any]) -> Grade:
    """Targets stay on their scale (% in 0..100, CSAT <= 5); engine targets stop short of a bound not yet reached."""
    actuals = s.get("actuals") or {}
    bad = []
    for where, _, kpis in _kpi_cards(d):
        for k in kpis:
            lo, hi = _bounds(k)
            t = k.target
            for v in (t.value, t.low, t.high):
                if v is not None and ((lo is not None and v < lo) or (hi is not None and v > hi)):
                    bad.append(f"{where}:{k.code}={v} outside [{lo}, {hi}]")
            actual = actuals.get(k.code)
            if t.value is None and t.change_pct is not None and actual is not None:
                implied = actual * (1 + t.change_pct / 100)  # "+5%" on a known level: the level it asks for
                if (lo is not None and implied < lo) or (hi is not None and implied > hi):
                    bad.append(f"{where}:{k.code} {t.change_pct:+g}% on {actual} = {implied:g} outside [{lo}, {hi}]")
            if t.source in ("kr", "manager") or t.value is None or actual is None:
                continue
            if k.direction == "higher" and hi is not None and actual < hi <= t.value:
                bad.append(f"{where}:{k.code}={t.value} pushed onto the bound {hi} (actual {actual})")
            if k.direction == "lower" and lo is not None and actual > lo >= t.value:
                bad.append(f"{where}:{k.code}={t.value} pushed onto the bound {lo} (actual {actual})")
    return not bad, "; ".join(bad[:3])


def comparison_type(d: GoalDraft, s: dict[str, Any]) -> Grade:
    """Changes say which baseline they use; definition, target and text use the same comparison."""
    bad, judged = [], False
    for kr in d.company.all_krs():
        said = [b for b, rx in _KR_BASIS.items() if rx.search(kr.title)]
        if len(said) == 1:
            judged = True
            if _basis(kr) != said[0]:
                bad.append(f"{kr.id} says {said[0]}, parsed as {_basis(kr)}")
    words = _BASIS_WORDS[d.language]
    for where, _, kpis in _kpi_cards(d):
        if where.startswith("person"):
            continue  # people carry their role's texts
        for k in kpis:
            t, basis = k.target, _basis(k.target)
            changed = t.change_pct is not None or t.change_pp is not None
            if not changed and basis is None and k.code not in _DEFINED_BASIS:
                continue
            judged = True
            if k.code in _DEFINED_BASIS and basis is not None and basis != _DEFINED_BASIS[k.code]:
                bad.append(f"{where}:{k.code} defined {_DEFINED_BASIS[k.code]}, target {basis}")
            if changed and basis is None and t.source not in ("kr", "manager"):
                bad.append(f"{where}:{k.code} change without a basis")
            elif k.code in _DEFINED_BASIS and basis is None and t.source not in ("kr", "manager", "template"):
                bad.append(f"{where}:{k.code} growth target from {t.source} without a basis")
            if basis is not None and changed and not any(w in k.definition.lower() for w in words[basis]):
                bad.append(f"{where}:{k.code} text does not say {basis}")
    if not judged:
        return True, NA
    return not bad, "; ".join(bad[:3])
