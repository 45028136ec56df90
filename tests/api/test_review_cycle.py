"""A full review cycle through the API on the demo company (SQLite, and PostgreSQL when configured): open,
self-assess, manager review (and a skip-level one), a second-review hold, a calibration change, publish, one
confirmation, one appeal upheld and one changed, the deadline passing, the lock; then a locked actual is 409, a
reopen works and is audited, and the bonus allocation uses the locked scores."""

from datetime import date
from typing import Any

from sqlalchemy import select

from core.clock import Clock, parse_pin, zone
from core.db import session_scope
from core.tables import Employee, PeriodResult
from tests.api.helpers import org_snapshot, plant_review
from tests.conftest import demo_logins
from workflows.cycles.stages import advance
from workflows.process.notify import gather

SHANGHAI = zone("Asia/Shanghai")
DATES = {
    "self_assessment_on": "2026-11-01",
    "manager_review_on": "2026-11-20",
    "calibration_on": "2026-11-23",
    "publish_on": "2026-11-25",
    "appeal_until": "2026-11-30",
    "lock_on": "2026-12-02",
}
LEVELS = [
    {"value": v, "label_zh": zh, "label_en": en, "description_zh": zh, "description_en": en}
    for v, zh, en in (
        (40, "待改进", "Below"),
        (70, "合格", "Meets"),
        (100, "良好", "Good"),
        (120, "卓越", "Outstanding"),
    )
]


def _at(app: Any, url: str, when: str, client: Any = None, tokens: Any = None) -> Clock:
    """Stand the app's clock (and housekeeping's) at `when` in Shanghai, run housekeeping's stage moves, and log
    the demo users in again (tokens expire when the clock jumps)."""
    clock = Clock(tz=SHANGHAI, pinned=parse_pin(when, SHANGHAI))
    app.state.clock = clock
    with session_scope(url, clock=clock) as s:
        advance(s)
    if client is not None:
        for name, headers in demo_logins(client).items():
            tokens[name].clear()
            tokens[name].update(headers)
    return clock


def _ok(r: Any, status: int = 200) -> dict[str, Any]:
    assert r.status_code == status, r.text
    return dict(r.json())


def _etag(client: Any, h: dict[str, str], path: str) -> str:
    r = client.get(path, headers=h)
    assert r.status_code == 200, r.text
    return str(r.headers["ETag"])


def _period_id(client: Any, h: dict[str, str], code: str) -> int:
    rows = _ok(client.get("/api/v1/periods", headers=h, params={"kind": "month", "limit": 200}))["data"]
    return int(next(p["id"] for p in rows if p["code"] == code))


def _team_lead(url: str, boss: int) -> int:
    """Someone reporting to `boss` who manages others (reviewed one level up: skip-level)."""
    with session_scope(url, write=False) as s:
        reports = list(s.execute(select(Employee.id).where(Employee.manager_id == boss)).scalars())
        managers = {
            m for m in s.execute(select(Employee.manager_id).where(Employee.manager_id.in_(reports))).scalars() if m
        }
    return min(managers)


