"""The organisation a draft is for: departments, roles and people; a built-in e-commerce default."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, Field, ValidationError

from assistant.catalogue import load_departments
from assistant.errors import InputError, UnknownDepartmentError
from assistant.templates import get_template


class Person(BaseModel):
    """A member of staff (id and display name are untrusted data)."""

    id: str
    name: str
    history: dict[str, float] = Field(default_factory=dict)  # their own last actual per KPI code, if known


class OrgRole(BaseModel):
    """A role inside a department and the people in it."""

    code: str
    name: str | None = None
    people: list[Person] = Field(default_factory=list)


class OrgDepartment(BaseModel):
    """A department (catalogue code) and its roles."""

    code: str
    name: str | None = None
    roles: list[OrgRole] = Field(default_factory=list)


class Org(BaseModel):
    """The organisation: departments with roles and people."""

    name: str = "default"
    departments: list[OrgDepartment]

    def department_codes(self) -> list[str]:
        """Department codes in org order."""
        return [d.code for d in self.departments]

    def headcount(self) -> int:
        """Number of people in the org."""
        return sum(len(r.people) for d in self.departments for r in d.roles)


def resolve_department(word: str) -> str:
    """Map a department code, name or synonym (zh/en) to its code; raise UnknownDepartmentError."""
    w = word.strip().lower()
    for d in load_departments():
        if w in {d.code, d.name_zh.lower(), d.name_en.lower(), *(s.lower() for s in d.synonyms)}:
            return d.code
    known = ", ".join(d.code for d in load_departments())
    raise UnknownDepartmentError(f"unknown department {word!r}; use one of: {known} (or their Chinese names)")


def _standard_roles(code: str, sizes: tuple[int, int]) -> list[OrgRole]:
    tpl = get_template(code)
    if tpl is None:
        return []
    roles = []
    for role, n in zip(tpl.roles, sizes, strict=False):
        people = [Person(id=f"{code}-{role.code}-{i + 1:03d}", name=f"{role.name_en} {i + 1}") for i in range(n)]
        roles.append(OrgRole(code=role.code, name=role.name_en, people=people))
    return roles


# (lead, specialists) per department; 1 + 12 + ... = 150 people in the demo company.
_DEMO_SIZES: dict[str, tuple[int, int]] = {
    "ops": (2, 28),
    "design": (2, 18),
    "cs": (3, 37),
    "warehouse": (2, 30),
    "ads": (1, 9),
    "live": (2, 10),
    "hr": (1, 5),
}


def default_org(*, people_per_role: int = 1) -> Org:
    """The built-in e-commerce org: seven departments with their standard roles."""
    depts = [OrgDepartment(code=c, roles=_standard_roles(c, (1, people_per_role))) for c in _DEMO_SIZES]
    return Org(name="e-commerce template", departments=depts)


def demo_org_150() -> Org:
    """A 150-person demo company used for speed checks (7 departments, 14 roles)."""
    depts = [OrgDepartment(code=c, roles=_standard_roles(c, n)) for c, n in _DEMO_SIZES.items()]
    return Org(name="demo-150", departments=depts)


def org_from_data(raw: object) -> Org:
    """Build an Org from parsed YAML/JSON, resolving department names to codes."""
    if not isinstance(raw, dict) or not isinstance(raw.get("departments"), list) or not raw["departments"]:
        raise InputError("org file must be a mapping with a non-empty 'departments' list")
    for dept in raw["departments"]:
        if not isinstance(dept, dict) or "code" not in dept:
            raise InputError(f"each department needs a 'code' (got {dept!r})")
        dept["code"] = resolve_department(str(dept["code"]))
        for role in dept.get("roles") or []:
            people = role.get("people") or [] if isinstance(role, dict) else []
            role["people"] = [
                p if isinstance(p, dict) else {"id": f"{dept['code']}-{role.get('code')}-{i + 1}", "name": str(p)}
                for i, p in enumerate(people)
            ]
    try:
        return Org.model_validate(raw)
    except ValidationError as exc:
        raise InputError(f"org file is invalid: {exc.errors()[0]['loc']}: {exc.errors()[0]['msg']}") from exc


def load_org(path: Path) -> Org:
    """Read an org YAML/JSON file."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read org file {path}: {exc}") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError(
            f"org file {path} is not valid YAML: {exc}",
            line=mark.line + 1 if mark else None,
            column=mark.column + 1 if mark else None,
        ) from exc
    return org_from_data(raw)
