"""Values as Chinese shop back-ends and HR sheets write them: dates, times, amounts, percentages."""

import re
from datetime import date, datetime

DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
TIME = re.compile(r"[ T]*(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?\s*(Z|[+-]\d{2}:?\d{2})?$")
PLAIN = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)", re.ASCII)
THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?", re.ASCII)
MAX_ABS = 1e15


class ValueProblem(ValueError):
    """A cell that cannot be read as the value its column holds."""


def _iso_fast(text: str) -> datetime | None:
    """`2024-05-07` or `2024-05-07 23:59:30` read without a regular expression (the common case), else None."""
    n = len(text)
    if (n == 10 or (n == 19 and text[10] in " T" and text[13] == ":" == text[16])) and text[4] == "-" == text[7]:
        try:
            if n == 10:
                return datetime(int(text[:4]), int(text[5:7]), int(text[8:10]))
            return datetime(
                int(text[:4]), int(text[5:7]), int(text[8:10]), int(text[11:13]), int(text[14:16]), int(text[17:])
            )
        except ValueError:
            return None  # the slow path says exactly what is wrong
    return None


def parse_day(raw: str) -> date:
    """`2024-05-07`, `2024/5/7`, `2024.05.07`, `2024年5月7日` or an Excel date cell (read as ISO text)."""
    fast = _iso_fast(raw) if len(raw) == 10 else None
    if fast is not None:
        return fast.date()
    m = DATE.match(raw.strip())
    if m is None:
        raise ValueProblem(f"{raw[:40]!r} is not a date; write 2024-05-07, 2024/5/7 or 2024年5月7日")
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError as exc:
        raise ValueProblem(f"{raw[:40]!r} is not a day of the calendar") from exc


def parse_moment(raw: str) -> datetime:
    """`2024-05-07 23:59:30` (naive: the company's local time; a date alone is its midnight), or with an
    offset (`...Z`, `...+00:00`): then aware, for the caller to convert to the company's time zone."""
    text = raw.strip()
    fast = _iso_fast(text)
    if fast is not None:
        return fast
    day = parse_day(text)
    m = DATE.match(text)
    rest = text[m.end() :] if m else ""
    t = TIME.match(rest)
    if t is None:
        if rest.strip():
            raise ValueProblem(f"{raw[:40]!r} is not a date-time; write 2024-05-07 23:59:30")
        return datetime(day.year, day.month, day.day)
    h, mi, s = int(t.group(1)), int(t.group(2)), int(t.group(3) or 0)
    if h > 23 or mi > 59 or s > 59:
        raise ValueProblem(f"{raw[:40]!r} has no such time of day")
    moment = datetime(day.year, day.month, day.day, h, mi, s)
    if t.group(4):
        offset = t.group(4).replace("Z", "+00:00")
        if ":" not in offset:
            offset = offset[:3] + ":" + offset[3:]
        return datetime.fromisoformat(moment.isoformat() + offset)
    return moment


def parse_amount(raw: str) -> float:
    """A number: `1234.5`, `¥1,234.50` (commas only in groups of three, so `1,5` is refused), `-12`."""
    if PLAIN.fullmatch(raw):
        value = float(raw)
        if abs(value) > MAX_ABS:
            raise ValueProblem(f"{raw[:40]!r} is larger than {MAX_ABS:g}")
        return value
    text = raw.strip().replace("¥", "").replace("￥", "").replace(" ", "")
    if THOUSANDS.fullmatch(text):
        text = text.replace(",", "")
    if not PLAIN.fullmatch(text):
        raise ValueProblem(f"{raw[:40]!r} is not an amount; write 1234.50 or 1,234.50")
    value = float(text)
    if abs(value) > MAX_ABS:
        raise ValueProblem(f"{raw[:40]!r} is larger than {MAX_ABS:g}")
    return value


def parse_percent(raw: str) -> float:
    """`2.5%` -> 0.025; a bare number is taken as the fraction it already is."""
    text = raw.strip()
    if text.endswith("%"):
        return parse_amount(text[:-1]) / 100
    return parse_amount(text)


def parse_count(raw: str) -> int | None:
    """A whole count of zero or more (`1,234` too); empty is None."""
    if not raw.strip():
        return None
    value = parse_amount(raw)
    if value < 0 or not value.is_integer():
        raise ValueProblem(f"{raw[:40]!r} must be a whole number of zero or more")
    return int(value)
