"""The one safe reader of uploaded tables (CSV or .xlsx) for every import: bounded time and memory.

A hostile or huge file is refused before any work when it can be (declared uncompressed sizes, the sheet's
declared dimension), and while streaming otherwise (rows, cells, cell length): a `TooLarge` (413) or an
`InvalidInput` (422) that names the limit. Rows are streamed, never all held; the workbook's declared
dimension is ignored, so a 2 KB file claiming a million rows costs nothing."""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import IO, Any, cast

from core.errors import InvalidInput, KpilotError, TooLarge, coded
from workflows.imports.parse import ValueProblem, row_error

Where = dict[str, Any]  # {"line": 3} for CSV; {"sheet": "Sheet1", "row": 3} for Excel
Source = bytes | IO[bytes]
PROGRESS_ROWS = 50_000
# Rows read so far, for a background import job: its runner sets this, and every Table of that import reports.
ROW_PROGRESS: ContextVar[Callable[[int], None] | None] = ContextVar("import_row_progress", default=None)


@dataclass(frozen=True)
class Limits:
    """What one import may cost; every import uses these (tests shrink them)."""

    max_rows: int = 1_100_000
    max_columns: int = 200
    max_cells: int = 12_000_000
    max_cell_chars: int = 32_767  # Excel's own limit for one cell
    max_uncompressed: int = 1_500_000_000  # all parts of a workbook, as the zip declares them
    max_shared_strings: int = 64_000_000  # the shared-strings part is held in memory by the parser


def too_large(what: str, limit: int, zh: str, code: str) -> KpilotError:
    return coded(
        TooLarge(f"The file is over the import limit: {what} (limit {limit:,}); split it and import the parts."),
        f"import.{code}",
        f"文件超过导入上限：{zh}（上限 {limit:,}）；请拆分后分批导入。",
    )


def is_xlsx(head: bytes) -> bool:
    """An Excel workbook (a zip file: the PK signature), whatever the file is called; CSV otherwise."""
    return head[:4] == b"PK\x03\x04"


def _stream(source: Source) -> IO[bytes]:
    return io.BytesIO(source) if isinstance(source, bytes) else source


def sha256_of(source: Source) -> str:
    """The file's SHA-256 (for the audit), read in chunks; the stream is rewound."""
    f, digest = _stream(source), hashlib.sha256()
    f.seek(0)
    for chunk in iter(lambda: f.read(1 << 20), b""):
        digest.update(chunk)
    f.seek(0)
    return digest.hexdigest()


class Table:
    """A header and a stream of rows of one uploaded file: `header`, `letters` (Excel column letters), `rows()`."""

    def __init__(self, source: Source, filename: str, limits: Limits | None = None) -> None:
        self.file = _stream(source)
        self.filename = filename
        self.limits = limits or Limits()
        self.file.seek(0)
        self.kind = "xlsx" if is_xlsx(self.file.read(4)) else "csv"
        self.file.seek(0)
        self.header: list[str] = []
        self.letters: dict[str, str] = {}
        self._rows: Iterator[tuple[Where, list[str]]] = iter(())
        self.progress: Callable[[int], None] | None = ROW_PROGRESS.get()  # called every PROGRESS_ROWS rows
        self._open()

    def _open(self) -> None:
        if self.kind == "xlsx":
            from workflows.imports.sheet import open_sheet

            self.header, self._rows = open_sheet(self.file, self.filename, self.limits)
            from openpyxl.utils import get_column_letter

            self.letters = {h: get_column_letter(i + 1) for i, h in enumerate(self.header) if h}
        else:
            self.header, self._rows = _open_csv(self.file, self.filename, self.limits)
        if len(self.header) > self.limits.max_columns:
            raise too_large(f"{len(self.header)} columns", self.limits.max_columns, f"{len(self.header)} 列", "columns")

    def rows(self) -> Iterator[tuple[Where, dict[str, str]]]:
        """(where, {header: text}) for each non-empty row, counting rows and cells against the limits."""
        cells = n = 0
        for n, (where, values) in enumerate(self._rows, start=1):  # noqa: B007 - n is the final count below
            if self.progress is not None and n % PROGRESS_ROWS == 0:
                self.progress(n)
            if n > self.limits.max_rows:
                raise too_large(f"more than {self.limits.max_rows:,} rows", self.limits.max_rows, "行数", "rows")
            cells += len(values)
            if cells > self.limits.max_cells:
                limit = self.limits.max_cells
                raise too_large(f"more than {limit:,} cells", limit, "单元格数", "cells")
            if values and max(map(len, values)) > self.limits.max_cell_chars:
                raise too_large(
                    f"a cell longer than {self.limits.max_cell_chars:,} characters at {where}",
                    self.limits.max_cell_chars,
                    "单元格字符数",
                    "cell_chars",
                )
            row = {h: v for h, v in zip(self.header, values, strict=False) if h}
            if any(row.values()):
                yield where, row
        if self.progress is not None and n:
            self.progress(n)  # the last count: a job's rows_read ends at the file's size


class _Borrowed(io.BufferedIOBase):
    """The upload, lent to a text reader that must not close it (the audit's digest reads it again)."""

    def __init__(self, f: IO[bytes]) -> None:
        super().__init__()
        self._f = f

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        return self._f.read(-1 if size is None else size)

    def read1(self, size: int = -1) -> bytes:
        return self._f.read(size)

    def close(self) -> None:
        """Leave the upload open: it belongs to the caller."""


def _open_csv(f: IO[bytes], filename: str, limits: Limits) -> tuple[list[str], Iterator[tuple[Where, list[str]]]]:
    text = io.TextIOWrapper(cast(Any, _Borrowed(f)), encoding="utf-8-sig", newline="", errors="strict")
    reader = csv.reader(_lines(text, filename))
    try:
        header = [h.strip() for h in next(reader, [])]
    except csv.Error as exc:
        raise _bad(filename, 1, str(exc)) from exc

    def rows() -> Iterator[tuple[Where, list[str]]]:
        try:
            while True:
                line = reader.line_num + 1
                try:
                    values = next(reader)
                except StopIteration:
                    return
                except csv.Error as exc:  # a field over the csv module's limit, a stray NUL
                    raise _bad(filename, line, str(exc)) from exc
                yield {"line": reader.line_num}, [v.strip() for v in values]
        finally:
            text.detach()

    return header, rows()


def _lines(text: Iterator[str], filename: str) -> Iterator[str]:
    try:
        for line in text:  # noqa: UP028 - not `yield from`: closing this generator must not close the upload
            yield line
    except UnicodeDecodeError as exc:
        raise coded(
            InvalidInput(f"{filename} is not UTF-8 text; save it as UTF-8 CSV (or .xlsx) and retry."),
            "import.not_utf8",
            f"{filename} 不是 UTF-8 编码；请另存为 UTF-8 CSV（或 .xlsx）后重试。",
        ) from exc


def _bad(filename: str, line: int, why: str) -> KpilotError:
    return coded(
        InvalidInput(
            f"{filename}: line {line} cannot be read as CSV ({why}); nothing was imported.",
            [row_error({"line": line}, ValueProblem("import.value.unreadable_csv", None, detail_en=why))],
        ),
        "import.bad_csv",
        f"{filename}：第 {line} 行无法按 CSV 读取（{why}）；未导入任何数据。",
    )
