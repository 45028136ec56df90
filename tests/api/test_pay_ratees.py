"""The rating form's list of people: the kinds offered match what POST /pay/ratings accepts, and it carries
names and departments only (nothing about anyone's ratings)."""

from typing import Any

from sqlalchemy import select

from core.db import session_scope
from core.security import Caller
from core.tables import Employee, Period, User
from workflows.pay import ratings

API = "/api/v1/pay"


def _org(demo_url: str) -> dict[str, Any]:
    with session_scope(demo_url, write=False) as s:
        users = {u.username: u.employee_id for u in s.execute(select(User)).scalars()}
        emps = {e.id: (e.department_id, e.manager_id, e.active) for e in s.execute(select(Employee)).scalars()}
        period = s.execute(select(Period).where(Period.code == "2026-11")).scalar_one().id
    return {"users": users, "emps": emps, "period": period}


def _expected_kinds(emps: dict[int, tuple[int, int | None, bool]], rater: int, ratee: int) -> list[str]:
    if rater == ratee:
        return ["self"]
    kinds = ["peer" if emps[ratee][0] == emps[rater][0] else "cross"]
    return kinds + (["manager"] if emps[ratee][1] == rater else [])


def test_ratees_list_every_active_person_with_the_kinds_the_rules_allow(client, tokens, demo_url) -> None:
    org = _org(demo_url)
    for user in ("employee", "manager", "hr"):
        r = client.get(f"{API}/ratees", headers=tokens[user])
        assert r.status_code == 200, r.text
        rows = r.json()
        me = org["users"][user]
        assert {x["id"] for x in rows} == {e for e, (_, _, active) in org["emps"].items() if active}
        for x in rows:
            assert set(x) == {"id", "name_zh", "name_en", "department_id", "kinds"}
            assert x["kinds"] == _expected_kinds(org["emps"], me, x["id"]), (user, x)


def test_every_offered_kind_is_accepted_and_a_kind_not_offered_is_refused(client, tokens, demo_url) -> None:
    org = _org(demo_url)
    rows = client.get(f"{API}/ratees", headers=tokens["manager"]).json()
    me = org["users"]["manager"]
    report = next(x for x in rows if "manager" in x["kinds"])
    cross = next(x for x in rows if x["kinds"] == ["cross"])
    for ratee, kind in ((report, "manager"), (report, report["kinds"][0]), (cross, "cross")):
        body = {"period_id": org["period"], "ratee_id": ratee["id"], "kind": kind, "score": 4}
        r = client.post(f"{API}/ratings", json=body, headers=tokens["manager"])
        assert r.status_code == 201, (kind, r.text)
    refused = {"period_id": org["period"], "ratee_id": cross["id"], "kind": "peer", "score": 4}
    assert client.post(f"{API}/ratings", json=refused, headers=tokens["manager"]).status_code == 422
    assert report["id"] != me and cross["id"] != me


def test_a_login_without_an_employee_gets_an_empty_list(demo_url) -> None:
    unlinked = Caller(user_id=999, username="robot", role="hr", employee_id=None)
    with session_scope(demo_url, write=False) as s:
        assert ratings.ratees(s, unlinked) == []


def test_employees_cannot_list_ratees_without_logging_in(client) -> None:
    assert client.get(f"{API}/ratees").status_code == 401
