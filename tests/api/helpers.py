"""Small builders for API tests: the demo org as plain data, computed independently of the service."""

import time
from functools import lru_cache
from typing import Any, Protocol, TypedDict

from fastapi.testclient import TestClient
from sqlalchemy import select

from core.db import session_scope
from core.tables import Department, Employee, KpiAssignment, Objective, User


class OrgSnapshot(TypedDict):
    """The demo org as plain data (see `org_snapshot`)."""

    users: dict[str, tuple[str, int | None]]  # username -> (role, employee id; None for a login with no person)
    managers: dict[int, int | None]  # employee id -> manager's employee id
    emp_dept: dict[int, int]  # employee id -> department id
    dept_parent: dict[int, int | None]  # department id -> parent department id
    assignments: dict[int, tuple[int | None, int | None]]  # assignment id -> (employee id, department id)
    objectives: dict[int, tuple[str, int | None, int | None]]  # objective id -> (level, employee id, department id)


@lru_cache(maxsize=4)
def org_snapshot(url: str) -> OrgSnapshot:
    """Users, the manager relation, departments and owners of assignments/objectives, read straight from the DB."""
    with session_scope(url, write=False) as s:
        users = {u.username: (u.role, u.employee_id) for u in s.execute(select(User)).scalars()}
        managers = {e: m for e, m in s.execute(select(Employee.id, Employee.manager_id))}
        emp_dept = {e: d for e, d in s.execute(select(Employee.id, Employee.department_id))}
        dept_parent = {d: p for d, p in s.execute(select(Department.id, Department.parent_id))}
        assignments = {a.id: (a.employee_id, a.department_id) for a in s.execute(select(KpiAssignment)).scalars()}
        objectives = {o.id: (o.level, o.employee_id, o.department_id) for o in s.execute(select(Objective)).scalars()}
    return {
        "users": users,
        "managers": managers,
        "emp_dept": emp_dept,
        "dept_parent": dept_parent,
        "assignments": assignments,
        "objectives": objectives,
    }


def person(snap: OrgSnapshot, username: str) -> int:
    """The employee id behind the login `username` (every demo login but the admin's is a person)."""
    emp = snap["users"][username][1]
    assert emp is not None, f"{username} is not a person"
    return emp


def reports_of(managers: dict[int, int | None], root: int) -> set[int]:
    """`root` and everyone below them, by walking each person's chain upwards."""
    out = set()
    for emp in managers:
        cursor: int | None = emp
        while cursor is not None:
            if cursor == root:
                out.add(emp)
                break
            cursor = managers.get(cursor)
    return out


def expected_employees(snap: OrgSnapshot, username: str) -> set[int]:
    """Employee ids `username` should see."""
    role = snap["users"][username][0]
    if role in ("hr", "admin"):
        return set(snap["managers"])
    if role == "manager":
        return reports_of(snap["managers"], person(snap, username))
    return {person(snap, username)}


def dept_subtree(dept_parent: dict[int, int | None], root: int) -> set[int]:
    """`root` department and its descendants."""
    out = set()
    for d in dept_parent:
        cursor: int | None = d
        while cursor is not None:
            if cursor == root:
                out.add(d)
                break
            cursor = dept_parent.get(cursor)
    return out


class JsonAnswer(Protocol):
    """An HTTP answer of any client the tests use (TestClient's, httpx's)."""

    @property
    def text(self) -> str: ...

    def json(self) -> Any: ...


def json_object(r: JsonAnswer) -> dict[str, Any]:
    """The JSON object an answer carries (fails the test if the body is not an object)."""
    body = r.json()
    assert isinstance(body, dict), r.text
    return body


def paged_ids(client: TestClient, headers: dict[str, str], path: str, **params: int | str) -> set[int]:
    """All ids of a paginated list."""
    ids: set[int] = set()
    offset = 0
    while True:
        r = client.get(path, headers=headers, params={**params, "limit": 200, "offset": offset})
        assert r.status_code == 200, r.text
        body = r.json()
        ids |= {item["id"] for item in body["data"]}
        offset += 200
        if offset >= body["count"]:
            return ids


def settled_job(client: TestClient, path: str, headers: dict[str, str], limit_s: float = 600.0) -> dict[str, Any]:
    """GET a forecast job until a worker settled it (`done` or `failed`); jobs run on the queue, not inline."""
    start = time.monotonic()
    while True:
        job = client.get(path, headers=headers).json()
        if job["status"] in ("done", "failed") or time.monotonic() - start > limit_s:
            return dict(job)
        time.sleep(0.2)


def plant_review(url: str, period_id: int, subject_employee_id: int, related: list[int]) -> int:
    """An open second-review item questioning `subject_employee_id`'s scoring of `related` (as a flag raises it)."""
    from core.tables import ReviewItem

    with session_scope(url) as s:
        item = ReviewItem(
            period_id=period_id,
            code="manager_divergence",
            subject="planted",
            subject_employee_id=subject_employee_id,
            evidence={"mean_gap": 1.5},
            explanation_en="planted",
            explanation_zh="测试",
            related=related,
            status="open",
            reason="",
        )
        s.add(item)
        s.flush()
        return int(item.id)
