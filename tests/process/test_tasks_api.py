"""Tasks under KPIs: only the owner plans and edits them, the manager chain reads and comments, the owner
replies, strangers get 404; the board and reminders follow the one clock (pinned 2026-11-18 in tests)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from core.db import session_scope
from core.tables import AuditEvent, KpiAssignment, Period
from tests.api.helpers import org_snapshot, person

TODAY = date(2026, 11, 18)


def _running_assignment(url: str, employee_id: int) -> tuple[int, date, date]:
    """A personal KPI of `employee_id` in the month running on the pinned day, with its period's dates."""
    with session_scope(url, write=False) as s:
        row = s.execute(
            select(KpiAssignment.id, Period.start_date, Period.end_date)
            .join(Period, Period.id == KpiAssignment.period_id)
            .where(
                KpiAssignment.employee_id == employee_id,
                Period.kind == "month",
                Period.start_date <= TODAY,
                Period.end_date >= TODAY,
            )
            .order_by(KpiAssignment.id)
        ).first()
    assert row is not None
    return int(row[0]), row[1], row[2]


def _ids(client, tokens, demo_url):
    snap = org_snapshot(demo_url)
    emp = person(snap, "employee")
    mgr = person(snap, "manager")
    assert snap["managers"][emp] == mgr, "the demo's employee reports to the demo's manager"
    return snap, emp, mgr


def test_owner_plans_manager_comments_owner_replies(client, tokens, demo_url) -> None:
    _snap, emp, _mgr = _ids(client, tokens, demo_url)
    aid, _start, end = _running_assignment(demo_url, emp)
    due = (TODAY + timedelta(days=3)).isoformat()
    r = client.post(
        f"/api/v1/kpi-assignments/{aid}/tasks",
        json={"title": "新品运营计划", "due_date": due},
        headers={**tokens["employee"], "Idempotency-Key": "task-1"},
    )
    assert r.status_code == 201, r.text
    task = r.json()
    assert task["week"] == date.fromisoformat(due).isocalendar().week and task["progress"] == 0
    again = client.post(
        f"/api/v1/kpi-assignments/{aid}/tasks",
        json={"title": "新品运营计划", "due_date": due},
        headers={**tokens["employee"], "Idempotency-Key": "task-1"},
    )
    assert again.json()["id"] == task["id"]

    # The manager reads and comments but may not plan or edit the employee's tasks.
    listed = client.get(f"/api/v1/kpi-assignments/{aid}/tasks", headers=tokens["manager"])
    assert [t["id"] for t in listed.json()] == [task["id"]]
    assert (
        client.post(
            f"/api/v1/kpi-assignments/{aid}/tasks", json={"title": "x", "due_date": due}, headers=tokens["manager"]
        ).status_code
        == 403
    )
    assert (
        client.patch(
            f"/api/v1/tasks/{task['id']}", json={"progress": 50}, headers={**tokens["manager"], "If-Match": '"1"'}
        ).status_code
        == 403
    )
    # The owner cannot comment first: they reply.
    assert (
        client.post(
            f"/api/v1/tasks/{task['id']}/comments", json={"body": "开始了"}, headers=tokens["employee"]
        ).status_code
        == 422
    )
    c = client.post(f"/api/v1/tasks/{task['id']}/comments", json={"body": "先做竞品分析"}, headers=tokens["manager"])
    assert c.status_code == 201, c.text
    reply = client.post(f"/api/v1/tasks/{task['id']}/comments", json={"body": "好的"}, headers=tokens["employee"])
    assert reply.status_code == 201
    got = client.get(f"/api/v1/tasks/{task['id']}", headers=tokens["employee"])
    assert [x["body"] for x in got.json()["comments"]] == ["先做竞品分析", "好的"]
    assert got.headers["ETag"] == '"1"'

    # Progress needs If-Match; done sets 100; a due date outside the KPI's period is refused.
    path = f"/api/v1/tasks/{task['id']}"
    assert client.patch(path, json={"progress": 40}, headers=tokens["employee"]).status_code == 428
    ok = client.patch(path, json={"progress": 40}, headers={**tokens["employee"], "If-Match": '"1"'})
    assert ok.status_code == 200 and ok.json()["progress"] == 40 and ok.headers["ETag"] == '"2"'
    assert client.patch(path, json={"done": True}, headers={**tokens["employee"], "If-Match": '"1"'}).status_code == 412
    late = (end + timedelta(days=1)).isoformat()
    bad = client.patch(path, json={"due_date": late}, headers={**tokens["employee"], "If-Match": '"2"'})
    assert bad.status_code == 422 and "outside" in bad.json()["detail_en"]
    done = client.patch(path, json={"done": True}, headers={**tokens["employee"], "If-Match": '"2"'})
    assert done.json()["done"] is True and done.json()["progress"] == 100

    with session_scope(demo_url, write=False) as s:
        events = s.execute(
            select(AuditEvent.action, AuditEvent.entity).where(AuditEvent.entity.in_(("process_task", "task_comment")))
        ).all()
    assert events.count(("create", "process_task")) == 1
    assert events.count(("update", "process_task")) == 2
    assert events.count(("create", "task_comment")) == 2


