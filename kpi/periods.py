"""Calendar periods as data: months, quarters and years with their codes (2027-01, 2027-Q1, 2027) and names
in Chinese and English. One rule for what a period is, shared by the service and the demo generator."""

from __future__ import annotations

import calendar
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

EN_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
KINDS = ("month", "quarter", "year")


@dataclass(frozen=True)
class PeriodSpec:
    """One calendar period: what the `period` table stores."""

    code: str
    kind: str
    start_date: date
    end_date: date
    name_zh: str
    name_en: str

    def row(self) -> dict[str, Any]:
        """The period as a table row."""
        return asdict(self)


def add_months(d: date, k: int) -> date:
    """The first day of the month `k` months after the month of `d` (k may be negative)."""
    idx = d.year * 12 + d.month - 1 + k
    return date(idx // 12, idx % 12 + 1, 1)


def year_before(d: date) -> date:
    """The same day a year earlier (29 February: the 28th), for year-on-year comparisons."""
    return date(d.year - 1, 2, 28) if (d.month, d.day) == (2, 29) else d.replace(year=d.year - 1)


def month_end(d: date) -> date:
    """The last day of the month of `d`."""
    return d.replace(day=calendar.monthrange(d.year, d.month)[1])


def quarter_start(d: date) -> date:
    """The first day of the quarter containing `d`."""
    return date(d.year, 3 * ((d.month - 1) // 3) + 1, 1)


def quarter_code(d: date) -> str:
    """Code of the quarter containing `d`, e.g. 2026-Q1."""
    return f"{d.year}-Q{(d.month - 1) // 3 + 1}"


def month(d: date) -> PeriodSpec:
    """The month containing `d`."""
    s = d.replace(day=1)
    return PeriodSpec(
        f"{s.year}-{s.month:02d}",
        "month",
        s,
        month_end(s),
        f"{s.year}年{s.month}月",
        f"{EN_MONTHS[s.month - 1]} {s.year}",
    )


def quarter(d: date) -> PeriodSpec:
    """The quarter containing `d`."""
    s = quarter_start(d)
    n = (s.month - 1) // 3 + 1
    return PeriodSpec(
        quarter_code(s), "quarter", s, month_end(add_months(s, 2)), f"{s.year}年第{n}季度", f"{s.year} Q{n}"
    )


def year(d: date) -> PeriodSpec:
    """The calendar year containing `d`."""
    return PeriodSpec(str(d.year), "year", date(d.year, 1, 1), date(d.year, 12, 31), f"{d.year}年度", f"FY{d.year}")


def next_quarter_end(today: date) -> date:
    """The last day of the quarter after the one containing `today`: how far ahead periods must exist."""
    return month_end(add_months(quarter_start(today), 5))


def calendar_periods(first: date, last: date) -> list[PeriodSpec]:
    """Every month, quarter and year that overlaps `first`..`last`, months first, each kind oldest first."""
    months = []
    m = first.replace(day=1)
    while m <= last:
        months.append(month(m))
        m = add_months(m, 1)
    quarters = []
    q = quarter_start(first)
    while q <= last:
        quarters.append(quarter(q))
        q = add_months(q, 3)
    years = [year(date(y, 1, 1)) for y in range(first.year, last.year + 1)]
    return months + quarters + years


def previous(spec_start: date, kind: str) -> PeriodSpec:
    """The period of the same kind just before the one starting on `spec_start`."""
    if kind == "month":
        return month(add_months(spec_start, -1))
    if kind == "quarter":
        return quarter(add_months(spec_start, -3))
    return year(date(spec_start.year - 1, 1, 1))
