"""Weight proposals through the API: roles, If-Match (428/412/409), idempotent retries, edited weights,
versioned weight sets, audit, and fifty concurrent approvals. Runs on its own freshly loaded demo database
per backend, so the shared demo (fuzzed by other tests) cannot decide the demo proposal first."""

import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from core.clock import get_clock
from core.db import session_scope
from core.tables import AuditEvent, KpiAssignment, WeightSet
from tests.api.helpers import json_object
from tests.conftest import demo_logins, make_settings

URL = "/api/v1/weight-proposals"


@pytest.fixture(scope="module")
def wdb(demo_url: str) -> str:
    """This module's own copy of the demo company: decisions add weight sets."""
    return demo_url


@pytest.fixture(scope="module")
def wapp(wdb: str) -> FastAPI:
    from api.app import create_app

    return create_app(make_settings(wdb))


@pytest.fixture(scope="module")
def wc(wapp: FastAPI) -> Iterator[TestClient]:
    with TestClient(wapp, raise_server_exceptions=False) as c:
        yield c


@pytest.fixture(scope="module")
def who(wc: TestClient) -> dict[str, dict[str, str]]:
    return demo_logins(wc)


@pytest.fixture(scope="module")
def depts(wc: TestClient, who: dict[str, dict[str, str]]) -> dict[str, int]:
    r = wc.get("/api/v1/departments", headers=who["hr"], params={"limit": 200})
    return {d["code"]: d["id"] for d in r.json()["data"]}


def _propose(wc: TestClient, who: dict[str, dict[str, str]], dept_id: int, **extra: Any) -> dict[str, Any]:
    r = wc.post(URL, headers=who["hr"], json={"department_id": dept_id, **extra})
    assert r.status_code == 201, r.text
    assert r.headers["etag"] == f'"{r.json()["version"]}"'
    return json_object(r)


def _next_month_code() -> str:
    today = get_clock().today()
    return f"{today.year + (today.month == 12):04d}-{today.month % 12 + 1:02d}"


def _assignments_fingerprint(url: str) -> tuple[int, float]:
    with session_scope(url, write=False) as s:
        row = s.execute(select(func.count(KpiAssignment.id), func.sum(KpiAssignment.weight))).one()
    return int(row[0]), float(row[1])


def test_fresh_demo_has_a_pending_ops_proposal_that_hr_approves(wc, who, depts, wdb) -> None:
    listed = wc.get(URL, headers=who["hr"], params={"status": "pending"}).json()
    demo = [p for p in listed["data"] if p["created_by_name"] == "system"]
    assert len(demo) == 1 and demo[0]["department_id"] == depts["ops"]
    detail = wc.get(f"{URL}/{demo[0]['id']}", headers=who["hr"])
    body, etag = detail.json(), detail.headers["etag"]
    evidence = body["evidence"]
    assert evidence["method"]["en"] and evidence["method"]["zh"]
    group = evidence["groups"]["all"]
    assert group["n"] == 24 and set(group["weights_ci"]) == set(body["proposed_weights"])
    assert abs(sum(body["proposed_weights"].values()) - 100) < 1e-9
    # The demo's true ops weights are conversion 50 / traffic 30 / campaign 20: the proposal ranks them so.
    w = body["proposed_weights"]
    assert w["conversion_rate"] > w["traffic_growth"] > w["campaign_result"] > w["new_product_plan"]
    assert group["cv_score"]["proposal"] > group["cv_score"]["current"]
    before_sets = wc.get(f"/api/v1/departments/{depts['ops']}/weight-sets", headers=who["hr"]).json()
    before_assignments = _assignments_fingerprint(wdb)

    ok = wc.post(f"{URL}/{body['id']}/approve", headers={**who["hr"], "If-Match": etag}, json={"note": "evidence ok"})
    assert ok.status_code == 200, ok.text
    decided = ok.json()
    assert decided["status"] == "approved" and decided["decided_by_name"] == "hr"
    assert decided["approved_weights"] == body["proposed_weights"]
    assert decided["effective_period"] == _next_month_code()
    assert ok.headers["etag"] == f'"{decided["version"]}"' != etag

    sets = wc.get(f"/api/v1/departments/{depts['ops']}/weight-sets", headers=who["hr"]).json()
    assert sets["count"] == before_sets["count"] + 1
    newest, previous = sets["data"][0], sets["data"][1]
    assert newest["version"] == previous["version"] + 1 == decided["weight_set_version"]
    assert newest["weights"] == body["proposed_weights"] and newest["source_proposal_id"] == body["id"]
    assert previous == before_sets["data"][0]  # the old version stays readable, unchanged
    assert _assignments_fingerprint(wdb) == before_assignments  # past scores never change

    with session_scope(wdb, write=False) as s:
        events = (
            s.execute(
                select(AuditEvent).where(
                    AuditEvent.entity == "weight_proposal", AuditEvent.entity_id == str(body["id"])
                )
            )
            .scalars()
            .all()
        )
    # One decision, one audit event: the approval names the weight set it created and the evidence shown.
    assert sorted(e.action for e in events) == ["approve", "create"]
    actions = {e.action: e for e in events}
    approved, created = actions["approve"].after or {}, actions["create"].after or {}
    assert actions["approve"].actor == "hr" and approved["evidence_shown"]["cv_score"]
    assert approved["weight_set"]["version"] == decided["weight_set_version"] and approved["status"] == "approved"
    assert created["evidence"]["method"]["en"] == evidence["method"]["en"]
    verify = wc.get("/api/v1/audit-events/verify", headers=who["admin"]).json()
    assert verify["ok"] is True, verify["problems"]


