"""How numbers, money and dates read on the server side (exports, texts), in the reader's language.

One module, so a score, a percentage or an amount reads the same in an export, a report and a message as on
the pages (the browser's twin is `api/web/static/format.js`, with the same rules): scores with one decimal,
achievement as a percentage with one decimal, money kept in fen and shown in yuan with two decimals (万元 in
Chinese text above ten thousand yuan), dates as 2026年11月5日 / 2026-11-05.
"""

from __future__ import annotations

import re
from datetime import date, datetime

GRADE_NAMES: dict[str, tuple[str, str]] = {
    "excellent": ("优秀", "excellent"),
    "good": ("良好", "good"),
    "needs_improvement": ("待改进", "needs improvement"),
}
SCORE_DIGITS = 1
PERCENT_DIGITS = 1


def score(value: float | None) -> float | None:
    """A score as pages show it (one decimal)."""
    return None if value is None else round(float(value), SCORE_DIGITS)


def percent(ratio: float | None) -> float | None:
    """A ratio (1.047) as the percentage pages show (104.7)."""
    return None if ratio is None else round(100 * float(ratio), PERCENT_DIGITS)


def number_text(value: float | None, digits: int = 2) -> str:
    """A number with up to `digits` decimals and thousands separators; empty when missing."""
    if value is None:
        return ""
    text = f"{float(value):,.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def percent_text(ratio: float | None) -> str:
    """A ratio as '104.7%'; empty when missing."""
    pct = percent(ratio)
    return "" if pct is None else f"{number_text(pct, PERCENT_DIGITS)}%"


def yuan_text(fen: int | None, lang: str) -> str:
    """An amount in fen as '1,234.50 元' (zh) or '¥1,234.50' (en); empty when missing."""
    if fen is None:
        return ""
    text = f"{fen / 100:,.2f}"
    return f"{text} 元" if lang == "zh" else f"¥{text}"


def date_text(day: date | datetime | None, lang: str) -> str:
    """A date as '2026年11月5日' (zh) or '2026-11-05' (en); a time stamp reads as its date."""
    if day is None:
        return ""
    d = day.date() if isinstance(day, datetime) else day
    return f"{d.year}年{d.month}月{d.day}日" if lang == "zh" else d.isoformat()


def period_text(code: str, lang: str) -> str:
    """A period code as a reader says it: '2026-09' -> '2026年9月' / 'Sep 2026', '2026-Q4' -> '2026年第4季度' /
    'Q4 2026'; any other code (a campaign's) as it is."""
    m = re.fullmatch(r"(\d{4})-(\d{2})", code)
    if m and 1 <= int(m[2]) <= 12:
        year, month = int(m[1]), int(m[2])
        return f"{year}年{month}月" if lang == "zh" else f"{date(year, month, 1):%b} {year}"
    q = re.fullmatch(r"(\d{4})-?Q([1-4])", code, flags=re.IGNORECASE)
    if q:
        return f"{q[1]}年第{q[2]}季度" if lang == "zh" else f"Q{q[2]} {q[1]}"
    return code


def grade_text(grade: str | None, lang: str) -> str:
    """A grade's name in the reader's language."""
    if grade is None:
        return ""
    zh, en = GRADE_NAMES.get(grade, (grade, grade))
    return zh if lang == "zh" else en
