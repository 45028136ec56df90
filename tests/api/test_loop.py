"""The loop over the API, end to end: HR approves weights -> a manager's draft starts the all-shops forecast ->
the next draft carries forecast ranges, the chance of each sales target and the approved weights -> edit ->
publish (assignments record the weight-set version) -> a month later the calendar rolls scorecards with
the new weights -> a quarter later actuals are imported and the scores use those weights; the same for an
indicator HR added through the API."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from core.clock import clock_for
from core.db import session_scope
from core.tables import Department, DepartmentOutcome, Employee, GoalDraft, Indicator, KpiAssignment, Period, User
from tests.api.helpers import settled_job
from tests.conftest import demo_logins, make_settings
from workflows.goals.calendar import run_calendar
from workflows.weights.data import reweighted

NEXT_QUARTER = "2027-Q1"


def _client(url: str, today: str) -> TestClient:
    from api.app import create_app

    return TestClient(create_app(make_settings(url, today=today)), raise_server_exceptions=False)


@pytest.fixture(scope="module")
def now(demo_url: str) -> Iterator[tuple[TestClient, dict[str, dict[str, str]]]]:
    with _client(demo_url, "2026-11-18T10:00:00+08:00") as c:
        yield c, demo_logins(c)


def _ids(url: str) -> dict[str, int]:
    with session_scope(url, write=False) as s:
        out = dict(s.execute(select(Department.code, Department.id)).all())
        out["q1"] = s.execute(select(Period.id).where(Period.code == NEXT_QUARTER)).scalar_one()
        employee = s.execute(select(User.employee_id).where(User.username == "employee")).scalar_one()
        assert employee is not None
        out["employee"] = employee
    return out


def test_the_loop_from_weights_to_scores(now, demo_url) -> None:
    api, auth = now
    ids = _ids(demo_url)

    # 1. HR approves the pending operations proposal: a new weight set from next month (2026-12).
    pending = api.get("/api/v1/weight-proposals", headers=auth["hr"], params={"status": "pending"}).json()["data"]
    proposal = next(p for p in pending if p["department_id"] == ids["ops"])
    detail = api.get(f"/api/v1/weight-proposals/{proposal['id']}", headers=auth["hr"])
    assert len(detail.json()["proposed_weights"]) <= 5  # a proposal covers a scorecard: at most 5 KPIs
    ok = api.post(
        f"/api/v1/weight-proposals/{proposal['id']}/approve",
        headers={**auth["hr"], "If-Match": detail.headers["etag"]},
        json={"note": "loop"},
    )
    assert ok.status_code == 200, ok.text
    approved, version = ok.json()["approved_weights"], ok.json()["weight_set_version"]
    assert ok.json()["effective_period"] == "2026-12"

    # 2. The manager asks for next quarter's draft: no range yet, so the draft starts an all-shops forecast.
    body = {"department_id": ids["ops"], "period_id": ids["q1"], "lang": "zh", "again": True}
    first = api.post("/api/v1/goal-drafts", headers=auth["manager"], json=body)
    assert first.status_code == 201, first.text[:300]
    job_id = first.json()["forecast_job_id"]
    assert job_id and any(f.startswith("forecast_pending:") for f in first.json()["flags"])
    job = settled_job(api, f"/api/v1/forecasts/{job_id}", auth["hr"])  # the embedded worker runs it
    assert job["status"] == "done", job["message"]
    assert len(job["ranges"]) == 4  # every shop, although the manager plans for three of them
    mine = api.get(f"/api/v1/forecasts/{job_id}", headers=auth["manager"]).json()
    assert len(mine["ranges"]) < 4  # ... and the manager still sees only their own shops' ranges

    # 3. Asked again, the open draft comes back saying its inputs changed (the ranges arrived); drafted again, it
    # carries the ranges, the chance of each sales target and the approved weights.
    same = api.post("/api/v1/goal-drafts", headers=auth["manager"], json={**body, "again": False})
    assert same.json()["id"] == first.json()["id"] and same.json()["inputs_changed"] is True
    second = api.post("/api/v1/goal-drafts", headers=auth["manager"], json=body)
    assert second.status_code == 201, second.text[:300]
    draft = second.json()
    assert draft["forecast_job_id"] is None
    kpis = {k["code"]: k for k in draft["draft"]["department"]["kpis"]}
    ranged = [k for k in kpis.values() if k["target"]["low"] is not None]
    assert ranged, kpis
    for k in ranged:
        t = k["target"]
        assert t["low"] < t["high"] and 0 <= t["probability"] <= 1
    company_krs = [kr for o in draft["draft"]["company"]["objectives"] for kr in o["key_results"]]
    gmv = next(kr for kr in company_krs if kr["metric"] == "gmv")
    assert 0 <= gmv["probability"] <= 1
    template_codes = [c for c in approved if c in kpis and kpis[c]["link"] == "support"]
    assert template_codes
    shares = {c: kpis[c]["weight"] for c in kpis}
    for a, b in zip(template_codes, template_codes[1:], strict=False):
        # The approved weights decide the scorecard: their order is kept.
        if approved[a] > approved[b] + 1:
            assert shares[a] >= shares[b], (approved, shares)

    with session_scope(demo_url, write=False) as s:
        stored = s.execute(select(GoalDraft).where(GoalDraft.id == draft["id"])).scalar_one()
        assert stored.inputs["weights"] == approved and stored.inputs["weight_set_version"] == version

    # 4. Edit (a target, and a KPI HR added to the catalogue through the API), publish: every assignment
    #    records the weight-set version it was made with.
    custom = {
        "code": "loop_custom_kpi",
        "name_zh": "复购提醒触达率",
        "name_en": "Repurchase reminder reach",
        "unit": "%",
        "direction": "higher",
    }
    assert api.post("/api/v1/indicators", headers=auth["hr"], json=custom).status_code == 201
    dept_kpis = draft["draft"]["department"]["kpis"]
    last = dept_kpis[-1]
    url = f"/api/v1/goal-drafts/{draft['id']}"
    code = ranged[0]["code"]
    patched = api.patch(
        url,
        headers={**auth["manager"], "If-Match": second.headers["etag"]},
        json={
            "kpis": [
                {"code": code, "target": ranged[0]["target"]["value"]},
                {"code": last["code"], "remove": True},
                {"code": custom["code"], "weight": last["weight"], "target": 90},
            ]
        },
    )
    assert patched.status_code == 200, patched.text
    done = api.post(f"{url}/publish", headers={**auth["manager"], "If-Match": patched.headers["etag"]})
    assert done.status_code == 200, done.text
    with session_scope(demo_url, write=False) as s:
        ids_made = done.json()["assignment_ids"]
        made = list(s.execute(select(KpiAssignment).where(KpiAssignment.id.in_(ids_made))).scalars())
        versions = {a.weight_set_version for a in made}
        custom_id = s.execute(select(Indicator.id).where(Indicator.code == custom["code"])).scalar_one()
    assert versions == {version}
    assert any(a.indicator_id == custom_id and a.department_id == ids["ops"] for a in made)

    # 5. On 1 December the calendar rolls November's scorecards into December with the approved weights.
    dec = clock_for(make_settings(demo_url, today="2026-12-01"))
    run = run_calendar(demo_url, dec)
    assert run.assignments_rolled > 0
    # ... and November, now closed, gets its outcome from the stored sales for the next weight proposal.
    assert run.outcomes_derived > 0
    with session_scope(demo_url, write=False) as s:
        derived = (
            s.execute(
                select(DepartmentOutcome.value)
                .join(Period, Period.id == DepartmentOutcome.period_id)
                .where(Period.code == "2026-11", DepartmentOutcome.source == "sales")
            )
            .scalars()
            .all()
        )
    assert derived and all(50 < v < 200 for v in derived)

    def card(month: str) -> dict[str, KpiAssignment]:
        with session_scope(demo_url, write=False) as s:
            rows = s.execute(
                select(KpiAssignment, Indicator.code)
                .join(Indicator, Indicator.id == KpiAssignment.indicator_id)
                .join(Period, Period.id == KpiAssignment.period_id)
                .where(Period.code == month, KpiAssignment.employee_id == ids["employee"])
            ).all()
        return {code: a for a, code in rows}

    nov, dec_card = card("2026-11"), card("2026-12")
    assert set(dec_card) == set(nov) and {a.weight_set_version for a in dec_card.values()} == {version}
    expected = reweighted({c: a.weight for c, a in nov.items()}, approved)
    assert {c: a.weight for c, a in dec_card.items()} == expected
    assert sum(expected.values()) == 100 and expected != {c: a.weight for c, a in nov.items()}


def test_actuals_after_the_quarter_are_scored_with_the_published_weights(now, demo_url) -> None:
    ids = _ids(demo_url)
    with session_scope(demo_url, write=False) as s:
        lines = s.execute(
            select(KpiAssignment, Indicator.code, Indicator.direction)
            .join(Indicator, Indicator.id == KpiAssignment.indicator_id)
            .where(KpiAssignment.period_id == ids["q1"], KpiAssignment.employee_id == ids["employee"])
        ).all()
        code_of = s.execute(select(Employee.code).where(Employee.id == ids["employee"])).scalar_one()
    assert lines, "the published draft gave the employee 2027-Q1 KPIs"
    csv = "employee_code,period_code,indicator_code,as_of,value\n" + "".join(
        f"{code_of},{NEXT_QUARTER},{code},2027-03-31,{(a.target or 1.0) * (1.1 if d == 'higher' else 0.9):.4f}\n"
        for a, code, d in lines
    )
    with _client(demo_url, "2027-04-02T10:00:00+08:00") as later:
        auth = demo_logins(later)
        imported = later.post(
            "/api/v1/imports/actuals",
            headers=auth["hr"],
            files={"file": ("q1.csv", io.BytesIO(csv.encode()), "text/csv")},
        )
        assert imported.status_code == 200, imported.text
        plan = later.get("/api/v1/me/plan", headers=auth["employee"], params={"period_id": ids["q1"], "lang": "en"})
        assert plan.status_code == 200, plan.text
    score = plan.json()["score"]
    weights = {code: a.weight for a, code, _ in lines}
    assert {ln["code"]: ln["weight"] for ln in score["lines"]} == weights
    # Every line met its target by 10%: each earns 110% of its weight, so the total is 110.
    assert score["total"] == pytest.approx(110, abs=0.5)
