"""Deterministic cascade: company KRs -> owning departments (driver tree for sales) -> scorecards."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import yaml

from assistant.catalogue import DATA_DIR, indicator_map, load_departments
from assistant.driver_tree import DRIVER_CODES, DriverSplit, FixedDriver, consistency_error, split_sales
from assistant.guards import MAX_KPIS
from assistant.numbers import CURRENCIES
from assistant.schemas import KPI, CompanyOKR, KeyResult, Target, TargetRange
from assistant.targets import kr_target, support_target, upper_bound, with_forecast
from assistant.templates import Block, DeptTemplate, get_template
from core.vocab import DirectionName
from kpi.rules import apportion

DRIVER_TOLERANCE = 0.01
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
    target = kr.target if kr.unit in ("CNY", None) else None  # a foreign-currency target has no CNY baseline
    if kr.target is not None and kr.baseline:
        return kr.target / kr.baseline, target
    if kr.change_pct is not None:
        return 1 + kr.change_pct / 100, target
    if target is not None and actuals.get("gmv"):
        return target / actuals["gmv"], target
    return None, target


def _stated_factor(kr: KeyResult, base: float | None) -> FixedDriver | None:
    """A driver target the company wrote in a KR of its own ("AOV from 38 to 45", "conversion +10%").

    A level with no baseline anywhere ("客单价提升到 168 元" and no AOV data) is kept as written and taken as
    no growth: the other drivers carry the sales growth."""
    if kr.target is not None and kr.target > 0:
        ref = kr.baseline or base
        return FixedDriver(
            kr_id=kr.id, factor=kr.target / ref if ref else 1.0, level=kr.target, baseline=kr.baseline or base
        )
    if kr.change_pct is not None:
        level = base * (1 + kr.change_pct / 100) if base else None
        return FixedDriver(kr_id=kr.id, factor=1 + kr.change_pct / 100, level=level, baseline=base)
    if kr.change_pp is not None and base:
        return FixedDriver(kr_id=kr.id, factor=(base + kr.change_pp) / base, level=base + kr.change_pp, baseline=base)
    return None


def stated_drivers(
    company: CompanyOKR, actuals: dict[str, float], basis: str, flags: list[str]
) -> tuple[dict[str, tuple[KeyResult, FixedDriver]], dict[str, KeyResult]]:
    """Drivers of the sales tree the company set targets for itself, by driver name (first KR wins), and every
    company KR on a driver's metric. A change stated against another comparison than the sales KR's (visitors
    +15% vs. last period in a year-on-year tree) cannot be multiplied with it: that driver is solved (its KPI
    still serves that KR), and flagged."""
    out: dict[str, tuple[KeyResult, FixedDriver]] = {}
    named: dict[str, KeyResult] = {}
    for kr in company.all_krs():
        driver = next((d for d, code in DRIVER_CODES.items() if code == kr.metric), None)
        if driver is None or driver in named:
            continue
        named[driver] = kr
        if kr.basis and kr.basis != basis and kr.target is None:
            flags.append(f"driver_basis_differs:{kr.id} ({kr.basis} vs {basis})")
            continue
        fixed = _stated_factor(kr, actuals.get(kr.metric or ""))
        if fixed is not None:
            out[driver] = (kr, fixed)
    return out, named


def _driver_assignments(kr: KeyResult, split: DriverSplit, named: dict[str, KeyResult]) -> list[Assignment]:
    cat = indicator_map()
    out = []
    for d in split.drivers:
        ind = cat[d.code]
        source = named.get(d.driver, kr)  # the KR on exactly this metric, else the sales KR
        tgt = Target(
            value=d.target,
            change_pct=None if d.fixed_by and d.baseline is None else d.growth_pct,
            baseline=d.baseline,
            comparator=">=",
            source="kr" if d.fixed_by else "driver_tree",
            basis=(source.basis or split.basis) if d.fixed_by else split.basis,  # type: ignore[arg-type]
        )
        link: Literal["direct", "driver"] = "direct" if d.fixed_by else "driver"
        unit = d.unit
        if d.fixed_by and source.unit in CURRENCIES:
            unit = source.unit  # "AOV from $35 to $42" stays in dollars
        elif d.driver == "aov" and kr.unit in CURRENCIES:
            unit = kr.unit  # an AOV solved from a sales target in dollars is in dollars
        out.append(Assignment(d.owner, source, d.code, ind.name_zh, ind.name_en, False, unit, "higher", tgt, link))
    return out


def _split_first_sales_kr(
    company: CompanyOKR, depts: list[str], actuals: dict[str, float], flags: list[str]
) -> tuple[list[Assignment], list[DriverSplit], set[str]]:
    """The sales driver tree for the company's sales KR (one tree: several sales KRs state one thing); the
    drivers the company stated keep their KRs' targets, the rest are solved. Returns the assignments, the
    split and the KR ids it serves."""
    for kr in company.all_krs():
        if kr.metric not in SALES_CODES:
            continue
        stated, named = stated_drivers(company, actuals, kr.basis or "yoy", flags)
        factor, sales_target = _sales_factor(kr, actuals)
        if not factor or factor <= 0:
            flags.append(f"driver_split_unavailable:{kr.id}")
            continue
        split = split_sales(
            kr.id,
            factor=factor,
            departments=set(depts),
            sales_target=sales_target,
            baselines=actuals,
            fixed={d: f for d, (_, f) in stated.items()},
            basis=kr.basis or "yoy",  # sales KRs compare with the same period last year unless they say otherwise
        )
        if split.over_determined() and consistency_error(split) > DRIVER_TOLERANCE:
            flags.append(f"explicit_drivers_inconsistent:{kr.id}")
        flags += [
            f"driver_solved_down:{kr.id}:{d.code} ({d.growth_pct:+g}%)"
            for d in split.drivers
            if not d.fixed_by and d.growth_pct < 0 < factor - 1
        ]
        served = {kr.id} | {k.id for k in named.values()}
        flags += [f"driver_baseline_unknown:{f.kr_id}" for _, f in stated.values() if f.baseline is None]
        return _driver_assignments(kr, split, named), [split], served
    return [], [], set()


def assign(
    company: CompanyOKR, depts: list[str], actuals: dict[str, float], flags: list[str]
) -> tuple[list[Assignment], list[DriverSplit]]:
    """Hand every company KR to the department that controls its metric; the sales KR goes through the driver
    tree, where KRs the company wrote for visitors, conversion or AOV keep their own targets. One assignment
    per metric: a second KR on a metric already assigned is served by the same KPI's department as an extra
    department KR."""
    out, splits, served = _split_first_sales_kr(company, depts, actuals, flags)
    cat = indicator_map()
    for kr in company.all_krs():
        if kr.id in served:
            continue
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


def _level_from_change(
    dept: str, code: str, unit: str | None, t: Target, actuals: dict[str, float], flags: list[str]
) -> Target:
    """A KR's change ("满意度提升 5%") as a level on last period's actual, kept inside the scale: a change that
    would pass the ceiling (CSAT 4.8 x 1.05 = 5.04) stops at it and is flagged."""
    actual = actuals.get(code)
    if t.value is not None or actual is None or (t.change_pct is None and t.change_pp is None):
        return t
    level = actual * (1 + t.change_pct / 100) if t.change_pct is not None else actual + (t.change_pp or 0)
    top = upper_bound(code, unit)
    if top is not None and level > top:
        flags.append(f"target_capped_at_scale:{dept}:{code} ({level:g} > {top:g})")
        level = top
    lower = (t.change_pct if t.change_pct is not None else t.change_pp or 0) < 0
    return t.model_copy(update={"value": round(level, 4), "baseline": actual, "comparator": "<=" if lower else ">="})


def _flag_target(dept: str, kpi: KPI, actuals: dict[str, float], flags: list[str]) -> None:
    """Say when a target is below what the team already achieves, or is a template number to set."""
    t, actual = kpi.target, actuals.get(kpi.code)
    if t.source == "template":
        flags.append(f"needs_target:{dept}:{kpi.code}")
    if t.value is None or actual is None:
        return
    worse = t.value < actual if kpi.direction == "higher" else t.value > actual
    if worse:
        flags.append(f"target_below_actual:{dept}:{kpi.code} ({t.value:g} vs {actual:g})")


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
                target=with_forecast(
                    _level_from_change(dept, a.code, a.unit, a.target, actuals, flags), a.code, forecasts
                ),
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
                target=support_target(ind.code, forecasts, actuals, derived),
                parent_kr=support_parent(ind.code, dept, assigned, company),
                block=item.block,
                link="support",
            )
        _flag_target(dept, kpi, actuals, flags)
        kpis.append(kpi)
    return kpis
