"""Rows of an Excel workbook's first sheet as text, the way the CSV reader gives them, with where each came from."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

MAX_ROWS = 1_000_000  # a sheet cannot hold more (Excel's own limit is 1,048,576)


def cell_text(value: Any) -> str:
    """A cell as the CSV importer would read it: dates as YYYY-MM-DD, whole numbers without '.0'."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    return str(value).strip()
