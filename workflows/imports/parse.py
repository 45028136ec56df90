"""Values as Chinese shop back-ends and HR sheets write them: dates, times, amounts, percentages."""

import re
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any, TypeVar

from core.messages import render

DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
TIME = re.compile(r"[ T]*(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?\s*(Z|[+-]\d{2}:?\d{2})?$")
PLAIN = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)", re.ASCII)
THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?", re.ASCII)
MAX_ABS = 1e15


R = TypeVar("R")


class ValueProblem(ValueError):
    """A cell that cannot be read as the value its column holds: a stable code (`import.value.*` in the
    catalogue) and its parameters, so the HR officer reads it in Chinese; `str()` stays the English text."""

    def __init__(self, code: str, column: str | None = None, /, **params: Any) -> None:
        self.code, self.column, self.params = code, column, params
        super().__init__(render(code, params, "en"))

    def text(self, lang: str) -> str:
        return render(self.code, self.params, lang)


def shown(raw: str, limit: int = 40) -> dict[str, str]:
    """A cell's text as the two languages quote it: English as a repr, Chinese as it is."""
    return {"value_en": repr(raw[:limit]), "value_zh": raw[:limit]}


def in_column(column: str, parse: Callable[[str], R], raw: str) -> R:
    """`parse(raw)`, naming `column` on the problem when it has none."""
    try:
        return parse(raw)
    except ValueProblem as exc:
        exc.column = exc.column or column
        raise


def where_text(where: Mapping[str, Any], column: str | None, lang: str) -> str:
    """Where a row error is, in `lang`: line (CSV) or sheet and row (Excel), and the column as written."""
    if "line" in where:
        at = render("import.at.line", {"line": where["line"]}, lang)
    else:
        at = render("import.at.row", {"sheet": where.get("sheet", ""), "row": where.get("row", "")}, lang)
    if column:
        at += render("import.at.column", {"column": column}, lang)
    return at


def bad_rows_zh(filename: str, errors: list[dict[str, Any]]) -> str:
    """The Chinese refusal of a file with bad rows: how many, where the first is, and what to do."""
    first = errors[0] if errors else {}
    at: dict[str, Any] = {k: first[k] for k in ("line", "sheet", "row") if k in first}
    where = f"，第一处在{where_text(at, first.get('column'), 'zh')}" if at else ""
    return (
        f"文件“{filename}”有 {len(errors)} 处数据有误{where}，未导入任何数据。"
        "请按下方列出的每一行问题修改文件后重新导入。"
    )


def said(code: str, **params: Any) -> dict[str, Any]:
    """An `errors[]` item that is at no one row (a mapping, a header): the code and its words in both languages."""
    problem = ValueProblem(code, None, **params)
    return {"code": code, "msg": str(problem), "msg_zh": problem.text("zh"), "msg_en": str(problem)}


def row_error(where: Mapping[str, Any], exc: ValueProblem, column: str | None = None) -> dict[str, Any]:
    """One `errors[]` item: where, the stable code, `msg` (English, as before) and `msg_zh` / `msg_en` that
    say where and what in each language; `column` is the header as the file wrote it."""
    col = column or exc.column
    out: dict[str, Any] = {**where, "code": exc.code, "params": exc.params, "msg": str(exc)}
    if col:
        out["column"] = col
    out["msg_zh"] = f"{where_text(where, col, 'zh')}：{exc.text('zh')}"
    out["msg_en"] = f"{where_text(where, col, 'en')}: {exc}"
    return out


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
        raise ValueProblem("import.value.not_a_date", **shown(raw))
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError as exc:
        raise ValueProblem("import.value.no_such_day", **shown(raw)) from exc


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
            raise ValueProblem("import.value.not_a_moment", **shown(raw))
        return datetime(day.year, day.month, day.day)
    h, mi, s = int(t.group(1)), int(t.group(2)), int(t.group(3) or 0)
    if h > 23 or mi > 59 or s > 59:
        raise ValueProblem("import.value.no_such_time", **shown(raw))
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
            raise ValueProblem("import.value.too_large", limit=f"{MAX_ABS:g}", **shown(raw))
        return value
    text = raw.strip().replace("¥", "").replace("￥", "").replace(" ", "")
    if THOUSANDS.fullmatch(text):
        text = text.replace(",", "")
    if not PLAIN.fullmatch(text):
        raise ValueProblem("import.value.not_an_amount", **shown(raw))
    value = float(text)
    if abs(value) > MAX_ABS:
        raise ValueProblem("import.value.too_large", limit=f"{MAX_ABS:g}", **shown(raw))
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
        raise ValueProblem("import.value.not_a_count", **shown(raw))
    return int(value)
