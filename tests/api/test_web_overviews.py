"""The two read routes the web app added: a team at a glance and the company-wide grade distribution."""

from collections import Counter

from core.clock import clock_for
from core.db import session_factory
from workflows.coaching.batch import company_facts


def test_team_overview_is_scoped_like_employees_and_matches_each_plan(client, tokens) -> None:
    r = client.get("/api/v1/team/overview", headers=tokens["manager"])
    assert r.status_code == 200
    view = r.json()
    me = client.get("/api/v1/me", headers=tokens["manager"]).json()
    mine = client.get("/api/v1/employees?limit=200", headers=tokens["manager"]).json()["data"]
    assert {m["employee_id"] for m in view["members"]} == {e["id"] for e in mine if e["active"]} - {me["employee_id"]}
    for m in view["members"][:3]:
        plan = client.get(f"/api/v1/employees/{m['employee_id']}/plan", headers=tokens["manager"]).json()
        assert m["score"] == round(plan["score"]["total"], 1)
        paces = Counter(k["pace"]["status"] for k in plan["kpis"] if k["pace"])
        assert m["pace"] == dict(paces)
        assert m["alerts"] == len([a for a in plan["alerts"] if a["period_id"] == view["current_period"]["id"]])
    # An employee sees nobody but themselves, and themselves are left out.
    assert client.get("/api/v1/team/overview", headers=tokens["employee"]).json()["members"] == []
    # HR picks a department.
    hr = client.get("/api/v1/team/overview?department_id=3", headers=tokens["hr"]).json()
    assert hr["members"] and {m["department_id"] for m in hr["members"]} == {3}


def test_grade_distribution_counts_the_grades_of_every_report(client, tokens, app) -> None:
    assert client.get("/api/v1/grades", headers=tokens["manager"]).status_code == 403
    assert client.get("/api/v1/grades", headers=tokens["employee"]).status_code == 403
    r = client.get("/api/v1/grades", headers=tokens["hr"])
    assert r.status_code == 200
    dist = r.json()
    settings = app.state.settings
    clock = clock_for(settings)
    with session_factory(settings.database_url, False, clock)() as session:
        facts = company_facts(session, clock.today())
    expected = Counter(f.team.grade for f in facts.values() if f.team)
    assert dist["counts"] == {g: expected.get(g, 0) for g in ("excellent", "good", "needs_improvement")}
    assert dist["people"] == sum(expected.values()) > 0
    assert sum(d["people"] for d in dist["departments"]) == dist["people"]
