"""One truth per number: a person's final score, grade and rank for a closed period are the same on the plan,
the team overview, 等级分布, 等级校准, the bonus allocation and both exports, before and after a second-review
adjustment and a calibration change; and the stored results follow with their history audited."""

from __future__ import annotations

import io
from collections import Counter
from typing import Any

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from core.db import session_scope
from core.tables import AuditEvent, Department, Employee, Period, PeriodResult, User
from tests.api.helpers import plant_review
from workflows.process.exports import find_cjk_font

GRADE_ZH = {"excellent": "优秀", "good": "良好", "needs_improvement": "待改进"}


@pytest.fixture(scope="module")
def ctx(demo_url: str) -> dict[str, Any]:
    with session_scope(demo_url, write=False) as s:
        users = {u.username: u.employee_id for u in s.execute(select(User)).scalars()}
        period = s.execute(select(Period).where(Period.code == "2026-10")).scalar_one()
        emps = {e.id: e.department_id for e in s.execute(select(Employee)).scalars()}
        codes = dict(s.execute(select(Department.id, Department.code)).all())
        return {"users": users, "period": period.id, "dept_of": emps, "codes": codes}


def _overview(client: Any, tokens: Any) -> dict[int, dict[str, Any]]:
    """Everyone with a result, from the team overview (it leaves out the caller: HR's and admin's together)."""
    out: dict[int, dict[str, Any]] = {}
    for user in ("hr", "admin"):
        r = client.get("/api/v1/team/overview", headers=tokens[user])
        assert r.status_code == 200, r.text
        out.update({m["employee_id"]: m for m in r.json()["members"] if m["grade"] is not None})
    return out


def _allocation(client: Any, tokens: Any) -> dict[int, dict[str, Any]]:
    pools = client.get("/api/v1/pay/pools", headers=tokens["hr"]).json()["data"]
    r = client.get(f"/api/v1/pay/pools/{pools[0]['id']}/allocation", headers=tokens["hr"])
    assert r.status_code == 200, r.text
    return {line["employee_id"]: line for line in r.json()["lines"]}


def _export_lead(client: Any, tokens: Any, emp: int) -> dict[Any, Any]:
    r = client.get(
        "/api/v1/exports/scorecard", params={"format": "xlsx", "lang": "zh", "employee_id": emp}, headers=tokens["hr"]
    )
    assert r.status_code == 200, r.text
    rows = list(load_workbook(io.BytesIO(r.content), read_only=True).worksheets[1].iter_rows(values_only=True))
    return {row[0]: row[1] for row in rows[:6] if row and len(row) > 1}


def _check_everywhere(client: Any, tokens: Any, ctx: dict[str, Any], sample: list[int]) -> dict[int, dict[str, Any]]:
    """Every page agrees with the team overview (which lists everyone HR sees); returns the overview."""
    team = _overview(client, tokens)
    assert len(team) >= 100
    # 等级分布: the same counts, company-wide and per department.
    dist = client.get("/api/v1/grades", headers=tokens["hr"]).json()
    assert dist["period"] == "2026-10"
    assert dist["counts"] == {g: sum(1 for m in team.values() if m["grade"] == g) for g in GRADE_ZH}
    per_dept: dict[str, Counter[str]] = {}
    for emp, m in team.items():
        per_dept.setdefault(ctx["codes"][ctx["dept_of"][emp]], Counter())[m["grade"]] += 1
    for d in dist["departments"]:
        assert d["counts"] == {g: per_dept[d["department"]][g] for g in GRADE_ZH}, d["department"]
    # 等级校准: the same counts per department (team).
    cal = client.get("/api/v1/pay/calibration", params={"period_id": ctx["period"]}, headers=tokens["hr"]).json()
    for row in cal["teams"]:
        assert row["counts"] == {g: per_dept[row["team"]][g] for g in GRADE_ZH}, row["team"]
    # The bonus allocation: every line's grade and score.
    lines = _allocation(client, tokens)
    assert set(lines) == set(team)
    for emp, line in lines.items():
        assert line["trace"]["grade"] == team[emp]["grade"]
        assert round(line["score"], 1) == team[emp]["score"]
    # The plan (and its report), and both exports, for a sample of people.
    for emp in sample:
        plan = client.get(f"/api/v1/employees/{emp}/plan", params={"lang": "zh"}, headers=tokens["hr"]).json()
        res = plan["result"]
        assert res["grade"] == team[emp]["grade"] and round(res["score"], 1) == team[emp]["score"]
        assert res["rank"] == team[emp]["rank"] and res["team_size"] == team[emp]["team_size"]
        assert plan["facts"]["team"]["grade"] == res["grade"] and plan["facts"]["score"] == round(res["score"], 1)
        assert f"评级：{GRADE_ZH[res['grade']]}" in plan["report"]["text"]
        assert f"{res['team_size']} 人中排名第 {res['rank']}" in plan["report"]["text"]
        lead = _export_lead(client, tokens, emp)
        assert lead["总分"] == round(res["score"], 1) and lead["评级"] == GRADE_ZH[res["grade"]]
        assert lead["部门排名"] == f"{res['rank']} / {res['team_size']}"
    return team


