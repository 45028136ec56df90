"""Key-result parser: metric words, baseline, target, change, unit, direction and period (zh and en)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.numbers import Quantity, find_quantities
from core.vocab import DirectionName

# Period words are removed before numbers are read, so "Q3", "6月", "双11" or "618" never become targets.
_MONTHS = (
    r"January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
)
_DAY = r"(?:3[01]|[12]\d|0?[1-9])"
_PERIOD_PATTERNS = [
    # Dates first ("6月1日前", "before June 1", "2027-06-20"): a day of a month is a deadline, never a quantity.
    rf"(?:20\d\d\s*年\s*)?(?:1[0-2]|0?[1-9])\s*月\s*{_DAY}\s*[日号]",
    rf"\b20\d\d[-/.](?:1[0-2]|0?[1-9])[-/.]{_DAY}\b",
    rf"\b(?:{_MONTHS})\.?\s+{_DAY}(?:st|nd|rd|th)?\b(?:,?\s*20\d\d)?",
    rf"\b{_DAY}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTHS})\b",
    r"20\d\d\s*年\s*(?:Q[1-4]|H[12]|(?:1[0-2]|[1-9])\s*月(?:份)?|第[一二三四1-4]季度|[一二三四]季度|[上下]半年)?",
    r"20\d\d\s*(?:Q[1-4]|H[12])\b",
    # A bare year (2020-2039) unless it is an amount: "2000 万", "2025 件", "2,030".
    r"(?<![\d.,])20[23]\d\b(?!\s*(?:[万亿千百kKmMwW元件单人次个%]|[.,]\d|(?:units?|orders?|pcs|pieces|items|"
    r"people|visitors|sessions|customers|buyers|SKUs?)\b))",
    r"Double\s*(?:11|12|Eleven|Twelve)|Singles'?\s*Day",
    r"Q[1-4]",
    r"H[12]",
    r"第[一二三四1-4]季度",
    r"[上下]半年",
    r"(?:1[0-2]|[1-9])\s*月(?:份)?",
    r"双\s*1[12]",
    r"双十[一二]",
    r"618",
    r"99大促",
    r"年货节",
    r"\b(?:January|February|March|April|May|June|July|August|September|October|November|December)\b",
    r"\b(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\b",
    r"\b(?:this|next) (?:month|quarter|year)\b",
    r"本(?:月|季度|年)",
    r"全年",
    r"\b11\.11\b",
    r"\b6\.18\b",
]
PERIOD_RE = re.compile("|".join(f"(?:{p})" for p in _PERIOD_PATTERNS), re.IGNORECASE)
# Windows inside a metric name ("48小时发货", "within 30 days", "30天内") are part of the definition.
_WINDOW_RE = re.compile(
    r"\d+\s*(?:小时|天|日)\s*(?:内|发货|以内)|within \d+\s*(?:h|hours|days)|\b\d+-(?:hour|day|minute)\b", re.IGNORECASE
)
_YOY_RE = re.compile(
    r"同比|去年同期|year[- ]on[- ]year|year[- ]over[- ]year|\byoy\b|vs\.? last year|than last year", re.I
)
_POP_RE = re.compile(
    r"环比|较上期|较上月|较上季度?|比上期|month[- ]on[- ]month|quarter[- ]on[- ]quarter|\b(?:mom|qoq)\b|"
    r"vs\.? (?:the )?(?:last|previous) (?:month|quarter|period)",
    re.I,
)
LABEL_RE = re.compile(r"^\s*(?:KR|O|Objective|Key result)\s*(\d+)\s*[:：.、)\]-]?\s*", re.IGNORECASE)

# "不低于" contains "低于": lower-bound phrases are checked before upper-bound ones.
_AT_LEAST = (
    "≥",
    ">=",
    "不低于",
    "不少于",
    "至少",
    "以上",
    "at least",
    "above",
    "over",
    "more than",
    "exceed",
    "超过",
    "突破",
    "no less than",
    "minimum",
    ">",
)
_AT_MOST = (
    "≤",
    "<=",
    "不超过",
    "不高于",
    "低于",
    "以内",
    "以下",
    "之内",
    "控制在",
    "at most",
    "below",
    "under",
    "no more than",
    "within",
    "less than",
    "maximum",
    "<",
)
_AT_MOST_FIRST = ("不超过", "不高于", "不多于", "no more than", "not more than", "not exceed", "must not exceed")
_DOWN_CHANGE = (
    "降低",
    "下降",
    "减少",
    "缩短",
    "压缩",
    "reduce",
    "cut",
    "lower",
    "decrease",
    "shorten",
    "drop",
    "down",
    "-",
)
_FROM_TO_RE = re.compile(
    r"(?:from|从|由)\s*(?P<a>[^,，;；]*?)\s*(?:to|到|至|提升到|提升至|降到|降至|提高到|提高至)\s*"
    r"(?P<b>[^,，;；]+)|(?P<a2>[\d.]+\s*%?)\s*(?:->|→|=>)\s*(?P<b2>[\d.]+\s*%?)",
    re.IGNORECASE,
)


@dataclass
class ParsedKR:
    """What the parser understood of one key result; numbers are floats in the KR's own unit."""

    text: str
    label: str | None = None
    baseline: float | None = None
    target: float | None = None
    change: float | None = None
    change_kind: str | None = None  # "relative" (%) or "pp" (percentage points)
    unit: str | None = None
    direction: DirectionName | None = None
    comparator: str = "="
    period: str | None = None
    basis: str | None = None  # "yoy" (同比) or "pop" (环比 / 较上期) when the text says which
    metric_text: str = ""
    numbers: list[float] = field(default_factory=list)

    @property
    def measurable(self) -> bool:
        """True when the KR has a number to aim at (a target or a change)."""
        return self.target is not None or self.change is not None


