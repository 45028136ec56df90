"""Numbers in Chinese and English business text: 1.2 亿, 3万, 120k, 1.5m, 30%, 3 个百分点, 30 秒."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.number_words import word_numbers

MULTIPLIERS: dict[str, float] = {
    "亿": 1e8,
    "千万": 1e7,
    "百万": 1e6,
    "万": 1e4,
    "千": 1e3,
    "k": 1e3,
    "K": 1e3,
    "m": 1e6,
    "M": 1e6,
    "mn": 1e6,
    "million": 1e6,
    "b": 1e9,
    "bn": 1e9,
    "billion": 1e9,
    "w": 1e4,
    "W": 1e4,
}
# Unit words -> canonical unit. Order matters inside the regex (longest first).
UNIT_WORDS: dict[str, str] = {
    "个百分点": "pp",
    "百分点": "pp",
    "percentage points": "pp",
    "percentage point": "pp",
    "pp": "pp",
    "%": "%",
    "％": "%",
    "percent": "%",
    "美元": "USD",
    "usd": "USD",
    "USD": "USD",
    "欧元": "EUR",
    "eur": "EUR",
    "EUR": "EUR",
    "港币": "HKD",
    "港元": "HKD",
    "HKD": "HKD",
    "元": "CNY",
    "块": "CNY",
    "rmb": "CNY",
    "RMB": "CNY",
    "yuan": "CNY",
    "CNY": "CNY",
    "cny": "CNY",
    "分钟": "min",
    "minutes": "min",
    "minute": "min",
    "mins": "min",
    "min": "min",
    "秒钟": "s",
    "秒": "s",
    "seconds": "s",
    "second": "s",
    "secs": "s",
    "sec": "s",
    "s": "s",
    "小时": "h",
    "hours": "h",
    "hour": "h",
    "hrs": "h",
    "h": "h",
    "天": "day",
    "days": "day",
    "day": "day",
    "日": "day",
    "分": "score",
    "points": "score",
    "point": "score",
    "pts": "score",
    "倍": "times",
    "times": "times",
    "x": "times",
    "单": "count",
    "件": "count",
    "人": "count",
    "个": "count",
    "次": "count",
    "场": "count",
    "orders": "count",
    "units": "count",
    "people": "count",
    "visitors": "count",
    "sessions": "count",
}
_MULT_RE = "|".join(sorted((re.escape(k) for k in MULTIPLIERS), key=len, reverse=True))
_UNIT_RE = "|".join(sorted((re.escape(k) for k in UNIT_WORDS), key=len, reverse=True))
# Currency written before the number: "$4.5M", "US$ 3k", "HK$", "€2m", "¥1.2亿", "RMB 500".
CURRENCY_PREFIXES: dict[str, str] = {
    "US$": "USD",
    "USD": "USD",
    "HK$": "HKD",
    "HKD": "HKD",
    "$": "USD",
    "€": "EUR",
    "EUR": "EUR",
    "¥": "CNY",
    "￥": "CNY",
    "RMB": "CNY",
    "CNY": "CNY",
}
CURRENCIES = frozenset({"CNY", "USD", "EUR", "HKD"})
_CUR_RE = "|".join(re.escape(k) for k in sorted(CURRENCY_PREFIXES, key=len, reverse=True))
NUMBER_RE = re.compile(
    rf"(?:(?P<cur>{_CUR_RE})\s*)?(?P<num>\d+(?:[,，]\d{{3}})*(?:\.\d+)?)"
    rf"(?:\s*(?P<mult>{_MULT_RE})(?![a-zA-Z]))?"
    rf"(?:\s*(?P<unit>{_UNIT_RE})(?![a-zA-Z]))?"
)


@dataclass(frozen=True)
class Quantity:
    """A number found in text, scaled by its multiplier, with its canonical unit (or None)."""

    value: float
    unit: str | None
    start: int
    end: int
    raw: str


def _as_float(num: str) -> float:
    return float(num.replace(",", "").replace("，", ""))


def find_quantities(text: str) -> list[Quantity]:
    """Every number in `text` with multiplier and unit applied (1.2 亿元 -> 120000000 CNY)."""
    out: list[Quantity] = []
    for m in NUMBER_RE.finditer(text):
        value = _as_float(m.group("num"))
        mult = m.group("mult")
        unit_word = m.group("unit")
        # "30 m" after a time context is rare in KRs; "m" means million like in "1.5m GMV".
        if mult:
            value *= MULTIPLIERS[mult]
        unit = UNIT_WORDS.get(unit_word) if unit_word else None
        if m.group("cur") and unit not in CURRENCIES:
            unit = CURRENCY_PREFIXES[m.group("cur")]
        out.append(Quantity(value=value, unit=unit, start=m.start(), end=m.end(), raw=m.group(0)))
    return out


def plain_numbers(text: str) -> list[float]:
    """Numbers in free text after applying multipliers, digits or words (五十, fifty), for the grounding guard."""
    return [q.value for q in find_quantities(text)] + word_numbers(text)


def fmt_number(value: float, unit: str | None = None, lang: str = "en") -> str:
    """Render a computed number for text: compact, no float noise, 亿/万 in Chinese money."""
    if unit in FOREIGN:
        return f"{FOREIGN[unit]}{_trim(value)}"
    if unit == "CNY" and lang == "zh" and abs(value) >= 1e8:
        return f"{_trim(value / 1e8)} 亿元"
    if unit == "CNY" and lang == "zh" and abs(value) >= 1e4:
        return f"{_trim(value / 1e4)} 万元"
    text = _trim(value)
    suffix = {
        "%": "%",
        "pp": (" 个百分点" if lang == "zh" else " pp"),
        "CNY": (" 元" if lang == "zh" else " CNY"),
        "s": (" 秒" if lang == "zh" else " s"),
        "min": (" 分钟" if lang == "zh" else " min"),
        "h": (" 小时" if lang == "zh" else " h"),
        "day": (" 天" if lang == "zh" else " days"),
        "times": (" 次" if lang == "zh" else " times"),
        "score": (" 分" if lang == "zh" else " points"),
    }
    return text + suffix.get(unit or "", "")


FOREIGN = {"USD": "US$", "EUR": "€", "HKD": "HK$"}


def _trim(value: float) -> str:
    if abs(value - round(value)) < 1e-9:
        return f"{int(round(value)):,}" if abs(value) >= 10000 else str(int(round(value)))
    return f"{value:.4g}" if abs(value) < 1000 else f"{value:,.0f}"
