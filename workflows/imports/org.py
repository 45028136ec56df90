"""The org-chart import: departments (paths), positions, people and their managers, optionally logins.

`?dry_run=true` answers what would be created, updated and deactivated, row by row, and writes nothing; a real
run writes all or nothing. Re-importing upserts by 工号; people absent from the file are listed for
deactivation and deactivated only when asked. Parsing holds no database write turn."""

import hashlib
import secrets
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.errors import InvalidInput, coded
from core.security import ADMIN, Caller, hash_password
from core.tables import Department, Employee, Position, User
from workflows.imports.org_plan import Person, manager_errors, read_org_file
from workflows.imports.parse import bad_rows_zh
from workflows.imports.reader import Source, sha256_of
from workflows.onboarding.company import get_company
from workflows.shared import audit, common

Path = tuple[str, ...]


def department_paths(session: Session) -> dict[Path, int]:
    """Every stored department by its path of Chinese names from the root."""
    rows = {d.id: (d.name_zh, d.parent_id) for d in session.execute(select(Department)).scalars()}

    def path(i: int) -> Path:
        name, parent = rows[i]
        return (*path(parent), name) if parent is not None and parent in rows else (name,)

    return {path(i): i for i in rows}


def _digest(*parts: object) -> str:
    return hashlib.sha1("/".join(map(str, parts)).encode("utf-8")).hexdigest()[:10].upper()  # noqa: S324 - a code


def _fields(p: Person) -> dict[str, Any]:
    return {"name_zh": p.name, "name_en": p.name_en, "hire_date": p.hire_date, "active": p.active}


def _plan(session: Session, people: list[Person], employees: dict[str, Employee]) -> dict[str, Any]:
    paths = department_paths(session)
    new_paths = sorted(
        {p.path[:i] for p in people for i in range(1, len(p.path) + 1)} - set(paths), key=lambda p: (len(p), p)
    )
    titles = {(d, t) for d, t in session.execute(select(Position.department_id, Position.title_zh))}
    rows = []
    for p in people:
        emp = employees.get(p.code)
        if emp is None:
            action = "create"
        else:
            same = all(getattr(emp, k) == v for k, v in _fields(p).items())
            action = "unchanged" if same and _same_place(session, emp, p, paths, employees) else "update"
        rows.append({**p.where, "code": p.code, "action": action})
    new_positions = sorted(
        {(p.path, p.position) for p in people if p.position and (paths.get(p.path), p.position) not in titles}
    )
    return {"rows": rows, "new_paths": new_paths, "new_positions": new_positions}


def _same_place(session: Session, emp: Employee, p: Person, paths: dict[Path, int], emps: dict[str, Employee]) -> bool:
    manager = emps.get(p.manager) if p.manager else None
    position = session.get(Position, emp.position_id) if emp.position_id else None
    return (
        emp.department_id == paths.get(p.path)
        and emp.manager_id == (manager.id if manager else None)
        and (position.title_zh if position else None) == p.position
    )


@common.use_case
def import_org(
    session: Session,
    caller: Caller,
    *,
    source: Source,
    filename: str,
    dry_run: bool,
    deactivate_absent: bool = False,
) -> dict[str, Any]:
    """Check the whole file, then (unless a dry run) write it in one transaction; audited."""
    common.release_connection(session)  # parse without holding the database's write turn
    parsed = read_org_file(source, filename)
    digest = sha256_of(source)
    company = get_company(session)
    employees = {e.code: e for e in session.execute(select(Employee)).scalars()}
    ids = {e.id: e.code for e in employees.values()}
    line = {c: ids.get(e.manager_id) if e.manager_id else None for c, e in employees.items()}
    errors = parsed.errors + manager_errors(parsed.people, line)
    in_file = {p.code for p in parsed.people}
    absent = sorted(c for c, e in employees.items() if e.active and c not in in_file)
    plan = (
        _plan(session, parsed.people, employees) if not errors else {"rows": [], "new_paths": [], "new_positions": []}
    )
    report: dict[str, Any] = {
        "dry_run": dry_run,
        "file": filename,
        "rows": plan["rows"],
        "created": sum(r["action"] == "create" for r in plan["rows"]),
        "updated": sum(r["action"] == "update" for r in plan["rows"]),
        "unchanged": sum(r["action"] == "unchanged" for r in plan["rows"]),
        "departments_created": ["/".join(p) for p in plan["new_paths"]],
        "positions_created": [f"{'/'.join(d)}: {t}" for d, t in plan["new_positions"]],
        "absent": absent,
        "deactivated": absent if deactivate_absent and not dry_run else [],
        "errors": errors,
        "notes": parsed.notes,
        "logins": [],
    }
    if errors and not dry_run:
        raise coded(
            InvalidInput(f"{filename}: {len(errors)} bad row(s); nothing was imported. Fix them and retry.", errors),
            "import.org_rows",
            bad_rows_zh(filename, errors),
        )
    if dry_run:
        return report
    _write(session, caller, company.id, parsed.people, employees, plan, report)
    if deactivate_absent:
        for code in absent:
            _audited_set(session, caller, employees[code], {"active": False})
    audit.record(
        session,
        actor=caller,
        action="import",
        entity="org",
        entity_id=filename[:60],
        after={k: report[k] for k in ("created", "updated", "unchanged", "deactivated")} | {"sha256": digest},
    )
    return report