def test_strangers_get_404_like_a_missing_task(client, tokens, demo_url) -> None:
    snap, emp, _mgr = _ids(client, tokens, demo_url)
    other = snap["users"]["employee2"][1]
    aid, _s, _e = _running_assignment(demo_url, emp)
    r = client.post(
        f"/api/v1/kpi-assignments/{aid}/tasks",
        json={"title": "Weekly promo review", "due_date": TODAY.isoformat()},
        headers=tokens["employee"],
    )
    tid = r.json()["id"]
    if other in {e for e, m in snap["managers"].items() if m == emp}:  # pragma: no cover - the demo has no such line
        return
    missing = client.get("/api/v1/tasks/2000000000", headers=tokens["employee2"])
    stranger = client.get(f"/api/v1/tasks/{tid}", headers=tokens["employee2"])
    assert missing.status_code == stranger.status_code == 404
    assert client.get(f"/api/v1/kpi-assignments/{aid}/tasks", headers=tokens["employee2"]).status_code == 404
    assert (
        client.post(f"/api/v1/tasks/{tid}/comments", json={"body": "hi"}, headers=tokens["employee2"]).status_code
        == 404
    )
    assert client.get(f"/api/v1/tasks/{tid}", headers=tokens["hr"]).status_code == 200


def test_board_and_reminders(client, tokens, demo_url) -> None:
    _snap, emp, mgr = _ids(client, tokens, demo_url)
    aid, _s, end = _running_assignment(demo_url, emp)
    soon = client.post(
        f"/api/v1/kpi-assignments/{aid}/tasks",
        json={"title": "直播脚本", "due_date": (TODAY + timedelta(days=1)).isoformat()},
        headers=tokens["employee"],
    ).json()
    far = TODAY + timedelta(days=10)
    if far <= end:
        client.post(
            f"/api/v1/kpi-assignments/{aid}/tasks",
            json={"title": "月度复盘", "due_date": far.isoformat()},
            headers=tokens["employee"],
        )
    zh = client.get("/api/v1/me/reminders", params={"days": 3}, headers=tokens["employee"]).json()
    assert zh["today"] == TODAY.isoformat()
    texts = {x["task_id"]: x["text"] for x in zh["data"]}
    assert texts[soon["id"]] == "距离直播脚本截止还有 1 天"
    assert all(x["days_left"] <= 3 for x in zh["data"])
    assert "月度复盘" not in {x["title"] for x in zh["data"]}
    en = client.get("/api/v1/me/reminders", params={"days": 3, "lang": "en"}, headers=tokens["employee"]).json()
    assert {x["task_id"]: x["text"] for x in en["data"]}[soon["id"]] == "1 day left until 直播脚本 is due"

    board = client.get("/api/v1/team/tasks", headers=tokens["manager"])
    assert board.status_code == 200, board.text
    people = {p["employee_id"]: p for p in board.json()["people"]}
    assert emp in people and mgr not in people
    assert soon["id"] in {t["id"] for t in people[emp]["tasks"]}
    assert people[emp]["open"] + people[emp]["done"] == len(people[emp]["tasks"])
    assert client.get("/api/v1/team/tasks", headers=tokens["employee"]).status_code == 403
