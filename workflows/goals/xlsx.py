"""Rows of an Excel workbook's first sheet as text, the way the CSV reader gives them, with where each came from."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from datetime import date, datetime, time
from typing import Any

from core.errors import InvalidInput

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


def xlsx_rows(
    content: bytes, required: tuple[str, ...], filename: str
) -> Iterator[tuple[dict[str, Any], dict[str, str], dict[str, str]]]:
    """(where, row, column letters) for each non-empty row of the first sheet; the first row is the header."""
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError) as exc:
        raise InvalidInput(
            f"{filename} looks like an Excel file but cannot be opened ({type(exc).__name__}); "
            "save it again as .xlsx (Excel Workbook) or export the sheet as UTF-8 CSV."
        ) from exc
    try:
        ws = wb.worksheets[0]
        values = ws.iter_rows(values_only=True)
        header_row = next(values, None) or ()
        header = [cell_text(h) for h in header_row]
        missing = [c for c in required if c not in header]
        if missing:
            raise InvalidInput(
                f"{filename}, sheet {ws.title!r}: missing column(s) {', '.join(missing)} in row 1; "
                f"the header must have {', '.join(required)}.",
                [{"sheet": ws.title, "row": 1, "msg": f"missing {missing}"}],
            )
        letters = {h: get_column_letter(i + 1) for i, h in enumerate(header) if h}
        for n, raw in enumerate(values, start=2):
            if n > MAX_ROWS:
                raise InvalidInput(f"{filename}: more than {MAX_ROWS} rows; split the file.")
            row = {h: cell_text(v) for h, v in zip(header, raw, strict=False) if h}
            if any(row.values()):
                yield {"sheet": ws.title, "row": n}, row, letters
    finally:
        wb.close()
