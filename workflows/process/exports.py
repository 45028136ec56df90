"""Exports of a scorecard or feedback report to Excel (openpyxl) and PDF (fpdf2 with a CJK font), zh or en.

The data is the plan the API serves (`/me/plan`, `/employees/{id}/plan`), read under the same access checks,
so a file never shows a number the page would not."""

from __future__ import annotations

import io
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from sqlalchemy.orm import Session

from core.errors import Unavailable, coded
from core.security import Caller
from core.settings import Settings
from core.tables import Employee
from workflows.coaching import flows as coaching
from workflows.coaching.schemas import PlanPublic
from workflows.process import export_tables as tables
from workflows.process.cells import append_row

Lang = Literal["zh", "en"]
Kind = Literal["scorecard", "report"]
Format = Literal["xlsx", "pdf"]
MEDIA = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}
# Debian's fonts-wqy-microhei first (what .ci/run installs), then other CJK fonts fontconfig knows.
PREFERRED_FONTS = ("wqy-microhei", "wqy-zenhei", "NotoSansCJK", "NotoSansSC", "SourceHanSans")


class ExportUnavailable(Unavailable):
    """The export cannot be made on this server (e.g. no CJK font for a PDF); the text says what to install."""


@dataclass(frozen=True)
class ExportFile:
    """An export's bytes, media type and file name."""

    content: bytes
    media_type: str
    filename: str


@lru_cache(maxsize=4)
def find_cjk_font(configured: str = "") -> Path | None:
    """A font file with Chinese glyphs: the configured one, else fontconfig's (`fc-list :lang=zh`)."""
    if configured:
        path = Path(configured)
        return path if path.is_file() else None
    try:
        listed = subprocess.run(  # noqa: S603 - a fixed command, no shell
            ["fc-list", ":lang=zh", "file"], capture_output=True, text=True, timeout=10, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    files = sorted({line.split(":")[0].strip() for line in listed.splitlines() if line.strip()})
    for name in PREFERRED_FONTS:
        for f in files:
            if name.lower() in f.lower():
                return Path(f)
    return Path(files[0]) if files else None


def plan_of(
    session: Session, caller: Caller, employee_id: int | None, period_id: int | None, lang: Lang, settings: Settings
) -> tuple[Employee, PlanPublic]:
    """The plan behind /me/plan (no employee_id) or /employees/{id}/plan, with the same access checks."""
    if employee_id is None:
        plan = coaching.my_plan(session, caller, lang=lang, period_id=period_id, settings=settings)
    else:
        plan = coaching.employee_plan(session, caller, employee_id, lang=lang, period_id=period_id, settings=settings)
    emp = session.get(Employee, plan.employee_id)
    assert emp is not None  # the plan was just built for this employee
    return emp, plan


def export(
    session: Session,
    caller: Caller,
    *,
    kind: Kind,
    fmt: Format,
    employee_id: int | None,
    period_id: int | None,
    lang: Lang,
    settings: Settings,
) -> ExportFile:
    """A scorecard or report of one person as xlsx or pdf."""
    emp, plan = plan_of(session, caller, employee_id, period_id, lang, settings)
    sections = tables.scorecard(emp, plan, lang) if kind == "scorecard" else tables.report(emp, plan, lang)
    period = plan.review_period or plan.current_period
    stem = f"{kind}-{emp.code}-{period.code if period else 'none'}-{lang}"
    if fmt == "xlsx":
        return ExportFile(to_xlsx(sections), MEDIA["xlsx"], f"{stem}.xlsx")
    font = find_cjk_font(settings.export_font)
    if font is None:
        raise coded(
            ExportUnavailable(
                "PDF export needs a font with Chinese glyphs and none was found: install Debian's fonts-wqy-microhei "
                "(`apt-get install fonts-wqy-microhei`) or set KPILOT_EXPORT_FONT to a .ttf/.ttc file; "
                "Excel exports work meanwhile."
            ),
            "export.no_chinese_font",
        )
    return ExportFile(to_pdf(sections, font), MEDIA["pdf"], f"{stem}.pdf")


def to_xlsx(sections: list[tables.Section]) -> bytes:
    """One sheet per section: a title row, the header in bold, then the rows (numbers stay numbers)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    wb.remove(wb.active)
    for sec in sections:
        ws = wb.create_sheet(sec.sheet[:31])
        append_row(ws, [sec.title])
        ws["A1"].font = Font(bold=True, size=13)
        for line in sec.lead:
            append_row(ws, line)
        ws.append([])
        if sec.header:
            append_row(ws, sec.header)
            for cell in ws[ws.max_row]:
                cell.font = Font(bold=True)
        for row in sec.rows:
            append_row(ws, [_cell(v) for v in row])
        for col, width in zip("ABCDEFGHIJKL", sec.widths, strict=False):
            ws.column_dimensions[col].width = width
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _cell(value: Any) -> Any:
    return "" if value is None else value


def to_pdf(sections: list[tables.Section], font: Path) -> bytes:
    """A landscape A4 PDF: each section a heading, its lead lines and a table."""
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    pdf = FPDF(orientation="L", format="A4")
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.add_font("cjk", "", str(font))  # parsing a CJK font takes seconds: one face only, headings shaded not bold
    headings = FontFace(emphasis="", fill_color=(225, 232, 240))
    for sec in sections:
        pdf.add_page()
        pdf.set_font("cjk", size=14)
        pdf.multi_cell(0, 8, sec.title, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("cjk", size=9)
        for line in sec.lead:
            pdf.multi_cell(0, 5, "  ".join(str(x) for x in line if x not in (None, "")), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
        if sec.header:
            with pdf.table(
                col_widths=sec.widths[: len(sec.header)], text_align="LEFT", headings_style=headings
            ) as table:
                table.row([str(h) for h in sec.header])
                for row in sec.rows:
                    table.row([tables.text(v) for v in row])
        else:
            for row in sec.rows:
                pdf.multi_cell(0, 5, " ".join(tables.text(v) for v in row), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
