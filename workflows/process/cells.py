"""Cells of every spreadsheet kpilot writes (xlsx and csv) hold values, never formulas: text starting with `=`,
`+`, `-`, `@`, a tab or a carriage return is written as text (the OWASP CSV-injection rule), so a KPI or task
named `=HYPERLINK(...)` cannot send data anywhere when someone opens the export."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def risky(value: Any) -> bool:
    """Whether a spreadsheet program could read `value` as a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_START)


def csv_cell(value: Any) -> Any:
    """`value` for a CSV cell: risky text gets a leading apostrophe (shown as text by every spreadsheet)."""
    return f"'{value}" if risky(value) else value


def append_row(ws: Any, values: Iterable[Any]) -> None:
    """Append one row to an openpyxl worksheet, every risky text cell stored as text with Excel's quote prefix."""
    ws.append(list(values))
    for cell in ws[ws.max_row]:
        if risky(cell.value):
            cell.data_type = "s"  # openpyxl would otherwise store "=..." as a formula
            cell.quotePrefix = True  # and Excel keeps it text even when the cell is edited


def write_only_row(ws: Any, values: Iterable[Any]) -> list[Any]:
    """The cells of one row for a write-only worksheet (openpyxl's streaming mode): risky text as a text cell."""
    from openpyxl.cell import WriteOnlyCell

    out: list[Any] = []
    for value in values:
        if risky(value):
            cell = WriteOnlyCell(ws, value=value)
            cell.data_type = "s"
            cell.quotePrefix = True
            out.append(cell)
        else:
            out.append(value)
    return out
