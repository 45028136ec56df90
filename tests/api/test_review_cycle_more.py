"""Beside the review (issue 29): pace history per KPI from the plan page's own pace and progress functions, the
inflation checks and second reviews that concern the person, scoped like the items; the rubric list; the latest
check-ins (with the manager's comment) in the employee's feedback report, zh and en."""

from datetime import date
from typing import Any

from sqlalchemy import select

from core.db import session_scope
from core.tables import Department, Employee
from tests.api.helpers import org_snapshot, plant_review
from tests.conftest import DEMO_USERS
from workflows.coaching.anomalies import anomaly_report

LEVELS = [
    {"value": v, "label_zh": zh, "label_en": en, "description_zh": f"{zh}的表现", "description_en": f"{en} work"}
    for v, zh, en in ((40, "待改进", "Below"), (100, "良好", "Good"), (120, "卓越", "Outstanding"))
]


def _ok(r: Any, status: int = 200) -> Any:
    assert r.status_code == status, r.text
    return r.json()


def _period(client: Any, h: dict[str, str], code: str) -> int:
    rows = _ok(client.get("/api/v1/periods", headers=h, params={"kind": "month", "limit": 200}))["data"]
    return int(next(p["id"] for p in rows if p["code"] == code))


def test_beside_the_review_and_rubrics(client, tokens, demo_url) -> None:
    hr, mgr, emp, emp2 = (tokens[u] for u in ("hr", "manager", "employee", "employee2"))
    snap = org_snapshot(demo_url)
    me, me2 = snap["users"]["employee"][1], snap["users"]["employee2"][1]
    assert me is not None and me2 is not None
    period = _period(client, hr, "2026-11")  # the running month: the plan page shows its pace today
    kpis = _ok(client.get("/api/v1/kpi-assignments", headers=hr, params={"period_id": period, "employee_id": me}))
    ind = kpis["data"][0]["indicator_id"]
    assert client.put(f"/api/v1/indicators/{ind}/rubric", headers=emp, json={"levels": LEVELS}).status_code == 403
    _ok(client.put(f"/api/v1/indicators/{ind}/rubric", headers=hr, json={"levels": LEVELS}))
    listed = _ok(client.get("/api/v1/rubrics", headers=emp))
    assert [r["levels"][0]["description_zh"] for r in listed if r["indicator_id"] == ind] == ["待改进的表现"]

    dates = {"self_assessment_on": "2026-11-18", "manager_review_on": "2026-11-25", "calibration_on": "2026-11-28",
             "publish_on": "2026-11-30", "appeal_until": "2026-12-03", "lock_on": "2026-12-05"}  # fmt: skip
    body = {"period_id": period, "population": "departments", "department_ids": [snap["emp_dept"][me]],
            "all_cadences": True, **dates}  # fmt: skip
    cid = _ok(client.post("/api/v1/review-cycles", headers=hr, json=body), 201)["id"]
    planted = plant_review(demo_url, period, me, [me])

    # Object level: never one's own; a manager their reporting line; HR all of the cycle.
    assert _ok(client.get(f"/api/v1/review-cycles/{cid}/beside", headers=emp)) == []
    assert me not in {b["employee_id"] for b in _ok(client.get(f"/api/v1/review-cycles/{cid}/beside", headers=emp2))}
    assert client.get("/api/v1/review-cycles/999999/beside", headers=hr).status_code == 404
    rows = {b["employee_id"]: b for b in _ok(client.get(f"/api/v1/review-cycles/{cid}/beside", headers=mgr))}
    assert me in rows and me2 not in rows or snap["emp_dept"][me2] == snap["emp_dept"][me]
    hr_rows = {b["employee_id"]: b for b in _ok(client.get(f"/api/v1/review-cycles/{cid}/beside", headers=hr))}
    assert hr_rows[me] == rows[me]
    for user in DEMO_USERS:  # exactly the items the user may see, less their own
        h = tokens[user]
        items = {i["employee_id"] for i in _ok(client.get(f"/api/v1/review-cycles/{cid}/items", headers=h))}
        seen = {b["employee_id"] for b in _ok(client.get(f"/api/v1/review-cycles/{cid}/beside", headers=h))}
        assert seen == items - {snap["users"][user][1]}, user

    # One number, one computation: the last point of each KPI's history is the plan page's progress and pace.
    plan = {k["assignment_id"]: k for k in _ok(client.get("/api/v1/me/plan", headers=emp))["kpis"]}
    mine = rows[me]
    assert mine["kpis"] and any(k["points"] for k in mine["kpis"])
    for k in mine["kpis"]:
        if not k["points"]:
            continue
        days = [p["as_of"] for p in k["points"]]
        assert days == sorted(days) and len(days) <= 8
        last, shown = k["points"][-1], plan[k["assignment_id"]]
        assert (last["as_of"], last["actual"], last["progress_pct"]) == (shown["as_of"], shown["actual"],
                                                                          shown["progress_pct"])  # fmt: skip
        if shown["pace"] and shown["pace"]["method"] == "straight":
            assert last["projected_pct"] == shown["pace"]["projected_achievement_pct"]
            assert last["status"] == shown["pace"]["status"]

    # The checks: exactly the period's anomaly flags on the person, their team, department or rater.
    with session_scope(demo_url, write=False) as s:
        emp_row = s.get(Employee, me)
        assert emp_row is not None
        boss = s.get(Employee, emp_row.manager_id) if emp_row.manager_id else None
        dept = s.execute(select(Department.code).where(Department.id == emp_row.department_id)).scalar_one()
        concern = {emp_row.code, dept, f"team:{boss.code}" if boss else f"team:{emp_row.code}"}
        rater = boss.code if boss else None
        flags = anomaly_report(s, period, today=date(2026, 11, 18)).flags
    expected = sorted(
        str(f["explanation_en"])
        for f in flags
        if (f["subject"] == rater if str(f["code"]).startswith("manager_above_") else f["subject"] in concern)
    )
    assert sorted(c["explanation_en"] for c in mine["checks"]) == expected
    assert [r["id"] for r in mine["second_reviews"] if r["status"] == "open"] == [planted]


