"""Ratings and outcomes as levers on scores and pay: a rating of a closed (or not yet started) period is refused;
a cross-department rating never rewrites an actual; the collaboration KPI takes the ratings when the period's
results are computed, and only from MIN_RATERS raters on (one rating would reveal its rater); and nobody sets the
outcome of their own department, which moves their own bonus."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, func, select

from api.app import create_app
from core.clock import clock_for
from core.db import session_scope
from core.tables import Employee, Indicator, KpiActual, KpiAssignment, Period, User
from tests.conftest import demo_logins, make_settings
from workflows.coaching.collab import COLLABORATION_CODES, MIN_RATERS
from workflows.coaching.data import load_lines

API = "/api/v1/pay"
AFTER_WINDOW = "2026-12-22T10:00:00+08:00"  # November's rating window closed on 20 December


@pytest.fixture(scope="module")
def web(demo_url: str) -> Iterator[TestClient]:
    with TestClient(create_app(make_settings(demo_url)), raise_server_exceptions=False) as c:
        yield c


@pytest.fixture(scope="module")
def auth(web: TestClient) -> dict[str, dict[str, str]]:
    return demo_logins(web)


def _facts(url: str) -> dict[str, int]:
    with session_scope(url, write=False) as s:
        users = {name: emp for name, emp in s.execute(select(User.username, User.employee_id)) if emp is not None}
        periods = dict(s.execute(select(Period.code, Period.id)).all())
        collab = s.execute(
            select(KpiAssignment.id)
            .join(Indicator, Indicator.id == KpiAssignment.indicator_id)
            .where(
                KpiAssignment.employee_id == users["employee"],
                KpiAssignment.period_id == periods["2026-11"],
                Indicator.code.in_(COLLABORATION_CODES),
            )
        ).scalar_one()
        hr_dept = s.execute(select(Employee.department_id).where(Employee.id == users["hr"])).scalar_one()
        ops_dept = s.execute(select(Employee.department_id).where(Employee.id == users["employee"])).scalar_one()
    return {
        "ratee": users["employee"],
        "nov": periods["2026-11"],
        "jan": periods["2026-01"],
        "dec": periods["2026-12"],
        "collab": collab,
        "hr_dept": hr_dept,
        "ops_dept": ops_dept,
    }


@pytest.fixture(scope="module", autouse=True)
def ratings_only(demo_url: str) -> None:
    """The ratee's collaboration KPI has no actual of its own: a company that scores it from ratings alone."""
    f = _facts(demo_url)
    with session_scope(demo_url) as s:
        s.execute(delete(KpiActual).where(KpiActual.assignment_id == f["collab"]))


def _rate(web: TestClient, headers: dict[str, str], period: int, ratee: int, score: int = 2):
    body = {"period_id": period, "ratee_id": ratee, "kind": "cross", "score": score}
    return web.post(f"{API}/ratings", json=body, headers=headers)


def _collab_values(url: str, f: dict[str, int], today: str | None = None) -> list[float]:
    clock = clock_for(make_settings(url, **({"today": today} if today else {})))
    with session_scope(url, write=False, clock=clock) as s:
        lines = load_lines(s, [f["nov"]], [f["ratee"]])[(f["ratee"], f["nov"])]
    return [v for ln in lines if ln.assignment_id == f["collab"] for _, v in ln.values]


def _actuals(url: str, assignment_id: int) -> int:
    with session_scope(url, write=False) as s:
        return int(s.execute(select(func.count()).where(KpiActual.assignment_id == assignment_id)).scalar_one())


def test_ratings_of_closed_or_future_periods_are_refused(web, auth, demo_url) -> None:
    f = _facts(demo_url)
    for period in (f["jan"], f["dec"]):
        r = _rate(web, auth["employee2"], period, f["ratee"])
        assert r.status_code == 409, r.text
        assert r.json()["code"] == "rating_window_closed" and "评分窗口" in r.json()["detail_zh"]


def test_a_single_rating_neither_rewrites_an_actual_nor_reveals_its_rater(web, auth, demo_url) -> None:
    f = _facts(demo_url)
    assert _rate(web, auth["employee2"], f["nov"], f["ratee"], 2).status_code == 201
    assert _actuals(demo_url, f["collab"]) == 0  # stored as a rating only, no actual written
    with session_scope(demo_url) as s:  # a value an earlier version wrote from that one rating
        nov = s.get(Period, f["nov"])
        assert nov is not None
        s.add(KpiActual(assignment_id=f["collab"], as_of=nov.end_date, value=40.0, source="ratings"))
    assert _collab_values(demo_url, f, AFTER_WINDOW) == []  # one rater: no value that reveals the 2
    summary = web.get(f"{API}/ratings/summary", params={"period_id": f["nov"]}, headers=auth["employee"]).json()
    cross = next(k for k in summary["kinds"] if k["kind"] == "cross")
    assert cross["mean"] is None and not cross["shown"]


def test_enough_ratings_feed_the_collaboration_kpi_once_the_window_closed(web, auth, demo_url) -> None:
    f = _facts(demo_url)
    for rater in ("hr", "admin"):  # with employee2's 2 above: three raters from other departments
        assert _rate(web, auth[rater], f["nov"], f["ratee"], 5).status_code == 201
    assert MIN_RATERS == 3
    assert _collab_values(demo_url, f) == []  # still in the window: ratings may still come
    assert _collab_values(demo_url, f, AFTER_WINDOW) == [pytest.approx((2 + 5 + 5) / 3 * 20, abs=0.01)]


def test_nobody_sets_the_outcome_that_moves_their_own_pay(web, auth, demo_url) -> None:
    f = _facts(demo_url)
    body = {"outcomes": [{"period_id": f["nov"], "value": 120}]}
    own = web.put(f"/api/v1/departments/{f['hr_dept']}/outcomes", json=body, headers=auth["hr"])
    assert own.status_code == 403 and own.json()["code"] == "own_pay_input", own.text
    other = web.put(f"/api/v1/departments/{f['ops_dept']}/outcomes", json=body, headers=auth["hr"])
    assert other.status_code in (200, 204), other.text
    by_admin = web.put(f"/api/v1/departments/{f['hr_dept']}/outcomes", json=body, headers=auth["admin"])
    assert by_admin.status_code in (200, 204), by_admin.text
    root = web.put("/api/v1/departments/1/outcomes", json=body, headers=auth["admin"])
    assert root.status_code == 403  # the head office's outcome moves the general manager's own pay
