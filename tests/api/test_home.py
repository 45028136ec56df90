"""GET /api/v1/home, per role: HR and admin see the approvals, pools, cycles, failed imports and anomalies waiting;
a manager the people behind pace in their reporting line and their drafts; employees their own KPIs and their part
of an open cycle, nobody else's. Each section is compared with the route its own page reads (one computation).
Also the audit log's filters, paging and person names."""

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from core.db import session_scope
from core.tables import Employee, ImportJob, User

DATES = {
    "self_assessment_on": "2026-11-01",
    "manager_review_on": "2026-11-20",
    "calibration_on": "2026-11-23",
    "publish_on": "2026-11-25",
    "appeal_until": "2026-11-30",
    "lock_on": "2026-12-02",
}


def _ok(r: Any, status: int = 200) -> Any:
    assert r.status_code == status, r.text
    return r.json()


def _home(client: Any, headers: dict[str, str]) -> dict[str, Any]:
    return dict(_ok(client.get("/api/v1/home", headers=headers)))


def _period(client: Any, h: dict[str, str], code: str) -> int:
    rows = _ok(client.get("/api/v1/periods", headers=h, params={"limit": 200}))["data"]
    return int(next(p["id"] for p in rows if p["code"] == code))


def _failed_import(url: str) -> int:
    """A refused file, as the background import leaves it (status failed, its row errors in the report)."""
    with session_scope(url) as s:
        hr = s.execute(select(User).where(User.username == "hr")).scalar_one()
        job = ImportJob(
            kind="actuals",
            filename="actuals_bad.csv",
            path="/nonexistent",
            options={},
            status="failed",
            error="1 bad row",
            report={"code": "import.bad_rows", "errors": [{"line": 4, "msg": "not a number"}]},
            requested_by=hr.id,
        )
        s.add(job)
        s.flush()
        return int(job.id)


def test_hr_and_admin_see_what_waits_company_wide(client, tokens, demo_url) -> None:
    job = _failed_import(demo_url)
    for who in ("hr", "admin"):
        h = tokens[who]
        home = _home(client, h)
        assert home["role"] == who and home["today"] == "2026-11-18"
        pending = _ok(client.get("/api/v1/weight-proposals", headers=h, params={"limit": 200}))["data"]
        assert [w["proposal_id"] for w in home["weights"]] == sorted(
            p["id"] for p in pending if p["status"] == "pending"
        )
        assert home["weights"] and home["weights"][0]["department"]["name_zh"]
        pools = _ok(client.get("/api/v1/pay/pools", headers=h))["data"]
        for entry in home["pools"]:
            alloc = _ok(client.get(f"/api/v1/pay/pools/{entry['pool_id']}/allocation", headers=h))
            assert alloc["status"] == "proposed"
            assert entry["waiting_for_reviews"] == alloc["waiting_for_reviews"]
            assert entry["amount_fen"] == next(p["amount_fen"] for p in pools if p["id"] == entry["pool_id"])
        assert home["pools"], "the demo's allocation waits for approval"
        assert [i["job_id"] for i in home["imports"]] == [job] and home["imports"][0]["bad_rows"] == 1
        report = _ok(client.get("/api/v1/anomalies", headers=h))
        flags = _ok(client.get("/api/v1/home/anomalies", headers=h))
        assert flags["period"]["id"] == report["period"]["id"]
        assert sorted(f["code"] for f in flags["flags"]) == sorted(f["code"] for f in report["flags"])
        assert flags["flags"]
        for f in flags["flags"]:  # names, never codes like "E0032"
            assert "(" not in f["subject"]["name_zh"] and "E00" not in f["subject"]["name_en"]
        assert home["at_risk"] == [] and home["kpis"] == []


def test_a_manager_sees_their_people_at_risk_and_drafts_only(client, tokens) -> None:
    h = tokens["manager"]
    home = _home(client, h)
    assert home["weights"] == [] and home["pools"] == [] and home["imports"] == [] and home["cycles"] == []
    assert client.get("/api/v1/home/anomalies", headers=h).status_code == 403
    team = _ok(client.get("/api/v1/team/overview", headers=h))
    risky = [
        m["employee_id"]
        for m in team["members"]
        if m["pace"].get("behind", 0) or (m["lowest_probability_pct"] is not None and m["lowest_probability_pct"] < 50)
    ]
    assert [r["person"]["id"] for r in home["at_risk"]] == risky and risky
    behind = {m["employee_id"]: m["pace"].get("behind", 0) for m in team["members"]}
    assert all(r["behind"] == behind[r["person"]["id"]] for r in home["at_risk"])
    drafts = _ok(client.get("/api/v1/goal-drafts", headers=h, params={"status": "draft", "limit": 200}))["data"]
    assert [d["draft_id"] for d in home["drafts"]] == [d["id"] for d in drafts] and drafts
    plan = _ok(client.get("/api/v1/me/plan", headers=h))
    assert [(k["code"], k["pace"]) for k in home["kpis"]] == [(k["code"], k["pace"]) for k in plan["kpis"]]


