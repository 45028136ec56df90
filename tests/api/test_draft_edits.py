"""A draft is always editable: a target outside its forecast range is advice (kept and flagged), not a bound
that refuses every later edit; only numbers the user sends that contradict each other are refused, by name."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from core.clock import get_clock
from core.db import session_scope
from core.tables import Department, GoalDraft, Period
from tests.api.helpers import json_object
from tests.conftest import demo_logins, make_settings

API = "/api/v1/goal-drafts"


@pytest.fixture(scope="module")
def api(demo_url: str) -> Iterator[TestClient]:
    from api.app import create_app

    with TestClient(create_app(make_settings(demo_url)), raise_server_exceptions=False) as c:
        yield c


@pytest.fixture(scope="module")
def auth(api: TestClient) -> dict[str, dict[str, str]]:
    return demo_logins(api)


def _fresh_draft(api: TestClient, auth: dict[str, dict[str, str]], demo_url: str) -> dict[str, Any]:
    today = get_clock().today()
    with session_scope(demo_url, write=False) as s:
        ops = s.execute(select(Department.id).where(Department.code == "ops")).scalar_one()
        quarter = s.execute(
            select(Period.id).where(Period.kind == "quarter", Period.start_date <= today, Period.end_date >= today)
        ).scalar_one()
    r = api.post(API, headers=auth["manager"], json={"department_id": ops, "period_id": quarter, "again": True})
    assert r.status_code == 201, r.text
    return json_object(r)


def _put_target_outside_its_range(demo_url: str, draft_id: int) -> str:
    """What a forecast can produce: a KPI whose target lies outside its own range (the target stays the KR's)."""
    with session_scope(demo_url) as s:
        row = s.get(GoalDraft, draft_id)
        assert row is not None
        body = copy.deepcopy(row.draft)  # a new object, or the JSON column would not see the change
        dept = next(d for d in body["departments"] if d["code"] == "ops")
        k = dept["kpis"][0]
        k["target"] = {**k["target"], "value": -13.6, "low": -10.5, "high": 11.2}
        row.draft = body
        return str(k["code"])


def test_a_target_outside_its_range_does_not_block_other_edits(api, auth, demo_url) -> None:
    draft = _fresh_draft(api, auth, demo_url)
    code = _put_target_outside_its_range(demo_url, draft["id"])
    url = f"{API}/{draft['id']}"
    got = api.get(url, headers=auth["manager"])
    kpis = got.json()["draft"]["department"]["kpis"]
    assert {k["code"]: k for k in kpis}[code]["target"]["value"] == -13.6
    a, b = kpis[1], kpis[2]
    # A weights-only edit of other KPIs goes through; the untouched target is kept and flagged.
    swap = {"kpis": [{"code": a["code"], "weight": a["weight"] + 5}, {"code": b["code"], "weight": b["weight"] - 5}]}
    r = api.patch(url, headers={**auth["manager"], "If-Match": got.headers["ETag"]}, json=swap)
    assert r.status_code == 200, r.text
    edited = {k["code"]: k for k in r.json()["draft"]["department"]["kpis"]}
    assert edited[code]["target"]["value"] == -13.6
    with session_scope(demo_url, write=False) as s:
        stored = s.get(GoalDraft, draft["id"])
        assert stored is not None
        flags = stored.draft["flags"]
    assert any(f.startswith(f"target_outside_range:ops:{code}") for f in flags), flags
    # A no-op edit (the same weight again) goes through too.
    same = {"kpis": [{"code": a["code"], "weight": a["weight"] + 5}]}
    r2 = api.patch(url, headers={**auth["manager"], "If-Match": r.headers["ETag"]}, json=same)
    assert r2.status_code == 200, r2.text
    # Setting the target inside the range clears its flag.
    inside = {"kpis": [{"code": code, "target": 1.0}]}
    r3 = api.patch(url, headers={**auth["manager"], "If-Match": r2.headers["ETag"]}, json=inside)
    assert r3.status_code == 200, r3.text
    with session_scope(demo_url, write=False) as s:
        stored = s.get(GoalDraft, draft["id"])
        assert stored is not None
        flags = stored.draft["flags"]
    assert not any(f.startswith(f"target_outside_range:ops:{code}") for f in flags), flags


def test_numbers_sent_out_of_order_are_refused_by_name(api, auth, demo_url) -> None:
    draft = _fresh_draft(api, auth, demo_url)
    url = f"{API}/{draft['id']}"
    got = api.get(url, headers=auth["manager"])
    code = got.json()["draft"]["department"]["kpis"][0]["code"]
    bad = {"kpis": [{"code": code, "target_low": 9, "target": 5, "target_high": 12}]}
    r = api.patch(url, headers={**auth["manager"], "If-Match": got.headers["ETag"]}, json=bad)
    assert r.status_code == 422
    assert code in r.text and "low 9, target 5, high 12" in r.text
    assert api.get(url, headers=auth["manager"]).headers["ETag"] == got.headers["ETag"]  # nothing changed