def test_full_cycle(app, client, tokens, demo_url) -> None:
    hr, admin, mgr, emp, emp2 = (tokens[u] for u in ("hr", "admin", "manager", "employee", "employee2"))
    users = org_snapshot(demo_url)["users"]
    me, me2, boss, gm = (users[u][1] for u in ("employee", "employee2", "manager", "admin"))
    assert me is not None and me2 is not None and boss is not None
    _at(app, demo_url, client=client, tokens=tokens, when="2026-11-18")
    period = _period_id(client, hr, "2026-10")
    kpis = _ok(client.get("/api/v1/kpi-assignments", headers=hr, params={"period_id": period, "employee_id": me}))
    kpi = kpis["data"][0]
    ind = kpi["indicator_id"]

    # HR defines the rubric of one of the employee's KPIs, then opens the cycle for the whole company.
    _ok(client.put(f"/api/v1/indicators/{ind}/rubric", headers=hr, json={"levels": LEVELS}))
    body = {"period_id": period, "population": "company", "all_cadences": True, **DATES}
    assert client.post("/api/v1/review-cycles", headers=emp, json=body).status_code == 403
    cycle = _ok(client.post("/api/v1/review-cycles", headers=hr, json=body), 201)
    cid = cycle["id"]
    assert cycle["stage"] == "self_assessment" and cycle["appeal_decider"] == "hr"
    base = f"/api/v1/review-cycles/{cid}"

    # Object-level reads: the employee sees only their own item; the manager their reporting line.
    mine = _ok_list(client.get(f"{base}/items", headers=emp))
    assert [i["employee_id"] for i in mine] == [me]
    item = mine[0]
    assert item["reviewer_id"] == boss and not item["skip_level"]
    all_items = {i["employee_id"]: i for i in _ok_list(client.get(f"{base}/items", headers=hr))}
    assert client.get(f"{base}/items/{item['id']}", headers=emp2).status_code == 404
    assert me2 not in {i["employee_id"] for i in _ok_list(client.get(f"{base}/items", headers=mgr))}

    # Self-assessment: comments, evidence, a rubric proposal (If-Match required; a non-level refused).
    path = f"{base}/items/{item['id']}"
    entry = {"assignment_id": kpi["id"], "comment": "新品上线两款", "evidence": "https://wiki/x", "proposed_value": 40}
    assert client.put(f"{path}/self-assessment", headers=emp, json={"entries": [entry]}).status_code == 428
    bad = {**entry, "proposed_value": 55}
    r = client.put(
        f"{path}/self-assessment", headers={**emp, "If-Match": _etag(client, emp, path)}, json={"entries": [bad]}
    )
    assert r.status_code == 422
    _ok(
        client.put(
            f"{path}/self-assessment", headers={**emp, "If-Match": _etag(client, emp, path)}, json={"entries": [entry]}
        )
    )
    # Reviews wait for their stage; housekeeping moves it on its date.
    review: dict[str, Any] = {"entries": [{"assignment_id": kpi["id"], "value": 120}], "overall_comment": "整体不错"}
    r = client.put(f"{path}/review", headers={**mgr, "If-Match": _etag(client, mgr, path)}, json=review)
    assert r.status_code == 409 and r.json()["code"] == "cycle.stage_closed"
    _at(app, demo_url, client=client, tokens=tokens, when="2026-11-20")
    assert _ok(client.get(base, headers=hr))["stage"] == "manager_review"

    # Manager review: more than one level from the proposal needs a comment; nobody reviews themselves.
    r = client.put(f"{path}/review", headers={**emp, "If-Match": _etag(client, emp, path)}, json=review)
    assert r.status_code == 404
    r = client.put(f"{path}/review", headers={**mgr, "If-Match": _etag(client, mgr, path)}, json=review)
    assert r.status_code == 422 and r.json()["code"] == "cycle.review_invalid"
    review["entries"][0]["comment"] = "新品完成度高于自评，依据上线数据"
    reviewed = _ok(client.put(f"{path}/review", headers={**mgr, "If-Match": _etag(client, mgr, path)}, json=review))
    assert reviewed["status"] == "reviewed" and reviewed["review_entries"][str(kpi["id"])]["value"] == 120

    # Skip-level: a team lead under the manager is reviewed by the manager's manager (the admin's person).
    lead = _team_lead(demo_url, boss)
    lead_item = all_items[lead]
    assert lead_item["skip_level"] and lead_item["reviewer_id"] == gm
    lpath = f"{base}/items/{lead_item['id']}"
    assert client.put(f"{lpath}/review", headers={**mgr, "If-Match": '"1"'}, json=review).status_code == 404
    _ok(
        client.put(
            f"{lpath}/review",
            headers={**admin, "If-Match": _etag(client, admin, lpath)},
            json={"overall_comment": "带队稳定"},
        )
    )
    # The manager (reviewed by the general manager) and employee2 get their reviews too.
    for who, login in ((boss, admin), (me2, None)):
        it = all_items[who]
        reviewer = login or _login_of(tokens, users, it["reviewer_id"]) or hr
        ipath = f"{base}/items/{it['id']}"
        if login is None and _login_of(tokens, users, it["reviewer_id"]) is None:
            continue  # reviewed by someone without a login: published without review by HR's reason below
        _ok(
            client.put(
                f"{ipath}/review",
                headers={**reviewer, "If-Match": _etag(client, reviewer, ipath)},
                json={"overall_comment": "按期完成"},
            )
        )

    # Calibration: the checks run; a planted second review holds publication until it is decided.
    _at(app, demo_url, client=client, tokens=tokens, when="2026-11-23")
    assert _ok(client.get(base, headers=hr))["stage"] == "calibration"
    held = plant_review(demo_url, period, boss, [me])
    cockpit = _ok(client.get(f"{base}/cockpit", headers=hr))
    assert held in cockpit["blocking_reviews"]
    assert client.get(f"{base}/cockpit", headers=mgr).status_code == 403
    change = {"period_id": period, "employee_id": me, "grade": "good", "reason": "校准：与同组对齐"}
    _ok(client.post("/api/v1/pay/calibration/changes", headers=hr, json=change), 201)
    move = {"stage": "published", "reason": "部分主管未在系统内评价，按计算结果发布"}
    r = client.post(f"{base}/stage", headers={**hr, "If-Match": _etag(client, hr, base)}, json=move)
    assert r.status_code == 409 and r.json()["code"] == "cycle.reviews_open"
    for rid in cockpit["blocking_reviews"]:
        decider = (
            admin
            if _ok(client.get(f"/api/v1/pay/reviews/{rid}", headers=admin))["subject_employee_id"] == users["hr"][1]
            else hr
        )
        rpath = f"/api/v1/pay/reviews/{rid}"
        _ok(
            client.post(
                f"{rpath}/decide",
                headers={**decider, "If-Match": _etag(client, decider, rpath)},
                json={"decision": "confirm", "reason": "复核无误"},
            )
        )
    _at(app, demo_url, client=client, tokens=tokens, when="2026-11-25")
    assert _ok(client.get(base, headers=hr))["stage"] == "calibration"  # housekeeping does not skip missing reviews
    late = {e for row in cockpit["late"] for e in row["employee_ids"]}
    assert late and me not in late and lead not in late  # reviewed people are not late; those waiting are
    published = _ok(client.post(f"{base}/stage", headers={**hr, "If-Match": _etag(client, hr, base)}, json=move))
    assert published["stage"] == "published" and published["published_at"]
    with session_scope(demo_url, write=False) as s:
        keys = {m.key for m in gather(s, date(2026, 11, 25))}
    assert f"cycle:{cid}:published:{me}" in keys
    shown = _ok(client.get(path, headers=emp))
    assert shown["status"] == "published" and shown["result"]["grade"] == "good"  # HR's calibration change

    # Answers: the employee confirms; employee2's appeal is upheld; the manager's is changed by HR.
    _ok(client.post(f"{path}/confirm", headers={**emp, "If-Match": _etag(client, emp, path)}))
    assert client.post(f"{path}/confirm", headers={**emp, "If-Match": _etag(client, emp, path)}).status_code == 409
    appeals = {}
    for who, login in ((me2, emp2), (boss, mgr)):
        ipath = f"{base}/items/{all_items[who]['id']}"
        own = _ok(client.get("/api/v1/kpi-assignments", headers=hr, params={"period_id": period, "employee_id": who}))
        ask = {"assignment_ids": [own["data"][0]["id"]], "reason": "数据口径有误"}
        appeals[who] = _ok(
            client.post(f"{ipath}/appeal", headers={**login, "If-Match": _etag(client, login, ipath)}, json=ask), 201
        )
    assert [a["employee_id"] for a in _ok_list(client.get("/api/v1/appeals", headers=emp2))] == [me2]
    assert _ok_list(client.get("/api/v1/appeals", headers=emp)) == []
    assert len(_ok_list(client.get("/api/v1/appeals", headers=hr, params={"status": "open"}))) == 2
    _at(app, demo_url, client=client, tokens=tokens, when="2026-12-02")
    assert _ok(client.get(base, headers=hr))["stage"] == "published"  # open appeals hold the lock
    a2 = f"/api/v1/appeals/{appeals[me2]['id']}"
    assert (
        client.post(
            f"{a2}/decision", headers={**emp2, "If-Match": '"1"'}, json={"decision": "uphold", "reason": "x1"}
        ).status_code
        == 403
    )
    _ok(
        client.post(
            f"{a2}/decision", headers={**hr, "If-Match": '"1"'}, json={"decision": "uphold", "reason": "口径正确，维持"}
        )
    )
    a3 = f"/api/v1/appeals/{appeals[boss]['id']}"
    changed = _ok(
        client.post(
            f"{a3}/decision",
            headers={**hr, "If-Match": '"1"'},
            json={"decision": "change", "grade": "excellent", "reason": "口径有误，已更正"},
        )
    )
    assert changed["status"] == "changed" and changed["new_grade"] == "excellent"

    # The deadline passed: the silent are confirmed and say so; then housekeeping locks.
    _at(app, demo_url, client=client, tokens=tokens, when="2026-12-02")
    locked = _ok(client.get(base, headers=hr))
    assert locked["stage"] == "locked" and locked["locked_at"]
    items = {i["employee_id"]: i for i in _ok_list(client.get(f"{base}/items", headers=hr))}
    assert items[me]["answer"] == "confirmed" and items[me2]["answer"] == "appeal_upheld"
    assert items[boss]["answer"] == "appeal_changed"
    assert items[lead]["answer"] == "confirmed_by_deadline"
    periods = _ok(client.get("/api/v1/periods", headers=emp, params={"kind": "month", "limit": 200}))["data"]
    assert next(p for p in periods if p["id"] == period)["locked_at"]
    results = _ok(client.get("/api/v1/pay/calibration", headers=hr, params={"period_id": period}))
    assert "Locked" in results["results"]["en"]

    # Locked: an actual, a weight and a grade of the period are read-only (409 with what to do).
    actual = {"as_of": "2026-10-31", "value": 1.0}
    r = client.post(f"/api/v1/kpi-assignments/{kpi['id']}/actuals", headers=mgr, json=actual)
    assert r.status_code == 409 and r.json()["code"] == "period.locked" and "reopen" in r.json()["detail_en"]
    kpath = f"/api/v1/kpi-assignments/{kpi['id']}"
    r = client.patch(kpath, headers={**mgr, "If-Match": _etag(client, mgr, kpath)}, json={"weight": 10})
    assert r.status_code == 409 and r.json()["code"] == "period.locked"
    assert client.post("/api/v1/pay/calibration/changes", headers=hr, json=change).status_code == 409

    # Pay reads the locked results: the allocation's lines carry the stored scores and grades.
    with session_scope(demo_url, write=False) as s:
        stored = {
            r.employee_id: (r.score, r.grade)
            for r in s.execute(select(PeriodResult).where(PeriodResult.period_id == period)).scalars()
        }
    assert stored[boss][1] == "excellent"

    # HR approves the period's pool on the locked results.
    pool = next(p for p in _ok(client.get("/api/v1/pay/pools", headers=hr))["data"] if p["period_id"] == period)
    alloc_id = _ok(client.get(f"/api/v1/pay/pools/{pool['id']}/allocation", headers=hr))["id"]
    apath = f"/api/v1/pay/allocations/{alloc_id}"
    approved = client.post(f"{apath}/approve", headers={**hr, "If-Match": _etag(client, hr, apath)}, json={})
    assert _ok(approved)["status"] == "approved"

    # HR reopens one result with a reason (audited): that person's actual can change; pay waits for the relock.
    r = client.post(
        f"{path}/reopen", headers={**hr, "If-Match": _etag(client, hr, path)}, json={"reason": "补录漏算订单"}
    )
    assert _ok(r)["status"] == "reopened"
    late_actual = {"as_of": "2026-10-15", "value": 1.0}
    _ok(client.post(f"/api/v1/kpi-assignments/{kpi['id']}/actuals", headers=mgr, json=late_actual), 201)
    other = next(e for e in items if e not in (me, boss, lead, me2))
    okpi = _ok(client.get("/api/v1/kpi-assignments", headers=hr, params={"period_id": period, "employee_id": other}))[
        "data"
    ][0]
    r = client.post(f"/api/v1/kpi-assignments/{okpi['id']}/actuals", headers=hr, json=late_actual)
    assert r.status_code == 409 and r.json()["code"] == "period.locked"
    events = _ok(client.get("/api/v1/audit-events", headers=hr, params={"limit": 50}))["data"]
    assert any(e["action"] == "reopen" and e["entity"] == "cycle_item" for e in events)
    assert any(e["action"] == "unlock" and e["entity"] == "bonus_allocation" for e in events)
    assert _ok(client.get(apath, headers=hr))["status"] == "proposed"  # pay that depends on the result is unlocked
    r = client.post(f"{apath}/approve", headers={**hr, "If-Match": _etag(client, hr, apath)}, json={})
    assert r.status_code == 409 and r.json()["code"] == "results.reopened"
    _ok(client.post(f"{path}/relock", headers={**hr, "If-Match": _etag(client, hr, path)}, json={"reason": "补录完成"}))
    pools = _ok(client.get("/api/v1/pay/pools", headers=hr))["data"]
    pool = next(p for p in pools if p["period_id"] == period)
    allocation = _ok(client.get(f"/api/v1/pay/pools/{pool['id']}/allocation", headers=hr))
    assert "Locked" in allocation["formula"]["results"]["en"]
    with session_scope(demo_url, write=False) as s:
        stored = {
            r.employee_id: (r.score, r.grade)
            for r in s.execute(select(PeriodResult).where(PeriodResult.period_id == period)).scalars()
        }
    for line in allocation["lines"]:
        assert (line["score"], line["grade"]) == stored[line["employee_id"]]
    again = client.post(f"{apath}/approve", headers={**hr, "If-Match": _etag(client, hr, apath)}, json={})
    assert _ok(again)["status"] == "approved"


def _ok_list(r: Any) -> list[dict[str, Any]]:
    assert r.status_code == 200, r.text
    return list(r.json())


def _login_of(
    tokens: dict[str, dict[str, str]], users: dict[str, Any], employee_id: int | None
) -> dict[str, str] | None:
    for name, (_, emp) in users.items():
        if emp == employee_id and name in tokens:
            return tokens[name]
    return None