def test_an_employee_sees_their_plan_and_their_own_cycle_part(client, tokens, demo_url) -> None:
    emp, emp2, hr, mgr = (tokens[u] for u in ("employee", "employee2", "hr", "manager"))
    home = _home(client, emp)
    assert home["role"] == "employee"
    assert client.get("/api/v1/home/anomalies", headers=emp).status_code == 403
    for section in ("weights", "pools", "imports", "at_risk", "drafts", "cycles"):
        assert home[section] == [], section
    plan = _ok(client.get("/api/v1/me/plan", headers=emp))
    assert home["plan_period"]["id"] == plan["current_period"]["id"]
    assert [(k["code"], k["actual"], k["pace"]) for k in home["kpis"]] == [
        (k["code"], k["actual"], k["pace"]) for k in plan["kpis"]
    ]
    assert home["cycle_tasks"] == []

    body = {"period_id": _period(client, hr, "2026-10"), "population": "company", "all_cadences": True, **DATES}
    cycle = _ok(client.post("/api/v1/review-cycles", headers=hr, json=body), 201)
    me = _ok(client.get("/api/v1/me", headers=emp))["employee_id"]
    mine = _home(client, emp)["cycle_tasks"]
    assert [(t["person"]["id"], t["stage"], t["mine"], t["due"]) for t in mine] == [
        (me, "self_assessment", True, "2026-11-19")
    ]
    assert all(t["person"]["id"] != me for t in _home(client, emp2)["cycle_tasks"])
    # HR sees the cycle with everyone late at self-assessment (nobody has written one yet).
    staff = next(c for c in _home(client, hr)["cycles"] if c["cycle_id"] == cycle["id"])
    items = _ok(client.get(f"/api/v1/review-cycles/{cycle['id']}/cockpit", headers=hr))
    late = sorted(i for d in items["late"] for i in d["employee_ids"])
    assert sorted(p["id"] for p in staff["late"]) == late and staff["people"] == items["people"]
    with session_scope(demo_url, write=False) as s:
        assert s.get(Employee, me) is not None
    assert all(t["mine"] for t in _home(client, mgr)["cycle_tasks"])  # no reviews to write before manager review


def test_the_audit_log_filters_pages_and_names_people(client, tokens) -> None:
    h = tokens["hr"]
    everything = _ok(client.get("/api/v1/audit-events", headers=h, params={"limit": 200}))
    assert everything["count"] > 5
    facets = _ok(client.get("/api/v1/audit-events/facets", headers=h))
    assert facets["timezone"] == "Asia/Shanghai" and "create" in facets["actions"]
    assert {"system", "manager"} <= {a["actor"] for a in facets["actors"]}
    manager = next(a for a in facets["actors"] if a["actor"] == "manager")
    assert manager["name_zh"]  # the person behind the login
    by_manager = _ok(client.get("/api/v1/audit-events", headers=h, params={"actor": "manager"}))
    assert by_manager["count"] >= 1 and all(e["actor"] == "manager" for e in by_manager["data"])
    assert all(e["actor_name_zh"] == manager["name_zh"] for e in by_manager["data"])
    created = _ok(
        client.get("/api/v1/audit-events", headers=h, params={"action": "create", "entity": "weight_proposal"})
    )
    assert created["count"] == 1 and created["data"][0]["entity"] == "weight_proposal"
    # Paging: two pages of 3 are the first 6 events, newest first, without overlap.
    first = _ok(client.get("/api/v1/audit-events", headers=h, params={"limit": 3}))["data"]
    second = _ok(client.get("/api/v1/audit-events", headers=h, params={"limit": 3, "offset": 3}))["data"]
    assert [e["id"] for e in first + second] == [e["id"] for e in everything["data"][:6]]
    # Days are the company's (Shanghai): the newest event's local day holds it, the day before does not.
    at = datetime.fromisoformat(everything["data"][0]["at"]).astimezone(ZoneInfo("Asia/Shanghai"))
    day, before = at.date().isoformat(), (at.date() - timedelta(days=1)).isoformat()
    on_day = _ok(client.get("/api/v1/audit-events", headers=h, params={"since": day, "until": day, "limit": 200}))
    assert everything["data"][0]["id"] in {e["id"] for e in on_day["data"]}
    stamps = [datetime.fromisoformat(e["at"]).astimezone(ZoneInfo("Asia/Shanghai")).date() for e in on_day["data"]]
    assert all(d == at.date() for d in stamps)
    assert _ok(client.get("/api/v1/audit-events", headers=h, params={"until": before}))["count"] == sum(
        1
        for e in everything["data"]
        if datetime.fromisoformat(e["at"]).astimezone(ZoneInfo("Asia/Shanghai")).date() < at.date()
    )
    assert client.get("/api/v1/audit-events/facets", headers=tokens["manager"]).status_code == 403
    assert client.get("/api/v1/audit-events", headers=tokens["employee"], params={"actor": "hr"}).status_code == 403


def test_home_needs_a_login(client) -> None:
    assert client.get("/api/v1/home").status_code == 401
