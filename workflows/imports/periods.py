"""Period names as HR sheets write them: 2025-07, 2025年7月, 2025-Q3, 2025年第3季度, 2025."""

import re
from datetime import date

from kpi import periods as calendar
from workflows.imports.parse import ValueProblem, shown

MONTH = re.compile(r"(\d{4})\s*[-/年.]\s*(\d{1,2})\s*月?")
QUARTER = re.compile(r"(\d{4})\s*[-年]?\s*(?:Q|第)\s*([1-4])\s*(?:季度)?", re.IGNORECASE)
YEAR = re.compile(r"(\d{4})\s*年?度?")


def period_spec(raw: str) -> calendar.PeriodSpec:
    """The calendar period a cell names; ValueProblem when it names none."""
    text = raw.strip()
    if m := QUARTER.fullmatch(text):
        return calendar.quarter(date(int(m.group(1)), 3 * int(m.group(2)) - 2, 1))
    if (m := MONTH.fullmatch(text)) and 1 <= int(m.group(2)) <= 12:
        return calendar.month(date(int(m.group(1)), int(m.group(2)), 1))
    if m := YEAR.fullmatch(text):
        return calendar.year(date(int(m.group(1)), 1, 1))
    raise ValueProblem("import.value.not_a_period", **shown(raw))
