"""Every decision route runs the one write path (workflows/shared/decisions.py): no If-Match is 428, a stale one
412, a retry with the same Idempotency-Key replays the first answer, a decided row refuses another decision
(409), concurrent twins give exactly one success, and each decision leaves exactly one audit event.

Parametrised over the routes: a new decision route is covered by adding a `Route` to ROUTES."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from core.clock import get_clock
from core.db import session_scope
from core.tables import AuditEvent, Department, Period, User
from tests.api.helpers import plant_review
from tests.conftest import demo_logins, make_settings

Target = tuple[str, dict[str, Any], str]  # decision URL, body, URL that reads the row (its ETag)


@dataclass(frozen=True)
class Route:
    name: str
    method: str
    user: str
    entity: str  # the audited entity
    make: Callable[[TestClient, dict[str, dict[str, str]], str], Target]  # a fresh row open to the decision
    close: Callable[[TestClient, dict[str, dict[str, str]], str], None] | None = None  # for edits: end the row


@pytest.fixture(scope="module")
def api(demo_url: str) -> Iterator[TestClient]:
    from api.app import create_app

    settings = make_settings(demo_url, request_queue=50, request_queue_wait_s=30, jobs_embedded=False)
    with TestClient(create_app(settings), raise_server_exceptions=False) as c:
        yield c


@pytest.fixture(scope="module")
def auth(api: TestClient) -> dict[str, dict[str, str]]:
    return demo_logins(api)


def _db_ids(demo_url: str) -> dict[str, Any]:
    today = get_clock().today()
    with session_scope(demo_url, write=False) as s:
        depts = dict(s.execute(select(Department.code, Department.id)).all())
        users = {u.username: u.employee_id for u in s.execute(select(User)).scalars()}
        quarter = s.execute(
            select(Period.id).where(Period.kind == "quarter", Period.start_date <= today, Period.end_date >= today)
        ).scalar_one()
        months = list(
            s.execute(
                select(Period.id).where(Period.kind == "month", Period.end_date < today).order_by(Period.start_date)
            ).scalars()
        )
    return {"depts": depts, "users": users, "quarter": quarter, "months": months}


# --- fresh rows --------------------------------------------------------------------------------------------
def _proposal(api: TestClient, auth: dict[str, dict[str, str]], demo_url: str) -> str:
    r = api.post(
        "/api/v1/weight-proposals", headers=auth["hr"], json={"department_id": _db_ids(demo_url)["depts"]["cs"]}
    )
    assert r.status_code == 201, r.text
    return f"/api/v1/weight-proposals/{r.json()['id']}"


# Each draft that gets published needs a department of its own (a period's goals are published once).
_draft_departments: dict[str, list[str]] = {}  # per database: each backend's run has its own demo copy


def _draft(api: TestClient, auth: dict[str, dict[str, str]], demo_url: str) -> tuple[str, dict[str, Any]]:
    ids = _db_ids(demo_url)
    left = _draft_departments.setdefault(demo_url, ["cs", "design", "warehouse", "ads", "live", "ops"])
    dept = ids["depts"][left.pop()]
    body = {"department_id": dept, "period_id": ids["quarter"], "lang": "zh", "again": True}
    r = api.post("/api/v1/goal-drafts", headers=auth["hr"], json=body)
    assert r.status_code in (200, 201), r.text
    return f"/api/v1/goal-drafts/{r.json()['id']}", r.json()


_used_months: dict[str, list[int]] = {}  # per database, like the departments above


def _allocation(api: TestClient, auth: dict[str, dict[str, str]], demo_url: str) -> tuple[str, dict[str, Any]]:
    """A pool on an earlier month of its own, with the reviews its flags raised confirmed (they would block)."""
    used = _used_months.setdefault(demo_url, [])
    months = [m for m in _db_ids(demo_url)["months"][-6:-1] if m not in used]
    period = months[-1]
    used.append(period)
    r = api.post("/api/v1/pay/pools", headers=auth["hr"], json={"period_id": period, "amount_fen": 10_000_000})
    assert r.status_code == 201, r.text
    items = api.get("/api/v1/pay/reviews", params={"status": "open", "period_id": period}, headers=auth["admin"])
    for item in items.json()["data"]:
        got = api.get(f"/api/v1/pay/reviews/{item['id']}", headers=auth["admin"])
        headers = {**auth["admin"], "If-Match": got.headers["ETag"]}
        done = api.post(
            f"/api/v1/pay/reviews/{item['id']}/decide", json={"decision": "confirm", "reason": "ok"}, headers=headers
        )
        assert done.status_code == 200, done.text
    url = f"/api/v1/pay/allocations/{r.json()['allocation']['id']}"
    return url, api.get(url, headers=auth["hr"]).json()


def make_approve_proposal(api: TestClient, auth: dict[str, dict[str, str]], demo_url: str) -> Target:
    url = _proposal(api, auth, demo_url)
    return f"{url}/approve", {}, url


def make_reject_proposal(api: TestClient, auth: dict[str, dict[str, str]], demo_url: str) -> Target:
    url = _proposal(api, auth, demo_url)
    return f"{url}/reject", {"note": "先不调整"}, url


def make_publish_draft(api: TestClient, auth: dict[str, dict[str, str]], demo_url: str) -> Target:
    url, _ = _draft(api, auth, demo_url)
    return f"{url}/publish", {}, url


def make_edit_draft(api: TestClient, auth: dict[str, dict[str, str]], demo_url: str) -> Target:
    url, draft = _draft(api, auth, demo_url)
    kpis = draft["draft"]["department"]["kpis"]
    first, second = kpis[0], kpis[1]
    body = {
        "kpis": [
            {"code": first["code"], "weight": first["weight"] + 5},
            {"code": second["code"], "weight": second["weight"] - 5},
        ]
    }
    return url, body, url


def close_draft(api: TestClient, auth: dict[str, dict[str, str]], url: str) -> None:
    etag = api.get(url, headers=auth["hr"]).headers["ETag"]
    r = api.post(f"{url}/publish", headers={**auth["hr"], "If-Match": etag})
    assert r.status_code == 200, r.text


def make_approve_allocation(api: TestClient, auth: dict[str, dict[str, str]], demo_url: str) -> Target:
    url, _ = _allocation(api, auth, demo_url)
    return f"{url}/approve", {"note": "同意"}, url


def make_edit_allocation(api: TestClient, auth: dict[str, dict[str, str]], demo_url: str) -> Target:
    url, alloc = _allocation(api, auth, demo_url)
    paid = [x for x in alloc["lines"] if x["amount_fen"] > 0 and x["employee_id"] != _db_ids(demo_url)["users"]["hr"]]
    a, b = paid[0], paid[1]
    lines = [
        {"employee_id": a["employee_id"], "amount_fen": a["amount_fen"] - 1},
        {"employee_id": b["employee_id"], "amount_fen": b["amount_fen"] + 1},
    ]
    return url, {"lines": lines, "retained_fen": alloc["retained_fen"], "note": "移一分"}, url


def close_allocation(api: TestClient, auth: dict[str, dict[str, str]], url: str) -> None:
    etag = api.get(url, headers=auth["hr"]).headers["ETag"]
    assert api.post(f"{url}/approve", json={}, headers={**auth["hr"], "If-Match": etag}).status_code == 200


def make_decide_review(api: TestClient, auth: dict[str, dict[str, str]], demo_url: str) -> Target:
    ids = _db_ids(demo_url)
    item_id = plant_review(demo_url, ids["months"][-1], ids["users"]["manager"], [ids["users"]["employee"]])
    url = f"/api/v1/pay/reviews/{item_id}"
    return f"{url}/decide", {"decision": "confirm", "reason": "核对无误"}, url


ROUTES = [
    Route("approve weight proposal", "POST", "hr", "weight_proposal", make_approve_proposal),
    Route("reject weight proposal", "POST", "hr", "weight_proposal", make_reject_proposal),
    Route("publish goal draft", "POST", "hr", "goal_draft", make_publish_draft),
    Route("edit goal draft", "PATCH", "hr", "goal_draft", make_edit_draft, close_draft),
    Route("approve allocation", "POST", "hr", "bonus_allocation", make_approve_allocation),
    Route("edit allocation", "PATCH", "hr", "bonus_allocation", make_edit_allocation, close_allocation),
    Route("decide second review", "POST", "admin", "review_item", make_decide_review),
]


def _events(demo_url: str, entity: str, entity_id: str) -> int:
    with session_scope(demo_url, write=False) as s:
        return int(
            s.execute(
                select(func.count()).where(AuditEvent.entity == entity, AuditEvent.entity_id == entity_id)
            ).scalar_one()
        )


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
def test_one_write_path(api: TestClient, auth: dict[str, dict[str, str]], demo_url: str, route: Route) -> None:
    url, body, read = route.make(api, auth, demo_url)
    who = auth[route.user]
    send = lambda headers: api.request(route.method, url, json=body, headers={**who, **headers})  # noqa: E731
    etag = api.get(read, headers=who).headers["ETag"]
    row_id = read.rstrip("/").rsplit("/", 1)[-1]
    assert send({}).status_code == 428
    stale = send({"If-Match": '"999"'})
    assert stale.status_code == 412 and stale.headers["content-type"].startswith("application/problem+json")
    before = _events(demo_url, route.entity, row_id)
    first = send({"If-Match": etag, "Idempotency-Key": f"k-{route.name}"})
    assert first.status_code == 200, first.text
    assert first.headers["ETag"] != etag
    assert _events(demo_url, route.entity, row_id) == before + 1  # one decision, one audit event
    # A retry with the same key replays the first answer (even though the If-Match it carries is now stale).
    again = send({"If-Match": etag, "Idempotency-Key": f"k-{route.name}"})
    assert again.status_code == 200 and again.json() == first.json()
    assert _events(demo_url, route.entity, row_id) == before + 1
    # A new request with the old version: a decided row says so (409), an edited one that it is stale (412).
    assert send({"If-Match": etag, "Idempotency-Key": f"k2-{route.name}"}).status_code == (
        409 if route.close is None else 412
    )
    if route.close is not None:
        route.close(api, auth, read)
    current = api.get(read, headers=who).headers["ETag"]
    closed = send({"If-Match": current, "Idempotency-Key": f"k3-{route.name}"})
    assert closed.status_code == 409, closed.text
    # the refusal is data with words: a Chinese sentence that names no id, code or status
    body = closed.json()
    assert body["code"] and body["detail_en"] and "不能" in body["detail_zh"], body
    assert not re.search(r"[a-z]+_[a-z]+|\d{2,}", body["detail_zh"]), body


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
def test_concurrent_twins_give_one_success(
    api: TestClient, auth: dict[str, dict[str, str]], demo_url: str, route: Route
) -> None:
    url, body, read = route.make(api, auth, demo_url)
    who = auth[route.user]
    etag = api.get(read, headers=who).headers["ETag"]
    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(
            pool.map(
                lambda i: api.request(
                    route.method,
                    url,
                    json=body,
                    headers={**who, "If-Match": etag, "Idempotency-Key": f"twin-{route.name}-{i}"},
                ),
                range(4),
            )
        )
    codes = [a.status_code for a in answers]
    assert codes.count(200) == 1, [a.text for a in answers]
    assert set(codes) <= {200, 409, 412}, codes


def test_pages_check_with_the_servers_rules(api: TestClient, auth: dict[str, dict[str, str]]) -> None:
    """The rules a page checks as the user types come from the code that enforces them, not from copies."""
    from pathlib import Path

    from assistant.guards import MAX_KPIS
    from kpi.rules import WEIGHT_SUM_TOLERANCE, WEIGHT_TOTAL

    r = api.get("/api/v1/rules", headers=auth["employee"])
    assert r.status_code == 200, r.text
    assert r.json() == {
        "weight_total": WEIGHT_TOTAL,
        "weight_sum_tolerance": WEIGHT_SUM_TOLERANCE,
        "min_kpis": 1,
        "max_kpis": MAX_KPIS,
    }
    pages = Path(__file__).resolve().parents[2] / "api" / "web" / "static" / "pages"
    for name in ("drafts.js", "weights.js"):
        text = (pages / name).read_text(encoding="utf-8")
        assert "scorecardRules" in text and "MAX_KPIS" not in text and "sum - 100" not in text, name
