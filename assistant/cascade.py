"""Deterministic cascade: company KRs -> owning departments (driver tree for sales) -> scorecards."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from assistant.catalogue import indicator_map, load_departments
from assistant.driver_tree import DriverSplit, split_sales
from assistant.schemas import KPI, CompanyOKR, KeyResult, Target, TargetRange
from assistant.targets import kr_target, support_target, with_forecast
from assistant.templates import Block, DeptTemplate, get_template
from core.vocab import DirectionName
from kpi.rules import apportion

MAX_KPIS = 5
SALES_CODES = ("gmv", "sales_growth")


@dataclass
class Assignment:
    """A company KR (or one driver of it) handed to the department that controls it."""

    dept: str
    kr: KeyResult
    code: str
    name_zh: str
    name_en: str
    is_new: bool
    unit: str | None
    direction: DirectionName
    target: Target
    link: Literal["direct", "driver"]


def _mentioned_departments(text: str, depts: list[str]) -> list[str]:
    low = text.lower()
    found = []
    for d in load_departments():
        words = [d.name_zh, *(s for s in d.synonyms if not s.isascii() or len(s) > 3)]
        if d.code in depts and any(w.lower() in low for w in words):
            found.append(d.code)
    return found


def _owner(kr: KeyResult, depts: list[str], flags: list[str]) -> str:
    ind = indicator_map().get(kr.metric or "")
    for d in ind.departments if ind else ():
        if d in depts:
            return d
    mentioned = _mentioned_departments(kr.title, depts)
    if mentioned:
        return mentioned[0]
    fallback = "ops" if "ops" in depts else depts[0]
    flags.append(f"kr_owner_not_in_org:{kr.id}->{fallback}")
    return fallback


def _sales_factor(kr: KeyResult, actuals: dict[str, float]) -> tuple[float | None, float | None]:
    """Growth factor (target / baseline) of a sales KR, and the absolute sales target when known."""
    if kr.metric == "sales_growth" and kr.target is not None and kr.unit == "%":
        return 1 + kr.target / 100, None
    target = kr.target if kr.unit in ("CNY", None) else None
    if target is not None and kr.baseline:
        return target / kr.baseline, target
    if kr.change_pct is not None:
        return 1 + kr.change_pct / 100, target
    if target is not None and actuals.get("gmv"):
        return target / actuals["gmv"], target
    return None, target


def assign(
    company: CompanyOKR, depts: list[str], actuals: dict[str, float], flags: list[str]
) -> tuple[list[Assignment], list[DriverSplit]]:
    """Hand every company KR to the department(s) that control it; split sales KRs with the driver tree."""
    out: list[Assignment] = []
    splits: list[DriverSplit] = []
    cat = indicator_map()
    for kr in company.all_krs():
        if kr.metric in SALES_CODES:
            factor, sales_target = _sales_factor(kr, actuals)
            if factor and factor > 0:
                split = split_sales(
                    kr.id, factor=factor, departments=set(depts), sales_target=sales_target, baselines=actuals
                )
                splits.append(split)
                for d in split.drivers:
                    ind = cat[d.code]
                    tgt = Target(
                        value=d.target,
                        change_pct=d.growth_pct,
                        baseline=d.baseline,
                        comparator=">=",
                        source="driver_tree",
                    )
                    out.append(
                        Assignment(
                            d.owner,
                            kr,
                            d.code,
                            ind.name_zh,
                            ind.name_en,
                            False,
                            d.unit,
                            "higher",
                            tgt,
                            "driver",
                        )
                    )
                continue
            flags.append(f"driver_split_unavailable:{kr.id}")
        found = cat.get(kr.metric or "")
        owner = _owner(kr, depts, flags)
        if found is None:
            flags.append(f"new_kpi:{kr.id}")
            code = "new_" + (re.sub(r"\W+", "_", kr.metric_name.lower()).strip("_") or kr.id.lower())[:40]
            out.append(
                Assignment(
                    owner,
                    kr,
                    code,
                    kr.metric_name,
                    kr.metric_name,
                    True,
                    kr.unit,
                    kr.direction,
                    kr_target(kr),
                    "direct",
                )
            )
        else:
            out.append(
                Assignment(
                    owner,
                    kr,
                    found.code,
                    found.name_zh,
                    found.name_en,
                    False,
                    kr.unit or found.unit,
                    kr.direction,
                    kr_target(kr),
                    "direct",
                )
            )
    return out, splits


@dataclass
class _Item:
    code: str
    block: Block | None
    weight: float
    assignment: Assignment | None


def _scorecard_lines(tpl: DeptTemplate, weights: Mapping[str, float] | None) -> list[tuple[Block, str, float]]:
    """The department's scorecard lines: HR's approved weight set when there is one (each indicator in the
    template's block for it, else fixed), else the template's defaults."""
    if not weights:
        return [(blk, code, float(w)) for blk, code, w in tpl.items()]
    block_of = {code: blk for blk, code, _ in tpl.items()}
    fixed: Block = "fixed"
    return [(block_of.get(code, fixed), code, float(w)) for code, w in weights.items()]


def _template_items(lines: list[tuple[Block, str, float]], assigned: list[Assignment]) -> list[_Item]:
    tpl_codes = {c for _, c, _ in lines}
    by_code = {a.code: a for a in reversed(assigned)}
    extras = [a for a in assigned if a.code not in tpl_codes]
    extras = list({a.code: a for a in reversed(extras)}.values())[::-1]
    items: list[_Item] = []
    for block, code, w in lines:
        if block == "dynamic" and extras and code not in by_code:
            continue  # the dynamic slot holds this period's company KRs instead of the example
        items.append(_Item(code, block, w, by_code.get(code)))
    dyn = sum(w for blk, _, w in lines if blk == "dynamic") or 20
    dyn_left = dyn - sum(i.weight for i in items if i.block == "dynamic")
    items += [_Item(a.code, "dynamic", max(dyn_left, 1) / len(extras), a) for a in extras]
    return items


def _cap(items: list[_Item], flags: list[str], dept: str) -> list[_Item]:
    """At most 5 KPIs: drop the lightest template KPI, its weight stays in its block."""
    order = {"collaboration": 0, "dynamic": 1, "fixed": 2}
    while len(items) > MAX_KPIS:
        free = [i for i in items if i.assignment is None]
        if not free:
            flags.append(f"kpi_capped:{dept}")
            return items[:MAX_KPIS]
        drop = min(free, key=lambda i: (i.weight, order.get(i.block or "", 3), -items.index(i)))
        items.remove(drop)
        same = [i for i in items if i.block == drop.block] or items
        max(same, key=lambda i: i.weight).weight += drop.weight
    return items


def _support_parent(dept: str, assigned: list[Assignment], company: CompanyOKR) -> str:
    if assigned:
        return assigned[0].kr.id
    krs = company.all_krs()
    for kr in krs:
        ind = indicator_map().get(kr.metric or "")
        if ind and dept in ind.departments:
            return kr.id
    return krs[0].id


def department_kpis(
    dept: str,
    assigned: list[Assignment],
    company: CompanyOKR,
    lang: str,
    forecasts: dict[str, TargetRange],
    actuals: dict[str, float],
    flags: list[str],
    derived: dict[str, float] | None = None,
    approved: Mapping[str, float] | None = None,
) -> list[KPI]:
    """A department scorecard: template blocks (or HR's `approved` weights) with company KRs in them, <= 5 KPIs,
    weights summing to 100."""
    tpl = get_template(dept)
    if tpl is not None:
        items = _template_items(_scorecard_lines(tpl, approved), assigned)
    else:
        uniq = list({a.code: a for a in reversed(assigned)}.values())[::-1]
        items = [_Item(a.code, None, 1.0, a) for a in uniq]
    items = _cap(items, flags, dept)
    weights = apportion([i.weight for i in items], at_least_one=True)
    parent = _support_parent(dept, assigned, company)
    cat = indicator_map()
    kpis = []
    for item, w in zip(items, weights, strict=True):
        a = item.assignment
        if a is not None:
            name = a.name_zh if lang == "zh" else a.name_en
            kpis.append(
                KPI(
                    code=a.code,
                    name=name,
                    is_new=a.is_new,
                    definition="",
                    weight=w,
                    direction=a.direction,
                    unit=a.unit,
                    target=with_forecast(a.target, a.code, forecasts),
                    parent_kr=a.kr.id,
                    block=item.block,
                    link=a.link,
                )
            )
        else:
            ind = cat[item.code]
            kpis.append(
                KPI(
                    code=ind.code,
                    name=ind.name(lang),
                    definition="",
                    weight=w,
                    direction=ind.direction,
                    unit=ind.unit,
                    target=support_target(ind.code, forecasts, actuals, derived),
                    parent_kr=parent,
                    block=item.block,
                    link="support",
                )
            )
    return kpis