def test_access_by_role(wc, who, depts) -> None:
    cs = _propose(wc, who, depts["cs"])
    ops = _propose(wc, who, depts["ops"])
    no_token = wc.get(URL)
    assert no_token.status_code == 401
    for emp in ("employee", "employee2"):
        h = who[emp]
        assert wc.get(URL, headers=h).status_code == 403
        assert wc.get(f"{URL}/{ops['id']}", headers=h).status_code == 403
        assert wc.post(URL, headers=h, json={"department_id": depts["ops"]}).status_code == 403
        assert wc.post(f"{URL}/{ops['id']}/approve", headers={**h, "If-Match": '"1"'}, json={}).status_code == 403
        assert wc.get(f"/api/v1/departments/{depts['ops']}/weight-sets", headers=h).status_code == 403
    m = who["manager"]  # head of operations
    seen = wc.get(URL, headers=m, params={"limit": 200}).json()
    assert seen["data"] and {p["department_id"] for p in seen["data"]} == {depts["ops"]}
    assert wc.get(f"{URL}/{ops['id']}", headers=m).status_code == 200
    hidden = wc.get(f"{URL}/{cs['id']}", headers=m)
    missing = wc.get(f"{URL}/2000000000", headers=m)
    assert hidden.status_code == missing.status_code == 404
    assert wc.get(f"/api/v1/departments/{depts['ops']}/weight-sets", headers=m).status_code == 200
    assert wc.get(f"/api/v1/departments/{depts['cs']}/weight-sets", headers=m).status_code == 404
    assert wc.post(URL, headers=m, json={"department_id": depts["ops"]}).status_code == 403
    assert wc.post(f"{URL}/{ops['id']}/reject", headers={**m, "If-Match": '"1"'}, json={}).status_code == 403
    for boss in ("hr", "admin"):
        ids = {p["id"] for p in wc.get(URL, headers=who[boss], params={"limit": 200}).json()["data"]}
        assert {cs["id"], ops["id"]} <= ids
        assert wc.get(f"{URL}/{cs['id']}", headers=who[boss]).status_code == 200
        assert wc.get(f"/api/v1/departments/{depts['cs']}/weight-sets", headers=who[boss]).status_code == 200


def test_create_is_idempotent_and_refusals_are_422(wc, who, depts, wdb) -> None:
    h = {**who["admin"], "Idempotency-Key": uuid.uuid4().hex}
    first = wc.post(URL, headers=h, json={"department_id": depts["live"]})
    again = wc.post(URL, headers=h, json={"department_id": depts["live"]})
    assert first.status_code == again.status_code == 201 and first.json() == again.json()
    assert wc.post(URL, headers=h, json={"department_id": depts["hr"]}).status_code == 409  # key reused
    live = wc.get(URL, headers=who["hr"], params={"department_id": depts["live"], "limit": 200}).json()
    assert [p["id"] for p in live["data"]] == [first.json()["id"]]
    impossible = wc.post(URL, headers=who["hr"], json={"department_id": depts["ops"], "min_weight": 30})
    assert impossible.status_code == 422 and "cannot sum to 100" in impossible.json()["detail_en"]
    no_outcome = wc.post(URL, headers=who["hr"], json={"department_id": depts["hq"]})
    assert no_outcome.status_code == 422 and no_outcome.json()["errors"][0]["type"] == "MissingOutcomeError"
    assert wc.post(URL, headers=who["hr"], json={"department_id": 2_000_000_000}).status_code == 404
    assert wc.post(URL, headers=who["hr"], json={"department_id": depts["ops"], "bonus": 1}).status_code == 422


