"""Nobody writes KPIs, targets or actuals for themselves, through any route or import, whatever their role;
out-of-scope records answer like missing ones; an import checks every row like the single-record routes."""

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api.app import create_app
from core.clock import get_clock
from core.db import session_scope
from core.tables import Department, Employee, Indicator, KpiActual, KpiAssignment, Period, User
from tests.api.helpers import reports_of
from tests.conftest import demo_logins, make_settings
from workflows.goals.sales_actuals import measured_ids

WRITERS = ("manager", "hr", "admin")


@pytest.fixture(scope="module")
def web(demo_url: str) -> Iterator[TestClient]:
    with TestClient(create_app(make_settings(demo_url)), raise_server_exceptions=False) as c:
        yield c


@pytest.fixture(scope="module")
def auth(web: TestClient) -> dict[str, dict[str, str]]:
    return demo_logins(web)


@dataclass(frozen=True)
class _Facts:
    """The user's employee, their KPI in the running month, one report's and one outsider's KPI there."""

    emp: int
    month: Period
    own: KpiAssignment
    report: KpiAssignment | None
    outsider: KpiAssignment | None
    rows: dict[int, str]  # assignment id -> its actuals-import row up to the value

    def row(self, assignment: KpiAssignment) -> str:
        """`employee_code,period_code,indicator_code,as_of,` for an actual of `assignment` today."""
        return self.rows[assignment.id]


def _facts(url: str, username: str) -> _Facts:
    today = get_clock().today()
    with session_scope(url, write=False) as s:
        emp = s.execute(select(User.employee_id).where(User.username == username)).scalar_one()
        assert emp is not None, f"{username} is not a person"
        month = s.execute(
            select(Period).where(Period.kind == "month", Period.start_date <= today, Period.end_date >= today)
        ).scalar_one()
        managers = {e: m for e, m in s.execute(select(Employee.id, Employee.manager_id))}
        codes = {e: c for e, c in s.execute(select(Employee.id, Employee.code))}
        inds = {i: c for i, c in s.execute(select(Indicator.id, Indicator.code))}
        rows = s.execute(
            select(KpiAssignment).where(KpiAssignment.period_id == month.id, KpiAssignment.employee_id.is_not(None))
        ).scalars()
        by_emp: dict[int, KpiAssignment] = {}
        measured = measured_ids(s)  # a KPI measured from sales takes no plain actual at all (test_sales_actuals)
        for a in rows:
            if a.employee_id is not None and (a.id not in measured or a.employee_id == emp):
                by_emp.setdefault(a.employee_id, a)
    below = reports_of(managers, emp) - {emp}
    report = min(e for e in below if e in by_emp) if below & set(by_emp) else None
    outsider = min((e for e in by_emp if e not in below and e != emp), default=None)
    return _Facts(
        emp=emp,
        month=month,
        own=by_emp[emp],
        report=by_emp[report] if report else None,
        outsider=by_emp[outsider] if outsider else None,
        rows={a.id: f"{codes[e]},{month.code},{inds[a.indicator_id]},{today}," for e, a in by_emp.items()},
    )


def _actual_count(url: str, assignment_id: int) -> int:
    with session_scope(url, write=False) as s:
        return int(s.execute(select(func.count()).where(KpiActual.assignment_id == assignment_id)).scalar_one())


@pytest.mark.parametrize("username", WRITERS)
def test_nobody_records_or_imports_their_own_actuals(web, auth, demo_url, username) -> None:
    f = _facts(demo_url, username)
    own = f.own
    day = str(get_clock().today())
    before = _actual_count(demo_url, own.id)
    r = web.post(f"/api/v1/kpi-assignments/{own.id}/actuals", headers=auth[username], json={"as_of": day, "value": 1e6})
    assert r.status_code == 404, r.text
    others = f.report or (f.outsider if username != "manager" else None)
    others_before = _actual_count(demo_url, others.id) if others is not None else 0
    lines = ["employee_code,period_code,indicator_code,as_of,value"]
    if others is not None:
        lines.append(f.row(others) + "80")
    lines.append(f.row(own) + "9999")
    csv = "\n".join(lines) + "\n"
    r = web.post(
        "/api/v1/imports/actuals", headers=auth[username], files={"file": ("mine.csv", csv.encode(), "text/csv")}
    )
    assert r.status_code == 422, r.text
    errors = r.json()["errors"]
    assert [e["line"] for e in errors] == [len(lines)] and "nobody imports their own" in errors[0]["msg"]
    assert _actual_count(demo_url, own.id) == before
    if others is not None:  # the good row was not imported either
        assert _actual_count(demo_url, others.id) == others_before


