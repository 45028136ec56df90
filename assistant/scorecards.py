"""Department scorecards: the template's blocks (or HR's approved weights) holding the company KRs a department
was given, at most 5 KPIs, weights summing to 100, each KPI linked to the company KR it serves and its target
from the one target pipeline (`assistant/target_plan.py`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

import yaml

from assistant.cascade import SALES_CODES, Assignment
from assistant.catalogue import DATA_DIR, indicator_map
from assistant.driver_tree import DRIVER_CODES
from assistant.guards import MAX_KPIS
from assistant.schemas import KPI, CompanyOKR
from assistant.target_plan import TargetInputs, kpi_target, target_flags
from assistant.templates import Block, DeptTemplate, get_template
from kpi.rules import apportion


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


@lru_cache(maxsize=1)
def kpi_links() -> dict[str, tuple[str, ...]]:
    """Company metrics each department KPI serves, most direct first (assistant/data/kpi_links.yaml)."""
    raw = yaml.safe_load((DATA_DIR / "kpi_links.yaml").read_text("utf-8")) or {}
    return {str(k): tuple(str(m) for m in v or ()) for k, v in raw.items()}


def support_parent(code: str, dept: str, assigned: list[Assignment], company: CompanyOKR) -> str:
    """The most specific company KR a KPI no KR names serves: the KR of the driver it moves, else of a metric it
    serves (kpi_links.yaml), else the department's own KR, else the sales KR, else the first KR."""
    krs = company.all_krs()
    by_metric: dict[str, str] = {}
    for kr in krs:
        by_metric.setdefault(kr.metric or "", kr.id)
    ind = indicator_map().get(code)
    wanted: list[str] = [code]  # a KR on exactly this metric first
    if ind is not None and ind.driver:
        wanted += [DRIVER_CODES.get(ind.driver, ""), *SALES_CODES]
    wanted += kpi_links().get(code, ())
    for metric in wanted:
        if metric in by_metric:
            return by_metric[metric]
    own = [a for a in assigned if a.dept == dept]
    if own:
        return own[0].kr.id
    for metric in SALES_CODES:
        if metric in by_metric:
            return by_metric[metric]
    return krs[0].id


def department_kpis(
    dept: str,
    assigned: list[Assignment],
    company: CompanyOKR,
    lang: str,
    inputs: TargetInputs,
    flags: list[str],
    approved: Mapping[str, float] | None = None,
) -> list[KPI]:
    """A department scorecard: template blocks (or HR's `approved` weights) with company KRs in them, <= 5 KPIs,
    weights summing to 100, one KPI per metric."""
    tpl = get_template(dept)
    if tpl is not None:
        items = _template_items(_scorecard_lines(tpl, approved), assigned)
    else:
        uniq = list({a.code: a for a in reversed(assigned)}.values())[::-1]
        items = [_Item(a.code, None, 1.0, a) for a in uniq]
    items = _cap(items, flags, dept)
    weights = apportion([i.weight for i in items], at_least_one=True)
    cat = indicator_map()
    kpis = []
    for item, w in zip(items, weights, strict=True):
        a = item.assignment
        if a is not None:
            name = a.name_zh if lang == "zh" else a.name_en
            kpi = KPI(
                code=a.code,
                name=name,
                is_new=a.is_new,
                definition="",
                weight=w,
                direction=a.direction,
                unit=a.unit,
                target=kpi_target(dept, a.code, a.unit, a.direction, a.target, inputs, flags),
                parent_kr=a.kr.id,
                block=item.block,
                link=a.link,
            )
        else:
            ind = cat[item.code]
            kpi = KPI(
                code=ind.code,
                name=ind.name(lang),
                definition="",
                weight=w,
                direction=ind.direction,
                unit=ind.unit,
                target=kpi_target(dept, ind.code, ind.unit, ind.direction, None, inputs, flags),
                parent_kr=support_parent(ind.code, dept, assigned, company),
                block=item.block,
                link="support",
            )
        target_flags(dept, kpi, inputs.actuals, flags)
        kpis.append(kpi)
    return kpis