def test_decisions_need_a_current_if_match_and_happen_once(wc, who, depts) -> None:
    p = _propose(wc, who, depts["warehouse"])
    url, h = f"{URL}/{p['id']}", who["hr"]
    assert wc.post(f"{url}/approve", headers=h, json={}).status_code == 428
    assert wc.post(f"{url}/reject", headers=h, json={}).status_code == 428
    assert wc.post(f"{url}/approve", headers={**h, "If-Match": '"99"'}, json={}).status_code == 412
    etag = wc.get(url, headers=h).headers["etag"]
    rejected = wc.post(f"{url}/reject", headers={**h, "If-Match": etag}, json={"note": "wait a quarter"})
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    assert rejected.json()["weight_set_version"] is None
    new_etag = wc.get(url, headers=h).headers["etag"]
    again = wc.post(f"{url}/approve", headers={**h, "If-Match": new_etag}, json={})
    assert again.status_code == 409 and again.headers["content-type"] == "application/problem+json"
    assert wc.post(f"{url}/reject", headers={**h, "If-Match": etag}, json={}).status_code == 409
    sets = wc.get(f"/api/v1/departments/{depts['warehouse']}/weight-sets", headers=h).json()
    assert all(s["source_proposal_id"] != p["id"] for s in sets["data"])


def test_approve_retry_with_the_same_idempotency_key_is_safe(wc, who, depts, wdb) -> None:
    p = _propose(wc, who, depts["design"])
    h = {**who["hr"], "If-Match": f'"{p["version"]}"', "Idempotency-Key": uuid.uuid4().hex}
    first = wc.post(f"{URL}/{p['id']}/approve", headers=h, json={"note": "go"})
    retry = wc.post(f"{URL}/{p['id']}/approve", headers=h, json={"note": "go"})
    assert first.status_code == retry.status_code == 200
    assert first.json() == retry.json() and first.headers["etag"] == retry.headers["etag"]
    with session_scope(wdb, write=False) as s:
        made = s.execute(select(func.count(WeightSet.id)).where(WeightSet.source_proposal_id == p["id"])).scalar()
    assert made == 1
    other_body = wc.post(f"{URL}/{p['id']}/approve", headers=h, json={"note": "different"})
    assert other_body.status_code == 409


def test_edited_weights_must_keep_the_constraints(wc, who, depts) -> None:
    p = _propose(wc, who, depts["ads"])
    url, h = f"{URL}/{p['id']}/approve", {**who["hr"], "If-Match": f'"{p["version"]}"'}
    codes = list(p["proposed_weights"])
    assert len(codes) == 5
    good = dict(zip(codes, [30.0, 25.0, 20.0, 15.0, 10.0], strict=True))
    bad_cases = {
        "sum": {**good, codes[0]: 29.0},
        "below": {**good, codes[3]: 4.0, codes[4]: 21.0},
        "above": {**good, codes[0]: 41.0, codes[1]: 14.0},
        "unknown": {**good, "not_an_indicator": 0.0},
        "missing": {c: w for c, w in good.items() if c != codes[4]} | {codes[0]: 40.0},
    }
    for case, weights in bad_cases.items():
        r = wc.post(url, headers=h, json={"weights": weights})
        assert r.status_code == 422, (case, r.text)
        assert r.json()["errors"], case
    nan = '{"weights": {' + ", ".join(f'"{c}": ' + ("NaN" if c == codes[0] else str(w)) for c, w in good.items()) + "}}"
    r = wc.post(url, headers={**h, "Content-Type": "application/json"}, content=nan.encode())
    assert r.status_code == 422, r.text
    assert wc.get(f"{URL}/{p['id']}", headers=who["hr"]).json()["status"] == "pending"
    ok = wc.post(url, headers=h, json={"weights": good, "note": "HR keeps ROAS at 30"})
    assert ok.status_code == 200, ok.text
    assert ok.json()["approved_weights"] == good
    newest = wc.get(f"/api/v1/departments/{depts['ads']}/weight-sets", headers=who["hr"]).json()["data"][0]
    assert newest["weights"] == good and newest["source_proposal_id"] == p["id"]