def _pdf_grade(client: Any, tokens: Any, emp: int) -> str:
    r = client.get(
        "/api/v1/exports/scorecard", params={"format": "pdf", "lang": "zh", "employee_id": emp}, headers=tokens["hr"]
    )
    assert r.status_code == 200, r.text
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(r.content)).pages)


def test_one_grade_everywhere_before_and_after_review_and_calibration(client, tokens, ctx, demo_url) -> None:
    employee2, employee = ctx["users"]["employee2"], ctx["users"]["employee"]
    cs_dept = ctx["dept_of"][employee2]
    cs = [e for e, d in ctx["dept_of"].items() if d == cs_dept][:6]
    sample = sorted({employee, employee2, *cs})
    team = _check_everywhere(client, tokens, ctx, sample)

    # A second review adjusts employee2's score: everything follows.
    item_id = plant_review(demo_url, ctx["period"], ctx["users"]["manager"], [employee2])
    got = client.get(f"/api/v1/pay/reviews/{item_id}", headers=tokens["admin"])
    new_score = 55.0 if team[employee2]["score"] > 60 else 120.0
    body = {
        "decision": "adjust",
        "reason": "复核后调整",
        "adjustments": [{"employee_id": employee2, "score": new_score}],
    }
    r = client.post(
        f"/api/v1/pay/reviews/{item_id}/decide", json=body, headers={**tokens["admin"], "If-Match": got.headers["ETag"]}
    )
    assert r.status_code == 200, r.text
    after = _check_everywhere(client, tokens, ctx, sample)
    assert after[employee2]["score"] == new_score

    # HR changes another person's grade at calibration: everything follows, and the reason is kept.
    other = next(e for e in cs if e != employee2)
    new_grade = "good" if after[other]["grade"] != "good" else "excellent"
    change = {"period_id": ctx["period"], "employee_id": other, "grade": new_grade, "reason": "校准会议决定"}
    r = client.post("/api/v1/pay/calibration/changes", json=change, headers=tokens["hr"])
    assert r.status_code == 201, r.text
    assert r.json()["result"]["grade"] == new_grade and r.json()["result"]["calibration_id"] == r.json()["id"]
    final = _check_everywhere(client, tokens, ctx, sample)
    assert final[other]["grade"] == new_grade
    if find_cjk_font():
        assert GRADE_ZH[new_grade] in _pdf_grade(client, tokens, other)

    # Stored once, rewritten with the history in the audit log.
    with session_scope(demo_url, write=False) as s:
        stored = {
            r.employee_id: r
            for r in s.execute(select(PeriodResult).where(PeriodResult.period_id == ctx["period"])).scalars()
        }
        events = list(s.execute(select(AuditEvent).where(AuditEvent.entity == "period_result")).scalars())
    assert stored[other].grade == new_grade and stored[other].computed_grade == after[other]["grade"]
    assert stored[employee2].score == new_score and stored[employee2].review_item_id == item_id
    assert {e.employee_id for e in stored.values()} == set(final)
    causes = [(e.after or {}).get("cause", "") for e in events]
    assert any(c.startswith(f"second review #{item_id}") for c in causes)
    assert any(c.startswith("calibration #") for c in causes)


def test_nobody_changes_their_own_grade_and_employees_cannot_at_all(client, tokens, ctx) -> None:
    hr_emp = ctx["users"]["hr"]
    own = {"period_id": ctx["period"], "employee_id": hr_emp, "grade": "excellent", "reason": "my own"}
    r = client.post("/api/v1/pay/calibration/changes", json=own, headers=tokens["hr"])
    assert r.status_code == 422 and "own grade" in r.text
    other = {**own, "employee_id": ctx["users"]["employee"]}
    for user in ("employee", "manager"):
        assert client.post("/api/v1/pay/calibration/changes", json=other, headers=tokens[user]).status_code == 403


def test_the_trend_shows_a_past_periods_final_score(client, tokens, ctx, demo_url) -> None:
    """A second review of an earlier month changes that month's score in the plan's trend too."""
    employee = ctx["users"]["employee"]
    with session_scope(demo_url, write=False) as s:
        september_id = s.execute(select(Period).where(Period.code == "2026-09")).scalar_one().id
    item_id = plant_review(demo_url, september_id, ctx["users"]["manager"], [employee])
    got = client.get(f"/api/v1/pay/reviews/{item_id}", headers=tokens["admin"])
    body = {"decision": "adjust", "reason": "复核", "adjustments": [{"employee_id": employee, "score": 61.5}]}
    r = client.post(
        f"/api/v1/pay/reviews/{item_id}/decide", json=body, headers={**tokens["admin"], "If-Match": got.headers["ETag"]}
    )
    assert r.status_code == 200, r.text
    plan = client.get(f"/api/v1/employees/{employee}/plan", params={"lang": "zh"}, headers=tokens["hr"]).json()
    trend = {p["period"]: p["score"] for p in plan["facts"]["trend"]}
    assert trend["2026-09"] == 61.5
