"""Review cycle per role (month / quarter / year) as data, and the period that contains a date."""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from datetime import date
from enum import StrEnum
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from kpi.errors import InvalidPolicyError, UnknownRoleError


class ReviewCycle(StrEnum):
    """Length of a review period, spelled as the period kinds of `core.vocab` (a cycle is a kind of period)."""

    MONTHLY = "month"
    QUARTERLY = "quarter"
    YEARLY = "year"


@lru_cache(maxsize=1)
def default_cycle_table() -> dict[str, Any]:
    """The shipped role -> cycle table (kpi/data/review_cycles.yaml)."""
    text = resources.files("kpi").joinpath("data/review_cycles.yaml").read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def review_cycle(role: str, table: Mapping[str, Any] | None = None, *, strict: bool = False) -> ReviewCycle:
    """Cycle for a role name or alias (zh or en); unknown roles get the table default unless strict."""
    table = table if table is not None else default_cycle_table()
    key = role.strip().lower()
    for name, entry in table.get("roles", {}).items():
        aliases = [str(a).strip().lower() for a in entry.get("aliases", [])]
        if key == name.lower() or key in aliases:
            return _cycle(entry["cycle"])
    if strict or "default" not in table:
        raise UnknownRoleError(f"no review cycle configured for role {role!r}; add it to the cycle table")
    return _cycle(table["default"])


def _cycle(value: str) -> ReviewCycle:
    try:
        return ReviewCycle(value)
    except ValueError as exc:
        raise InvalidPolicyError(f"unknown review cycle {value!r}; use month, quarter or year") from exc


def period_bounds(cycle: ReviewCycle, on: date) -> tuple[date, date]:
    """First and last day (inclusive) of the review period of `cycle` that contains `on`."""
    if cycle is ReviewCycle.MONTHLY:
        first_month, months = on.month, 1
    elif cycle is ReviewCycle.QUARTERLY:
        first_month, months = 3 * ((on.month - 1) // 3) + 1, 3
    else:
        first_month, months = 1, 12
    last_month = first_month + months - 1
    last_day = calendar.monthrange(on.year, last_month)[1]
    return date(on.year, first_month, 1), date(on.year, last_month, last_day)