def test_fifty_concurrent_approvals_give_exactly_one_success(wapp, wc, who, depts, wdb) -> None:
    p = _propose(wc, who, depts["hr"])
    url, h = f"{URL}/{p['id']}/approve", {**who["hr"], "If-Match": f'"{p["version"]}"'}

    def approve(i: int) -> int:
        # One client per thread: TestClient is not meant to be shared across threads.
        with TestClient(wapp, raise_server_exceptions=False) as client:
            return client.post(url, headers=h, json={"note": f"attempt {i}"}).status_code

    with ThreadPoolExecutor(max_workers=12) as pool:
        codes = Counter(pool.map(approve, range(50)))
    assert codes[200] == 1, codes
    assert set(codes) <= {200, 409, 412}, codes
    with session_scope(wdb, write=False) as s:
        made = s.execute(select(func.count(WeightSet.id)).where(WeightSet.source_proposal_id == p["id"])).scalar()
    assert made == 1
    verify = wc.get("/api/v1/audit-events/verify", headers=who["hr"]).json()
    assert verify["ok"] is True, verify["problems"]


def test_outcomes_can_be_read_and_replaced(wc, who, depts) -> None:
    path = f"/api/v1/departments/{depts['cs']}/outcomes"
    got = wc.get(path, headers=who["hr"]).json()
    assert got["count"] == 24
    first = got["data"][0]
    put = wc.put(path, headers=who["hr"], json={"outcomes": [{"period_id": first["period_id"], "value": 101.5}]})
    assert put.status_code == 200 and put.json()["imported"] == 1
    assert wc.get(path, headers=who["hr"]).json()["data"][0]["value"] == 101.5
    assert wc.put(path, headers=who["manager"], json={"outcomes": [{"period_id": 1, "value": 1}]}).status_code == 403
    assert wc.get(path, headers=who["manager"]).status_code == 404
    bad = wc.put(path, headers=who["hr"], json={"outcomes": [{"period_id": 2_000_000_000, "value": 1}]})
    assert bad.status_code == 422


def test_a_retried_approval_after_a_lost_response_gets_the_first_answer(wc, who, depts, wdb) -> None:
    """The decision and its Idempotency-Key record are one transaction: if the record cannot be written, the
    decision is not kept either, so the client's retry does the work and then keeps getting that one answer."""
    from sqlalchemy import event

    from core.tables import IdempotencyRecord, WeightProposal

    p = _propose(wc, who, depts["live"])
    url, key = f"{URL}/{p['id']}/approve", f"approve-{uuid.uuid4()}"
    headers = {**who["hr"], "If-Match": f'"{p["version"]}"', "Idempotency-Key": key}

    def lose_the_record(*_args: object) -> None:
        raise RuntimeError("connection lost while writing the idempotency record")

    event.listen(IdempotencyRecord, "before_insert", lose_the_record, once=True)
    try:
        lost = wc.post(url, headers=headers, json={"note": "first try"})
    finally:
        if event.contains(IdempotencyRecord, "before_insert", lose_the_record):
            event.remove(IdempotencyRecord, "before_insert", lose_the_record)
    assert lost.status_code == 500
    with session_scope(wdb, write=False) as s:
        kept = s.get(WeightProposal, p["id"])
        assert kept is not None and kept.status == "pending" and kept.version == p["version"]  # nothing half-done

    first = wc.post(url, headers=headers, json={"note": "first try"})
    assert first.status_code == 200, first.text
    # The response is lost on the way back; the client retries with the same key and the same If-Match.
    retry = wc.post(url, headers=headers, json={"note": "first try"})
    assert retry.status_code == 200 and retry.json() == first.json()
    assert retry.headers["etag"] == first.headers["etag"]
    with session_scope(wdb, write=False) as s:
        sets = s.execute(select(func.count(WeightSet.id)).where(WeightSet.source_proposal_id == p["id"])).scalar()
    assert sets == 1