def _audited_set(session: Session, caller: Caller, obj: Any, changes: dict[str, Any]) -> None:
    before = common.snapshot(obj)
    for k, v in changes.items():
        setattr(obj, k, v)
    obj.version += 1
    session.flush()
    audit.record(
        session,
        actor=caller,
        action="update",
        entity=obj.__tablename__,
        entity_id=obj.id,
        before=before,
        after=common.snapshot(obj),
    )


def _write(
    session: Session,
    caller: Caller,
    company_id: int,
    people: list[Person],
    employees: dict[str, Employee],
    plan: dict[str, Any],
    report: dict[str, Any],
) -> None:
    paths = department_paths(session)
    for path in plan["new_paths"]:  # shortest first: parents exist before their children
        dept = Department(
            company_id=company_id,
            code=f"D-{_digest(*path)}",
            name_zh=path[-1],
            name_en=path[-1],
            parent_id=paths.get(path[:-1]),
        )
        paths[path] = common.create(session, dept, caller=caller, entity="department").id
    positions = {
        (d, t): i for i, d, t in session.execute(select(Position.id, Position.department_id, Position.title_zh))
    }
    managers = {p.manager for p in people if p.manager}
    for path, title in plan["new_positions"]:
        dept_id = paths[path]
        pos = Position(
            department_id=dept_id,
            code=f"P-{_digest(dept_id, title)}",
            title_zh=title,
            title_en=title,
            is_manager=any(p.code in managers for p in people if p.path == path and p.position == title),
        )
        positions[(dept_id, title)] = common.create(session, pos, caller=caller, entity="position").id
    actions = {r["code"]: r["action"] for r in plan["rows"]}
    for p in people:
        where = {"department_id": paths[p.path], "position_id": positions.get((paths[p.path], p.position or ""))}
        if actions[p.code] == "create":
            emp = Employee(company_id=company_id, code=p.code, **_fields(p), **where)
            employees[p.code] = common.create(session, emp, caller=caller, entity="employee")
        elif actions[p.code] == "update":
            _audited_set(session, caller, employees[p.code], {**_fields(p), **where})
    for p in people:  # managers last: everyone they point at exists now
        boss = employees[p.manager].id if p.manager else None
        if employees[p.code].manager_id != boss:
            _audited_set(session, caller, employees[p.code], {"manager_id": boss})
    report["logins"] = _logins(session, caller, people, employees, report)


def _logins(
    session: Session, caller: Caller, people: list[Person], employees: dict[str, Employee], report: dict[str, Any]
) -> list[dict[str, str]]:
    """Logins for people with a 角色 and none yet: one-time passwords, shown once, changed at first login."""
    wanted = [p for p in people if p.role and p.active]
    if not wanted:
        return []
    if caller.role != ADMIN:
        report["notes"].append("logins are created by an admin only; the 角色 column was not used")
        return []
    linked = set(session.execute(select(User.employee_id).where(User.employee_id.is_not(None))).scalars())
    taken = set(session.execute(select(User.username)).scalars())
    out = []
    for p in wanted:
        emp = employees[p.code]
        username = p.code.lower()
        if emp.id in linked or username in taken:
            continue
        password = secrets.token_urlsafe(12)
        user = User(
            username=username,
            password_hash=hash_password(password),
            role=p.role,
            employee_id=emp.id,
            must_change_password=True,
        )
        common.create(session, user, caller=caller, entity="user")
        out.append({"username": username, "role": str(p.role), "one_time_password": password})
    return out