def test_report_quotes_the_latest_check_ins(client, tokens, demo_url) -> None:
    emp, mgr = tokens["employee"], tokens["manager"]
    me = org_snapshot(demo_url)["users"]["employee"][1]
    period = _period(client, mgr, "2026-11")
    kid = _ok(client.get("/api/v1/kpi-assignments", headers=emp, params={"period_id": period, "employee_id": me}))[
        "data"
    ][0]["id"]
    body = {"assignment_id": kid, "note": "完成两场直播复盘", "confidence": 4, "blocker": "等待设计素材"}
    row = _ok(client.post("/api/v1/check-ins", headers=emp, json=body), 201)
    listed = _ok(client.get("/api/v1/check-ins", headers=mgr, params={"employee_id": me}))["data"]
    kpi = _ok(client.get(f"/api/v1/kpi-assignments/{kid}", headers=emp))
    assert [(c["indicator_id"], c["period_id"]) for c in listed if c["id"] == row["id"]] == [
        (kpi["indicator_id"], period)
    ]  # a page names a check-in by its KPI and period
    assert (row["indicator_id"], row["period_id"]) == (kpi["indicator_id"], period)
    before = _ok(client.get("/api/v1/me/plan", headers=emp, params={"lang": "zh"}))["report"]
    assert before["check_ins"] and "完成两场直播复盘；信心 4/5；阻碍：等待设计素材；经理尚未点评" in before["text"]
    path = f"/api/v1/check-ins/{row['id']}/comment"
    _ok(client.post(path, headers={**mgr, "If-Match": f'"{row["version"]}"'}, json={"comment": "素材我来协调"}))
    zh = _ok(client.get("/api/v1/me/plan", headers=emp, params={"lang": "zh"}))["report"]
    assert "过程跟踪（每个指标最近一次的每周进展）：" in zh["text"]
    assert any("2026-11-16 这一周" in s and "经理点评：素材我来协调" in s for s in zh["check_ins"])
    en = _ok(client.get("/api/v1/me/plan", headers=emp, params={"lang": "en"}))["report"]
    assert "Check-ins (the latest weekly check-in of each KPI):" in en["text"]
    assert any("week of 2026-11-16" in s and "manager's comment: 素材我来协调" in s for s in en["check_ins"])
    # The manager reading the employee's plan sees the same section (their reporting line).
    theirs = _ok(client.get(f"/api/v1/employees/{me}/plan", headers=mgr, params={"lang": "zh"}))["report"]
    assert theirs["check_ins"] == zh["check_ins"]


def test_which_checks_concern_a_person(demo_url) -> None:
    """A flag is the person's when it names them, their team or department, or (rating bias) their manager as the
    rater; the manager's own score jump or another department's flag is not."""
    from workflows.cycles.beside import _concerns

    me = org_snapshot(demo_url)["users"]["employee"][1]
    with session_scope(demo_url, write=False) as s:
        emp = s.get(Employee, me)
        assert emp is not None and emp.manager_id is not None
        boss = s.get(Employee, emp.manager_id)
        assert boss is not None
        depts = dict(s.execute(select(Department.id, Department.code)).all())
        other = next(code for d, code in depts.items() if d != emp.department_id)

        def flag(code: str, subject: str) -> bool:
            return _concerns(s, emp, {"code": code, "subject": subject})

        assert flag("sudden_jump", emp.code) and flag("all_high", depts[emp.department_id])
        assert flag("all_high", f"team:{boss.code}") and flag("manager_above_self", boss.code)
        assert not flag("sudden_jump", boss.code) and not flag("all_high", other)
        assert not flag("manager_above_peer", emp.code) and not flag("team_jump", f"team:{emp.code}")
