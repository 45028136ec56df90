"""Scorecard and report exports: the same access as the plans, and the files' numbers are the API's numbers
(read back with openpyxl and pypdf)."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.api.helpers import org_snapshot
from workflows.process.exports import find_cjk_font

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _sheet_rows(content: bytes, index: int) -> list[tuple[object, ...]]:
    wb = load_workbook(io.BytesIO(content), read_only=True)
    return [tuple(r) for r in wb.worksheets[index].iter_rows(values_only=True)]


def _table(rows: list[tuple[object, ...]], first: str) -> list[tuple[object, ...]]:
    start = next(i for i, r in enumerate(rows) if r and r[0] == first)
    return rows[start + 1 :]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_scorecard_xlsx_has_the_plans_numbers(client, tokens, lang) -> None:
    plan = client.get("/api/v1/me/plan", params={"lang": lang}, headers=tokens["employee"]).json()
    r = client.get("/api/v1/exports/scorecard", params={"format": "xlsx", "lang": lang}, headers=tokens["employee"])
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == XLSX and ".xlsx" in r.headers["content-disposition"]
    kpis = _table(_sheet_rows(r.content, 0), "指标代码" if lang == "zh" else "Code")
    assert [row[0] for row in kpis] == [k["code"] for k in plan["kpis"]]
    for row, k in zip(kpis, plan["kpis"], strict=True):
        assert row[1] == k["name"] and row[3] == pytest.approx(k["weight"], rel=1e-12)
        for got, want in zip(
            row[4:8] + (row[9],),
            (k["target_low"], k["target"], k["target_high"], k["actual"], k["progress_pct"]),
            strict=True,
        ):
            assert got == (None if want is None else pytest.approx(want, rel=1e-12))
    score_rows = _sheet_rows(r.content, 1)
    lines = _table(score_rows, "指标" if lang == "zh" else "KPI")
    names = {k["code"]: k["name_zh" if lang == "zh" else "name_en"] for k in plan["facts"]["kpis"]}
    assert len(lines) == len(plan["score"]["lines"]) + 1
    # Cell by cell, as the page shows them: the indicator's name, achievement in percent with one decimal,
    # points with two, the total with one.
    for row, ln in zip(lines, plan["score"]["lines"], strict=False):
        assert row[0] == names[ln["code"]] and row[0]
        assert row[1] == pytest.approx(ln["weight"], rel=1e-12)
        assert row[5] == (None if ln["achievement"] is None else round(100 * ln["achievement"], 1))
        assert row[6] == round(ln["points"], 2)
    assert lines[-1][6] == round(plan["score"]["total"], 1)
    lead = {row[0]: row[1] for row in score_rows if row and len(row) > 1}
    result = plan["result"]
    assert lead["总分" if lang == "zh" else "Total score"] == round(result["score"], 1)
    grade_names = {"excellent": ("优秀", "excellent"), "good": ("良好", "good")}
    grade_names["needs_improvement"] = ("待改进", "needs improvement")
    assert lead["评级" if lang == "zh" else "Grade"] == grade_names[result["grade"]][0 if lang == "zh" else 1]
    assert lead["部门排名" if lang == "zh" else "Rank in department"] == f"{result['rank']} / {result['team_size']}"


def test_report_xlsx_and_access_like_the_plans(client, tokens, demo_url) -> None:
    snap = org_snapshot(demo_url)
    emp = snap["users"]["employee"][1]
    plan = client.get(f"/api/v1/employees/{emp}/plan", params={"lang": "en"}, headers=tokens["manager"]).json()
    r = client.get(
        "/api/v1/exports/report",
        params={"employee_id": emp, "format": "xlsx", "lang": "en"},
        headers=tokens["manager"],
    )
    assert r.status_code == 200, r.text
    text_rows = [row[0] for row in _sheet_rows(r.content, 0)[4:] if row and row[0]]
    assert text_rows == [ln for ln in plan["report"]["text"].splitlines() if ln.strip()]
    training = _table(_sheet_rows(r.content, 1), "Code")
    assert [(t[0], t[3], t[4]) for t in training] == [
        (t["code"], t["duration_hours"], t["reason"]) for t in plan["training"]
    ]
    # Not yours reads like missing, exactly as /employees/{id}/plan.
    other = client.get("/api/v1/exports/report", params={"employee_id": emp}, headers=tokens["employee2"])
    missing = client.get("/api/v1/exports/report", params={"employee_id": 2_000_000_000}, headers=tokens["hr"])
    assert other.status_code == missing.status_code == 404
    assert client.get("/api/v1/exports/report", params={"format": "doc"}, headers=tokens["hr"]).status_code == 422


@pytest.mark.parametrize("kind", ["scorecard", "report"])
def test_pdf_in_chinese_carries_the_numbers(client, tokens, demo_url, kind) -> None:
    r = client.get(f"/api/v1/exports/{kind}", params={"format": "pdf", "lang": "zh"}, headers=tokens["employee"])
    if find_cjk_font() is None:  # the server says what to install instead of writing boxes
        assert r.status_code == 503 and "fonts-wqy-microhei" in r.json()["detail_en"]
        return
    assert r.status_code == 200, r.text
    assert r.content.startswith(b"%PDF") and r.headers["content-type"] == "application/pdf"
    text = "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(r.content)).pages)
    plan = client.get("/api/v1/me/plan", params={"lang": "zh"}, headers=tokens["employee"]).json()
    emp = client.get(f"/api/v1/employees/{plan['employee_id']}", headers=tokens["employee"]).json()
    assert emp["name_zh"] in text
    if kind == "scorecard":
        # Numbers read as on the page: the total with one decimal, others without trailing zeros.
        assert "得分明细" in text and f"{round(plan['score']['total'], 1):g}" in text
        assert f"评级  {({'excellent': '优秀', 'good': '良好'}).get(plan['result']['grade'], '待改进')}" in text
        for k in plan["kpis"]:
            assert f"{k['weight']:,.2f}".rstrip("0").rstrip(".") in text
    else:
        assert "反馈报告" in text and "推荐培训" in text
        assert all(t["code"] in text for t in plan["training"])
