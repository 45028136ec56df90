"""Guards every draft passes before anyone sees it: schema, weights, counts, links, coverage, drivers,
grounded numbers, language; plus the delimiter that keeps untrusted text as data."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable

from pydantic import ValidationError

from assistant.catalogue import indicator_map
from assistant.driver_tree import consistency_error
from assistant.numbers import plain_numbers
from assistant.schemas import KPI, GoalDraft
from assistant.texts import detect_language
from kpi.rules import weight_problems

MAX_KPIS = 5
DRIVER_TOLERANCE = 0.01
DATA_OPEN, DATA_CLOSE = "<<<DATA", "DATA>>>"


def wrap_untrusted(text: str) -> str:
    """Put untrusted text between delimiters it cannot close itself."""
    safe = text.replace("<<<", "«").replace(">>>", "»")
    return f"{DATA_OPEN}\n{safe}\n{DATA_CLOSE}"


def _walk_numbers(obj: object, out: set[float]) -> None:
    if isinstance(obj, bool):
        return
    if isinstance(obj, int | float):
        out.add(float(obj))
    elif isinstance(obj, dict):
        for v in obj.values():
            _walk_numbers(v, out)
    elif isinstance(obj, list):
        for v in obj:
            _walk_numbers(v, out)


def collect_facts(draft: GoalDraft) -> list[float]:
    """Every number a text may cite: computed values, KR numbers, ids, periods, catalogue definitions."""
    out: set[float] = set()
    dump = draft.model_dump(exclude={"facts", "calls", "people"})
    _walk_numbers(dump, out)
    texts = [kr.title for kr in draft.company.all_krs()] + [draft.period or ""]
    texts += [str(kr.period or "") for kr in draft.company.all_krs()]
    ids = [kr.id for kr in draft.company.all_krs()] + [
        kr.id for d in draft.departments for o in d.objectives for kr in o.key_results
    ]
    cat = indicator_map()
    codes = {k.code for d in draft.departments for k in d.kpis}
    texts += [cat[c].definition_zh + " " + cat[c].definition_en for c in codes if c in cat]
    for t in texts + ids:
        out.update(plain_numbers(t))
    for v in list(out):
        out.update({abs(v), round(v, 2), round(v, 1)})
    return sorted(out)


def ungrounded_numbers(text: str, facts: Iterable[float]) -> list[float]:
    """Numbers in `text` that match no fact (relative tolerance 0.05%, for rounded display)."""
    fs = sorted(facts)  # linear when the facts come sorted (collect_facts), as they usually do
    bad = []
    for x in plain_numbers(text):
        # Only the facts next to x in sorted order can be within the (small, relative) tolerance.
        i = bisect.bisect_left(fs, x)
        if not any(abs(x - f) <= max(1e-6, 5e-4 * abs(f)) for f in fs[max(0, i - 2) : i + 2]):
            bad.append(x)
    return bad


def check_text(text: str, facts: Iterable[float], lang: str, *, where: str = "text") -> list[str]:
    """Grounding and language problems of one generated text."""
    problems = []
    if not text.strip():
        problems.append(f"{where}: empty text")
        return problems
    bad = ungrounded_numbers(text, facts)
    if bad:
        problems.append(f"{where}: numbers not in the computed facts: {bad[:5]}")
    if detect_language(text) != lang:
        problems.append(f"{where}: text is not in the requested language {lang!r}")
    if re.search(r"<<<|>>>|DATA>>>", text):
        problems.append(f"{where}: text contains data delimiters")
    return problems


def _check_scorecard(where: str, kpis: list[KPI], problems: list[str]) -> None:
    if not 1 <= len(kpis) <= MAX_KPIS:
        problems.append(f"{where}: {len(kpis)} KPIs (must be 1..{MAX_KPIS})")
    for wp in weight_problems([(k.code, k.weight) for k in kpis], positive=True):
        problems.append(f"{where}: {wp.code + ': ' if wp.code else ''}{wp.message}")
    for k in kpis:
        t = k.target
        if t.value is None and t.change_pct is None and t.change_pp is None:
            problems.append(f"{where}: KPI {k.code} has no numeric target")


def check_draft(draft: GoalDraft) -> list[str]:
    """All structural and text guards; an empty list means the draft may be shown."""
    problems: list[str] = []
    try:
        GoalDraft.model_validate(draft.model_dump())
    except ValidationError as exc:
        return [f"schema: {exc.errors()[0]}"]
    company_ids = {kr.id for kr in draft.company.all_krs()}
    dept_krs: dict[str, set[str]] = {}
    covered: set[str] = set()
    for d in draft.departments:
        _check_scorecard(f"department {d.code}", d.kpis, problems)
        dept_krs[d.code] = {kr.id for o in d.objectives for kr in o.key_results}
        for o in d.objectives:
            for kr in o.key_results:
                if kr.parent_kr not in company_ids:
                    problems.append(f"department {d.code}: KR {kr.id} parent {kr.parent_kr!r} does not exist")
                covered.add(kr.parent_kr or "")
        problems += [
            f"department {d.code}: KPI {k.code} parent {k.parent_kr!r} does not exist"
            for k in d.kpis
            if k.parent_kr not in company_ids
        ]
    problems += [f"coverage: company {kr} is served by no department" for kr in sorted(company_ids - covered)]
    for r in draft.roles:
        _check_scorecard(f"role {r.department}/{r.role}", r.kpis, problems)
        problems += [
            f"role {r.department}/{r.role}: KPI {k.code} parent {k.parent_kr!r} does not exist"
            for k in r.kpis
            if k.parent_kr not in dept_krs.get(r.department, set())
        ]
    for s in draft.driver_splits:
        err = consistency_error(s)
        # The company stated every driver itself: nothing was solved, and the draft says they disagree.
        if err > DRIVER_TOLERANCE and f"explicit_drivers_inconsistent:{s.kr_id}" not in draft.flags:
            problems.append(f"driver tree {s.kr_id}: drivers multiply to {err:.2%} off the company target")
    problems += check_generated_texts(draft)
    return problems


def generated_texts(draft: GoalDraft) -> list[tuple[str, str]]:
    """(where, text) of every text the engine or the model wrote (not the user's own KR titles)."""
    out = []
    for d in draft.departments:
        for o in d.objectives:
            out.append((f"department {d.code} objective", o.title))
        out += [(f"department {d.code} KPI {k.code}", k.definition) for k in d.kpis]
    for r in draft.roles:
        out += [(f"role {r.department}/{r.role} KPI {k.code}", k.definition) for k in r.kpis]
    return out


def check_generated_texts(draft: GoalDraft) -> list[str]:
    """Grounding and language problems over all generated texts of a draft."""
    facts = draft.facts or collect_facts(draft)
    problems: list[str] = []
    for where, text in generated_texts(draft):
        problems += check_text(text, facts, draft.language, where=where)
    return problems


# What a rejected answer may tell a reader: the rule it broke, never the model's own words or numbers.
PUBLIC_REASONS = (
    ("not in the computed facts", "numbers not in the computed facts"),
    ("not in the requested language", "text is not in the requested language"),
    ("data delimiters", "text contains data delimiters"),
    ("empty text", "empty text"),
    ("mentions", "mentions a word it must not"),
    ("does not match the schema", "answer does not match the schema"),
)


def public_problem(problem: str) -> str:
    """A guard problem without model-written content: `where: rule` (where is the service's own label)."""
    for needle, reason in PUBLIC_REASONS:
        if needle in problem:
            where = problem.split(": ", 1)[0]
            return reason if needle in where or where == problem else f"{where}: {reason}"
    return "answer broke a rule"