def test_a_manager_imports_for_reports_only(web, auth, demo_url) -> None:
    f = _facts(demo_url, "manager")
    report, outsider = f.report, f.outsider
    assert report is not None and outsider is not None
    header = "employee_code,period_code,indicator_code,as_of,value\n"
    before = _actual_count(demo_url, report.id)
    bad = header + f.row(report) + "70\n" + f.row(outsider) + "70\n"
    r = web.post(
        "/api/v1/imports/actuals", headers=auth["manager"], files={"file": ("x.csv", bad.encode(), "text/csv")}
    )
    assert r.status_code == 422 and r.json()["errors"][0]["line"] == 3
    assert "unknown employee_code" in r.json()["errors"][0]["msg"]  # out of scope reads like missing
    assert _actual_count(demo_url, report.id) == before
    good = header + f.row(report) + "70\n"
    r = web.post(
        "/api/v1/imports/actuals", headers=auth["manager"], files={"file": ("x.csv", good.encode(), "text/csv")}
    )
    assert r.status_code == 200, r.text
    assert _actual_count(demo_url, report.id) >= before


@pytest.mark.parametrize("username", WRITERS)
def test_nobody_sets_their_own_kpis_or_targets(web, auth, demo_url, username) -> None:
    f = _facts(demo_url, username)
    own, month = f.own, f.month
    body = {"period_id": month.id, "indicator_code": "csat", "employee_id": f.emp, "weight": 10, "target": 4.5}
    assert web.post("/api/v1/kpi-assignments", headers=auth[username], json=body).status_code == 404
    etag = web.get(f"/api/v1/kpi-assignments/{own.id}", headers=auth[username]).headers["etag"]
    r = web.patch(
        f"/api/v1/kpi-assignments/{own.id}",
        headers={**auth[username], "If-Match": etag},
        json={"target": 0.01},
    )
    assert r.status_code == 404, r.text


def test_out_of_scope_writes_answer_like_missing(web, auth, demo_url) -> None:
    f = _facts(demo_url, "manager")
    outsider = f.outsider
    assert outsider is not None
    day = str(get_clock().today())
    for path, body in (
        (f"/api/v1/kpi-assignments/{outsider.id}/actuals", {"as_of": day, "value": 1}),
        (f"/api/v1/kpi-assignments/{2_000_000_000}/actuals", {"as_of": day, "value": 1}),
    ):
        assert web.post(path, headers=auth["manager"], json=body).status_code == 404
    for username in ("employee", "employee2"):  # employees write no actuals at all, not even their own
        r = web.post(
            f"/api/v1/kpi-assignments/{f.own.id}/actuals", headers=auth[username], json={"as_of": day, "value": 1}
        )
        assert r.status_code == 403
        r = web.post("/api/v1/imports/actuals", headers=auth[username], files={"file": ("x.csv", b"a\n", "text/csv")})
        assert r.status_code == 403


def test_publishing_a_draft_never_gives_the_publisher_their_own_kpis(web, auth, demo_url) -> None:
    today = get_clock().today()
    with session_scope(demo_url, write=False) as s:
        hr_emp = s.execute(select(User.employee_id).where(User.username == "hr")).scalar_one()
        dept = s.execute(select(Employee.department_id).where(Employee.id == hr_emp)).scalar_one()
        code = s.execute(select(Department.code).where(Department.id == dept)).scalar_one()
        quarter = s.execute(
            select(Period.id).where(Period.kind == "quarter", Period.start_date <= today, Period.end_date >= today)
        ).scalar_one()
    r = web.post(
        "/api/v1/goal-drafts", headers=auth["hr"], json={"department_id": dept, "period_id": quarter, "lang": "en"}
    )
    assert r.status_code == 201, (code, r.text)
    people = {int(p["person_id"]) for p in r.json()["draft"]["people"]}
    assert hr_emp in people
    pub = web.post(
        f"/api/v1/goal-drafts/{r.json()['id']}/publish", headers={**auth["hr"], "If-Match": r.headers["etag"]}
    )
    assert pub.status_code == 200, pub.text
    assert hr_emp in pub.json()["skipped_employee_ids"]
    with session_scope(demo_url, write=False) as s:
        mine = s.execute(
            select(KpiAssignment.id).where(KpiAssignment.employee_id == hr_emp, KpiAssignment.period_id == quarter)
        ).all()
    assert mine == []