_SHARE_RE = re.compile(r"(?:\bmak(?:e|es|ing)\s+up|\baccounts?\s+for|占(?:比)?(?:达到)?)\s*$", re.IGNORECASE)


def _strip_periods(text: str) -> tuple[str, str | None]:
    periods = [m.group(0).strip() for m in PERIOD_RE.finditer(text)]
    cleaned = PERIOD_RE.sub(" ", text)
    cleaned = _WINDOW_RE.sub(lambda m: re.sub(r"\d", " ", m.group(0)), cleaned)
    return cleaned, (periods[0] if periods else None)


def _has(text: str, words: tuple[str, ...]) -> bool:
    low = text.lower()
    return any(w in low for w in words)


def _context_before(text: str, q: Quantity, width: int = 8) -> str:
    return text[max(0, q.start - width) : q.start]


def parse_kr(text: str) -> ParsedKR:
    """Parse one KR line such as 'KR1: Q3 GMV 达到 1.2 亿元，同比增长 30%' or 'CSAT from 4.5 to 4.8'."""
    kr = ParsedKR(text=text.strip())
    m = LABEL_RE.match(text)
    body = text[m.end() :] if m else text
    kr.label = f"KR{m.group(1)}" if m else None
    cleaned, kr.period = _strip_periods(body)
    qs = find_quantities(cleaned)
    kr.numbers = [q.value for q in qs]
    kr.metric_text = re.sub(r"\s+", " ", _metric_words(cleaned, qs)).strip()
    _read_from_to(kr, cleaned)
    if kr.target is None:
        _read_changes_and_targets(kr, cleaned, qs)
    _read_direction(kr, cleaned)
    kr.basis = "yoy" if _YOY_RE.search(body) else ("pop" if _POP_RE.search(body) else None)
    return kr


def _metric_words(cleaned: str, qs: list[Quantity]) -> str:
    out, pos = [], 0
    for q in qs:
        out.append(cleaned[pos : q.start])
        pos = q.end
    out.append(cleaned[pos:])
    return " ".join(out)


def _read_from_to(kr: ParsedKR, cleaned: str) -> None:
    m = _FROM_TO_RE.search(cleaned)
    if not m:
        return
    a = find_quantities(m.group("a") or m.group("a2") or "")
    b = find_quantities(m.group("b") or m.group("b2") or "")
    if a and b:
        kr.baseline, kr.target = a[0].value, b[0].value
        kr.unit = b[0].unit or a[0].unit
        kr.comparator = ">=" if kr.target >= kr.baseline else "<="


def _read_changes_and_targets(kr: ParsedKR, cleaned: str, qs: list[Quantity]) -> None:
    for q in qs:
        before = _context_before(cleaned, q)
        is_change = q.unit == "pp" or (
            q.unit == "%"
            and _has(
                before,
                (
                    "增长",
                    "提升",
                    "提高",
                    "降低",
                    "下降",
                    "减少",
                    "缩短",
                    "增加",
                    "grow",
                    "increase",
                    "raise",
                    "reduce",
                    "cut",
                    "lift",
                    "improve",
                    "by",
                    "+",
                    "-",
                    "同比",
                    "环比",
                    "yoy",
                    "decrease",
                    "boost",
                    "lower",
                    "shorten",
                    "up",
                    "down",
                    "涨",
                    "降",
                ),
            )
        )
        if is_change and re.search(r"(?:到|至|\bto)\s*$", before, re.IGNORECASE):
            is_change = False  # "降低到 1%", "raise to 5%": a level to reach, not a change by
        if is_change and _SHARE_RE.search(before):
            is_change = False  # "make up 50% of", "account for 30%", "占 40%": a share to reach
        if is_change and kr.change is None:
            clause = re.split(r"[,，;；。]", cleaned[: q.start])[-1]
            sign = -1.0 if _has(clause, _DOWN_CHANGE) and "+" not in before else 1.0
            kr.change = sign * q.value
            kr.change_kind = "pp" if q.unit == "pp" else "relative"
        elif kr.target is None and not is_change:
            kr.target, kr.unit = q.value, q.unit
            near = cleaned[max(0, q.start - 14) : q.start] + " " + cleaned[q.end : q.end + 6]
            if _has(near, _AT_MOST_FIRST):  # "不超过" holds "超过", "not exceed" holds "exceed"
                kr.comparator = "<="
            elif _has(near, _AT_LEAST):
                kr.comparator = ">="
            elif _has(near, _AT_MOST):
                kr.comparator = "<="


def _read_direction(kr: ParsedKR, cleaned: str) -> None:
    if kr.comparator == "<=":
        kr.direction = "lower"
    elif kr.comparator == ">=":
        kr.direction = "higher"
    elif kr.change is not None:
        kr.direction = "lower" if kr.change < 0 else "higher"
    elif _has(cleaned, _DOWN_CHANGE[:-1]):
        kr.direction = "lower"
    elif _has(cleaned, ("提升", "提高", "增长", "增加", "达到", "raise", "increase", "grow", "improve", "reach")):
        kr.direction = "higher"
