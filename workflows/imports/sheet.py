"""The first sheet of an .xlsx upload, streamed, after checking what the zip declares (sizes, dimension)."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING, Any

from core.errors import InvalidInput, coded
from workflows.goals.xlsx import cell_text

if TYPE_CHECKING:
    from workflows.imports.reader import Limits

DIMENSION = re.compile(rb'<dimension\s+ref="[A-Z]{1,3}\d+(?::[A-Z]{1,3}(\d+))?"')
HEAD_BYTES = 4096  # the dimension element sits at the start of a worksheet part


def _broken(filename: str, why: str) -> InvalidInput:
    return coded(
        InvalidInput(
            f"{filename} looks like an Excel file but cannot be opened ({why}); "
            "save it again as .xlsx (Excel Workbook) or export the sheet as UTF-8 CSV."
        ),
        "import.bad_xlsx",
        f"{filename} 像是 Excel 文件但无法打开（{why}）；请另存为 .xlsx 或导出为 UTF-8 CSV。",
    )


def check_zip(file: IO[bytes], filename: str, limits: Limits) -> None:
    """Refuse a workbook whose parts declare more than the limits, before parsing anything."""
    from workflows.imports.reader import too_large

    try:
        with zipfile.ZipFile(file) as z:
            parts = z.infolist()
            total = sum(p.file_size for p in parts)
            if total > limits.max_uncompressed:
                limit = limits.max_uncompressed
                raise too_large(f"{total:,} bytes uncompressed", limit, "解压后字节数", "uncompressed")
            for p in parts:
                if p.filename.lower().endswith("sharedstrings.xml") and p.file_size > limits.max_shared_strings:
                    raise too_large(
                        f"{p.file_size:,} bytes of shared strings",
                        limits.max_shared_strings,
                        "共享字符串字节数",
                        "shared_strings",
                    )
                if p.filename.startswith("xl/worksheets/") and p.filename.endswith(".xml"):
                    with z.open(p) as part:
                        found = DIMENSION.search(part.read(HEAD_BYTES))
                    if found and found.group(1) and int(found.group(1)) > limits.max_rows + 1:
                        rows = int(found.group(1))
                        raise too_large(f"a sheet declaring {rows:,} rows", limits.max_rows, "声明的行数", "rows")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError) as exc:
        raise _broken(filename, type(exc).__name__) from exc
    finally:
        file.seek(0)


def open_sheet(
    file: IO[bytes], filename: str, limits: Limits
) -> tuple[list[str], Iterator[tuple[dict[str, Any], list[str]]]]:
    """(header, rows) of the first sheet; rows are (where, cell texts), streamed and closed at the end."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    check_zip(file, filename, limits)
    try:
        wb = load_workbook(file, read_only=True, data_only=True)
        ws = wb.worksheets[0]
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError, IndexError) as exc:
        raise _broken(filename, type(exc).__name__) from exc
    ws.reset_dimensions()  # never trust (or pad up to) the dimension the file declares
    values = ws.iter_rows(values_only=True)
    opened = False
    try:
        header = [cell_text(h) for h in next(values, None) or ()]
        opened = True
    finally:
        if not opened:
            wb.close()
    while header and not header[-1]:
        header.pop()

    def rows() -> Iterator[tuple[dict[str, Any], list[str]]]:
        try:
            for n, raw in enumerate(values, start=2):
                yield {"sheet": ws.title, "row": n}, [cell_text(v) for v in raw[: len(header)]]
        finally:
            wb.close()

    return header, rows()
