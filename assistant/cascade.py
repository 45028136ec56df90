"""Deterministic cascade, step 1: company KRs -> the departments that control them (the driver tree splits a
sales KR into visitors, conversion and AOV). Step 2, the scorecards, is `assistant/scorecards.py`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from assistant.catalogue import indicator_map, load_departments
from assistant.driver_tree import DRIVER_CODES, DriverSplit, FixedDriver, consistency_error, split_sales
from assistant.numbers import CURRENCIES
from assistant.okr_input import variant_name
from assistant.retrieval import rank_indicators
from assistant.schemas import CompanyOKR, KeyResult, Target
from assistant.targets import kr_target
from core.vocab import DirectionName

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


_TEAM_WORDS = r"(?:部门|部|团队|小组|组|中心|同事|\s+(?:team|department|dept)\b)"


def _mentioned_departments(text: str, depts: list[str], *, named: bool = False) -> list[str]:
    """Departments of the org the text speaks of. `named`: only where it names the team ("设计部", "客服团队",
    "the Design team"); otherwise any of the department's words (a Latin word only whole: "live" is not in
    "delivers")."""
    low = text.lower()
    found = []
    for d in load_departments():
        if d.code not in depts:
            continue
        for w in (d.name_zh, *d.synonyms):
            w = w.lower()
            if not w.isascii():
                hit = re.search(re.escape(w) + ("" if w.endswith("部") or not named else _TEAM_WORDS), low)
            elif len(w) > 3 or named:
                hit = re.search(rf"(?<![a-z0-9]){re.escape(w)}(?![a-z0-9-])" + (_TEAM_WORDS if named else ""), low)
            else:
                hit = None
            if hit:
                found.append(d.code)
                break
    return found


def owner_of(kr: KeyResult, depts: list[str], flags: list[str]) -> str:
    """The department that gets a company KR: the one it names; else the department that controls its
    indicator; else one the text speaks of; else the department of the most similar catalogue indicator
    (flagged as a guess); else operations (flagged)."""
    named = _mentioned_departments(kr.title, depts, named=True)
    if named:
        return named[0]
    ind = indicator_map().get(kr.metric or "")
    for d in ind.departments if ind else ():
        if d in depts:
            return d
    mentioned = _mentioned_departments(kr.title, depts)
    if mentioned:
        return mentioned[0]
    if ind is None:
        for similar, _ in rank_indicators(kr.title, top=3):
            owner = next((d for d in similar.departments if d in depts), None)
            if owner is not None:
                flags.append(f"kr_owner_guessed:{kr.id}->{owner}")
                return owner
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
    tree, where KRs the company wrote for visitors, conversion or AOV keep their own targets. A KR the catalogue
    cannot express, or a second KR on a metric the department already carries for another KR (场均GMV overall
    and on weekdays), becomes a KPI of its own, flagged `needs_indicator` (never a failed draft)."""
    out, splits, served = _split_first_sales_kr(company, depts, actuals, flags)
    cat = indicator_map()
    taken = {(a.dept, a.code) for a in out}
    for kr in company.all_krs():
        if kr.id in served:
            continue
        found = cat.get(kr.metric or "")
        owner = owner_of(kr, depts, flags)
        if found is not None and (owner, found.code) not in taken:
            taken.add((owner, found.code))
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
            continue
        # Not in the catalogue (or a variant of a metric already carried): a department KPI all the same, and HR
        # is asked to add the indicator (the draft carries the suggestion: name, unit, direction); publishing adds
        # it to the catalogue.
        flags.append(f"needs_indicator:{kr.id}")
        name = kr.metric_name if found is None else variant_name(kr.title)
        # A code people and the API can type (Latin letters, digits, "_"); a Chinese name keeps the KR's id.
        slug = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_") if found is None else ""
        code = "new_" + (slug or re.sub(r"[^a-z0-9]+", "_", kr.id.lower()))[:40]
        unit = kr.unit or (found.unit if found is not None else None)
        out.append(Assignment(owner, kr, code, name, name, True, unit, kr.direction, kr_target(kr), "direct"))
    return out, splits
