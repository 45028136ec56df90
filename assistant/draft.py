"""Public entry point: company OKR text + org -> a checked GoalDraft (offline engine, optional LLM words)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import cast

from pydantic import BaseModel, Field

from assistant.cascade import assign
from assistant.errors import GuardError, InputError
from assistant.guards import check_draft, check_text, collect_facts, wrap_untrusted
from assistant.llm import LLMProvider, OfflineProvider
from assistant.numbers import fmt_number, plain_numbers
from assistant.okr_input import parse_okr_text
from assistant.org import Org, default_org
from assistant.people import instantiate_people
from assistant.rewording import reword
from assistant.roles import build_department, build_roles
from assistant.schemas import KPI, CompanyOKR, DepartmentDraft, GoalDraft, Lang, RoleDraft, TargetRange
from assistant.scorecards import department_kpis
from assistant.target_plan import outside_range_flags, plan_inputs
from assistant.texts import target_text

LANG_NAMES = {"zh": "简体中文 (Simplified Chinese)", "en": "English"}


class Definition(BaseModel):
    """One KPI definition written by the model."""

    code: str
    text: str = Field(max_length=400)


class DepartmentWording(BaseModel):
    """Model output for one department: objective sentence and KPI definitions."""

    objective: str = Field(max_length=400)
    definitions: list[Definition]


class RoleWording(BaseModel):
    """Model output for one (department, role): KPI definitions."""

    definitions: list[Definition]


# A draft computes no ranking, so a model's "排名第三" or "ranked third" is invented whatever its number.
RANKING = re.compile(r"排名|名列|第\s*[0-9一二三四五六七八九十百两]+\s*名|\brank(?:ed|ing|s)?\b", re.IGNORECASE)


def draft_goals(
    okr_text: str,
    org: Org | None = None,
    *,
    lang: str = "zh",
    provider: LLMProvider | None = None,
    forecasts: Mapping[str, TargetRange] | None = None,
    actuals: Mapping[str, float] | None = None,
) -> GoalDraft:
    """Parse company OKRs and cascade them into department OKRs, role KPIs and per-person KPIs."""
    company, flags = parse_okr_text(okr_text)
    return draft_from_company(
        company, org, lang=lang, provider=provider, forecasts=forecasts, actuals=actuals, flags=flags
    )


def draft_from_company(
    company: CompanyOKR,
    org: Org | None = None,
    *,
    lang: str = "zh",
    provider: LLMProvider | None = None,
    forecasts: Mapping[str, TargetRange] | None = None,
    actuals: Mapping[str, float] | None = None,
    flags: list[str] | None = None,
    weights: Mapping[str, Mapping[str, float]] | None = None,
) -> GoalDraft:
    """Cascade already-parsed company OKRs; raises GuardError if the result breaks a rule (a bug).

    `weights` are HR's approved indicator weights per department code; they replace the template's defaults."""
    if lang not in ("zh", "en"):
        raise InputError(f"language must be 'zh' or 'en', not {lang!r}")
    org = org or default_org()
    provider = provider or OfflineProvider()
    flags = list(flags or [])
    fc, act = dict(forecasts or {}), dict(actuals or {})
    depts = list(dict.fromkeys(org.department_codes()))
    if not depts:
        raise InputError("the org has no departments")
    assignments, splits = assign(company, depts, act, flags)
    # 1. Numbers: company KRs, driver tree, forecasts and actuals -> department scorecards -> roles -> people
    # (every target through one pipeline: assistant/target_plan.py).
    inputs = plan_inputs(company, splits, fc, act, lang, flags)
    dept_drafts: dict[str, DepartmentDraft] = {}
    for code in depts:
        mine = [a for a in assignments if a.dept == code]
        kpis = department_kpis(code, mine, company, lang, inputs, flags, (weights or {}).get(code))
        dept_drafts[code] = build_department(code, kpis, mine, lang)
    roles = build_roles(org, dept_drafts, lang)
    draft = GoalDraft(
        language=cast(Lang, lang),
        period=company.period,
        provider=provider.name,
        company=company,
        departments=list(dept_drafts.values()),
        roles=roles,
        driver_splits=splits,
        flags=flags,
    )
    draft.people = instantiate_people(org, draft.roles)
    # A forecast range is advice: a target outside it is kept and said, department and roles alike.
    draft.flags += [f for code in depts for f in outside_range_flags(draft, code)]
    # 2. Words: every template text from those numbers; a model may then rephrase them (checked, else kept).
    reword(draft)
    draft.facts = collect_facts(draft)
    _apply_wording(draft, provider)
    problems = check_draft(draft)
    if problems:
        raise GuardError(f"draft failed {len(problems)} guard(s): {problems[0]}", failures=problems)
    return draft


def _kpi_lines(kpis: list[KPI], lang: str) -> str:
    return "\n".join(f"{k.code} | {k.name} | {target_text(k.target, k.unit, lang)} | {k.parent_kr}" for k in kpis)


def _scoped_facts(*texts: str) -> list[float]:
    """The numbers one wording call may cite: those of its own templates, KPI lines and KRs (not every number
    of the company's draft, which would ground almost any figure a model invents)."""
    out: set[float] = set()
    for text in texts:
        for v in plain_numbers(text):
            out.update({v, abs(v), round(v, 2), round(v, 1)})
    return sorted(out)


def _checker(codes: list[str], facts: list[float], lang: str):  # type: ignore[no-untyped-def]
    def check(w: BaseModel) -> list[str]:
        defs = getattr(w, "definitions", [])
        got = [d.code for d in defs]
        problems = (
            [] if sorted(got) == sorted(codes) else [f"definitions must cover exactly the codes {codes}, got {got}"]
        )
        texts = [(f"definition {d.code}", d.text) for d in defs]
        if isinstance(w, DepartmentWording):
            texts.append(("objective", w.objective))
        for where, text in texts:
            problems += check_text(text, facts, lang, where=where)  # numbers, digits or words, as in reports
            if RANKING.search(text):
                problems.append(f"{where}: mentions a ranking (no draft computes one)")
        return problems

    return check


def _apply_wording(draft: GoalDraft, provider: LLMProvider) -> None:
    """Ask the provider for words per department and per (department, role); keep the templates on failure."""
    lang, facts = draft.language, draft.facts
    fact_text = ", ".join(fmt_number(f) for f in facts)
    kr_text = wrap_untrusted("\n".join(f"{kr.id}: {kr.title}" for kr in draft.company.all_krs()))
    for d in draft.departments:
        codes = [k.code for k in d.kpis]
        kpi_text = _kpi_lines(d.kpis, lang)
        fallback = DepartmentWording(
            objective=d.objectives[0].title,
            definitions=[Definition(code=k.code, text=k.definition) for k in d.kpis],
        )
        scoped = _scoped_facts(fallback.objective, *(x.text for x in fallback.definitions), kr_text, kpi_text)
        res = provider.generate(
            "cascade_department",
            {
                "reply_language": LANG_NAMES[lang],
                "department": d.name,
                "company_krs": kr_text,
                "kpis": wrap_untrusted(kpi_text),
                "facts": fact_text,
            },
            DepartmentWording,
            check=_checker(codes, scoped, lang),
            fallback=fallback,
        )
        draft.calls.append(res.record)
        if res.fallback:
            draft.flags.append(f"fallback:department:{d.code}")
        d.objectives[0].title = res.value.objective
        _set_definitions(d.kpis, res.value.definitions)
    for r in draft.roles:
        _word_role(draft, r, provider, fact_text)


def _word_role(draft: GoalDraft, r: RoleDraft, provider: LLMProvider, fact_text: str) -> None:
    codes = [k.code for k in r.kpis]
    fallback = RoleWording(definitions=[Definition(code=k.code, text=k.definition) for k in r.kpis])
    kpi_text = _kpi_lines(r.kpis, draft.language)
    scoped = _scoped_facts(*(x.text for x in fallback.definitions), kpi_text)
    res = provider.generate(
        "cascade_role",
        {
            "reply_language": LANG_NAMES[draft.language],
            "department": r.department,
            "role": wrap_untrusted(r.role_name),
            "kpis": wrap_untrusted(kpi_text),
            "facts": fact_text,
        },
        RoleWording,
        check=_checker(codes, scoped, draft.language),
        fallback=fallback,
    )
    draft.calls.append(res.record)
    if res.fallback:
        draft.flags.append(f"fallback:role:{r.department}/{r.role}")
    _set_definitions(r.kpis, res.value.definitions)


def _set_definitions(kpis: list[KPI], defs: list[Definition]) -> None:
    by_code = {d.code: d.text for d in defs}
    for k in kpis:
        k.definition = by_code.get(k.code, k.definition)
