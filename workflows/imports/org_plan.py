"""Reading an org-chart file into checked people: no database here, so no write turn is held while parsing."""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from core.errors import InvalidInput, coded
from workflows.imports.columns import ACTIVE_WORDS, ORG_FIELDS, ORG_REQUIRED, ROLE_WORDS, map_headers
from workflows.imports.parse import ValueProblem, in_column, parse_day, row_error, shown, where_text
from workflows.imports.reader import Limits, Source, Table

MAX_PEOPLE = 5_000  # kpilot serves companies of 25-150 people; a file of more is the wrong file


@dataclass
class Person:
    """One checked row of the file."""

    where: dict[str, Any]
    code: str
    name: str
    name_en: str
    path: tuple[str, ...]
    position: str | None
    manager: str | None
    hire_date: date | None
    role: str | None
    active: bool


@dataclass
class OrgFile:
    """The people of a file, its row errors and notes about its columns."""

    people: list[Person] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _path(raw: str) -> tuple[str, ...]:
    first = raw.split(";")[0].split("；")[0]  # several departments in one cell: the first is the home one
    parts = tuple(p.strip() for p in first.replace("\\", "/").split("/") if p.strip())
    if not parts:
        raise ValueProblem("import.value.no_department")
    return parts


def _person(where: dict[str, Any], row: dict[str, str], cols: dict[str, str]) -> Person:
    def get(key: str) -> str:
        return row.get(cols[key], "").strip() if key in cols else ""

    code, name = get("code"), get("name")
    if not code or not name:
        raise ValueProblem("import.value.no_code_or_name")
    role_raw, status_raw = get("role").lower(), get("status").lower()
    if role_raw and role_raw not in ROLE_WORDS:
        raise ValueProblem("import.value.unknown_role", cols.get("role"), **shown(role_raw, 1000))
    if status_raw and status_raw not in ACTIVE_WORDS:
        raise ValueProblem("import.value.unknown_status", cols.get("status"), **shown(status_raw, 1000))
    hire = get("hire_date")
    return Person(
        where=where,
        code=code[:40],
        name=name[:100],
        name_en=(get("name_en") or name)[:100],
        path=in_column(cols.get("department", ""), _path, get("department")),
        position=get("position")[:200] or None,
        manager=get("manager") or None,
        hire_date=in_column(cols.get("hire_date", ""), parse_day, hire) if hire else None,
        role=ROLE_WORDS[role_raw] if role_raw else None,
        active=ACTIVE_WORDS.get(status_raw, True),
    )


def read_org_file(source: Source, filename: str, limits: Limits | None = None) -> OrgFile:
    """People from a CSV/xlsx contacts export: headers in zh or en, duplicate 工号 as row errors."""
    table = Table(source, filename, limits)
    cols, ignored = map_headers(table.header, ORG_FIELDS)
    missing = [f for f in ORG_REQUIRED if f not in cols]
    if missing:
        names = ", ".join(ORG_FIELDS[f][0] for f in missing)
        raise coded(
            InvalidInput(f"{filename}: the header needs {names} (zh or en names); it has {', '.join(table.header)}."),
            "import.org_columns",
            f"{filename}：表头缺少 {names}。",
        )
    out = OrgFile(notes=[f"ignored column(s): {', '.join(ignored)}"] if ignored else [])
    unused = [cols[f] for f in ("email", "phone", "gender") if f in cols]
    if unused:  # recognised, but kpilot keeps no contact data
        out.notes.append(f"read but not stored: {', '.join(unused)}")
    seen: dict[str, dict[str, Any]] = {}
    for where, row in table.rows():
        try:
            person = _person(where, row, cols)
        except ValueProblem as exc:
            out.errors.append(row_error(where, exc))
            continue
        if person.code in seen:
            first = seen[person.code]
            twice = ValueProblem(
                "import.duplicate_code",
                cols.get("code"),
                code=person.code,
                first_en=str(first),
                first_zh=where_text(first, None, "zh"),
            )
            out.errors.append(row_error(where, twice))
            continue
        seen[person.code] = where
        out.people.append(person)
        if len(out.people) > MAX_PEOPLE:
            raise coded(
                InvalidInput(f"{filename}: more than {MAX_PEOPLE} people; is this the right file?"),
                "import.too_many_people",
                filename=filename,
                limit=MAX_PEOPLE,
            )
    return out


def manager_errors(people: list[Person], existing: dict[str, str | None]) -> list[dict[str, Any]]:
    """Row errors for managers who exist nowhere and for manager lines that loop.

    `existing` maps the codes already stored to their manager's code (people not in the file keep theirs)."""
    line = {**existing, **{p.code: p.manager for p in people}}
    errors = []
    for p in people:
        if p.manager is not None and p.manager not in line:
            errors.append(row_error(p.where, ValueProblem("import.unknown_manager", manager=p.manager)))
            continue
        cursor, steps = p.manager, 0
        while cursor is not None and steps <= len(line):
            if cursor == p.code:
                errors.append(row_error(p.where, ValueProblem("import.manager_loop", code=p.code)))
                break
            cursor, steps = line.get(cursor), steps + 1
    return errors
