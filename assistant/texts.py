"""Text templates (zh/en) for department objectives and SMART KPI definitions; numbers come from facts."""

from __future__ import annotations

import re

from assistant.catalogue import indicator_map
from assistant.numbers import fmt_number
from assistant.schemas import KPI, Target

_MONTHS_EN = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4}
_CJK_RE = re.compile(r"[\u3400-\u9fff]")
_LATIN_RE = re.compile(r"[A-Za-z]")


def detect_language(text: str) -> str:
    """'zh' when Chinese characters make up at least 30% of the letters, else 'en'."""
    cjk, latin = len(_CJK_RE.findall(text)), len(_LATIN_RE.findall(text))
    return "zh" if cjk and cjk / (cjk + latin) >= 0.3 else "en"


def period_text(period: str | None, lang: str) -> str:
    """The period in the requested language, year kept ('2027年6月' -> 'June 2027', '2027年第一季度' -> 'Q1 2027'),
    or a neutral phrase when unknown."""
    if not period:
        return "本期" if lang == "zh" else "this period"
    if lang == "en" and _CJK_RE.search(period):
        year_m = re.search(r"(20\d\d)\s*年?", period)
        year = f" {year_m.group(1)}" if year_m else ""
        rest = period[year_m.end() :] if year_m else period
        m = re.match(r"\s*(\d{1,2})\s*月", rest)
        if m and 1 <= int(m.group(1)) <= 12:
            return _MONTHS_EN[int(m.group(1)) - 1] + year
        q = re.match(r"\s*(?:第?([一二三四1-4])季度|Q([1-4]))", rest)
        if q:
            return f"Q{_CN_DIGITS.get(q.group(1) or '', q.group(1) or q.group(2))}{year}"
        h = re.match(r"\s*([上下])半年", rest)
        if h:
            return ("H1" if h.group(1) == "上" else "H2") + year
        if year and not rest.strip():
            return year.strip()
        return "this period"
    return period


def target_text(t: Target, unit: str | None, lang: str) -> str:
    """A target as words: '≥ 3.35%', '+8.2% vs. last period', '90-110 (base 100)'."""
    parts: list[str] = []
    if t.value is not None:
        sym = {">=": "≥ ", "<=": "≤ ", "=": ""}[t.comparator]
        parts.append(sym + fmt_number(t.value, unit, lang))
    if t.change_pct is not None:
        parts.append(change_text(t.change_pct, t.basis, lang))
    if t.change_pp is not None:
        parts.append(
            f"提升 {fmt_number(t.change_pp)} 个百分点" if lang == "zh" else f"{t.change_pp:+g} percentage points"
        )
    if t.low is not None and t.high is not None:
        lo, hi = fmt_number(t.low, unit, lang), fmt_number(t.high, unit, lang)
        parts.append(f"区间 {lo} ~ {hi}" if lang == "zh" else f"range {lo} to {hi}")
    return "，".join(parts) if lang == "zh" else ", ".join(parts)


def change_text(pct: float, basis: str | None, lang: str) -> str:
    """A relative change that says what it compares with: '同比提升 8.2%', '+8.2% vs. last period'."""
    if lang == "zh":
        word = {"yoy": "同比", "pop": "较上期"}.get(basis or "", "")
        return f"{word}{'提升' if pct >= 0 else '降低'} {fmt_number(abs(pct))}%"
    tail = {"yoy": " year on year", "pop": " vs. last period"}.get(basis or "", "")
    return f"{pct:+g}%{tail}"


def display_name(kpi: KPI, lang: str) -> str:
    """KPI name for generated text; a new KPI's user-typed name is data and stays out of it."""
    if not kpi.is_new:
        return kpi.name
    return "新指标" if lang == "zh" else "new metric"


def kpi_definition(kpi: KPI, period: str | None, lang: str, *, role_name: str | None = None) -> str:
    """SMART definition: what is measured, how, the target, the deadline and the parent KR."""
    ind = indicator_map().get(kpi.code)
    name = display_name(kpi, lang)
    measure = (
        ind.definition(lang)
        if ind
        else ("新指标，口径待确认" if lang == "zh" else "new metric, definition to be confirmed")
    )
    when = period_text(period, lang)
    tgt = target_text(kpi.target, kpi.unit, lang)
    if lang == "zh":
        better = "越高越好" if kpi.direction == "higher" else "越低越好"
        scope = {"team": "（团队目标）", "personal": "（个人目标）"}.get(kpi.scope or "", "")
        who = f"{role_name}{scope}：" if role_name else ""
        return f"{who}{name}（{measure}）；{when}目标：{tgt}；{better}；支撑 {kpi.parent_kr}。"
    better = "higher is better" if kpi.direction == "higher" else "lower is better"
    scope = {"team": " (team target)", "personal": " (personal target)"}.get(kpi.scope or "", "")
    who = f"{role_name}{scope}: " if role_name else ""
    return f"{who}{name} ({measure}); target for {when}: {tgt}; {better}; serves {kpi.parent_kr}."


def department_objective(dept_name: str, kpis: list[KPI], period: str | None, lang: str) -> str:
    """Department objective phrased from its KR-linked KPIs (or its top KPI)."""
    linked = [k for k in kpis if k.link != "support"] or kpis[:1]
    when = period_text(period, lang)
    parents = sorted({k.parent_kr for k in linked})
    if lang == "zh":
        items = "、".join(f"{display_name(k, lang)}{target_text(k.target, k.unit, lang)}" for k in linked[:3])
        return f"{dept_name}：{when}实现{items}，支撑公司 {'、'.join(parents)}"
    items = "; ".join(f"{display_name(k, lang)} {target_text(k.target, k.unit, lang)}" for k in linked[:3])
    return f"{dept_name}: in {when} deliver {items}, serving company {', '.join(parents)}"
