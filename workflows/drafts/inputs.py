"""What a goal draft is computed from, read from the database: the org, the company OKRs of the period,
forecast target ranges and last period's actuals, in the assistant's own input types."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.catalogue import indicator_map, load_departments
from assistant.errors import InputError, UnknownDepartmentError
from assistant.okr_input import clean_untrusted, parse_okr_text
from assistant.org import Org, OrgDepartment, OrgRole, Person, resolve_department
from assistant.schemas import CompanyOKR
from assistant.schemas import KeyResult as DraftKR
from assistant.schemas import Objective as DraftObjective
from assistant.schemas import TargetRange as DraftRange
from assistant.templates import get_template
from core.clock import clock_of
from core.errors import InvalidInput, coded
from core.tables import (
    Department,
    Employee,
    KeyResult,
    Objective,
    Period,
    Position,
    Shop,
    TargetRange,
)
from core.vocab import DIRECTIONS, DirectionName
from workflows.drafts.past_actuals import kpi_actuals as kpi_actuals
from workflows.drafts.past_actuals import person_histories as person_histories
from workflows.drafts.past_actuals import previous_latest
from workflows.drafts.sales_facts import mid_period, sales_baselines
from workflows.weights.data import weight_set_in_force

SAFE_ID = re.compile(r"^[A-Za-z0-9_\-]{1,20}$")


@dataclass
class DraftInputs:
    """Everything the assistant needs for one department's draft, plus what the service must remember."""

    department_code: str
    org: Org
    company: CompanyOKR
    kr_ids: dict[str, int]
    forecasts: dict[str, DraftRange] = field(default_factory=dict)
    actuals: dict[str, float] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)
    weights: dict[str, float] = field(default_factory=dict)  # HR's approved weight set in force, if any
    weight_set_version: int | None = None
    forecast_job_id: int | None = None  # the all-shops forecast this draft started or waits for

    def summary(self) -> dict[str, Any]:
        """JSON-ready record of the inputs (stored with the draft, and hashed for the cache)."""
        return {
            "department_code": self.department_code,
            "kr_ids": self.kr_ids,
            "forecasts": {k: v.model_dump() for k, v in sorted(self.forecasts.items())},
            "actuals": dict(sorted(self.actuals.items())),
            "flags": self.flags,
            "weights": dict(sorted(self.weights.items())),
            "weight_set_version": self.weight_set_version,
            "forecast_job_id": self.forecast_job_id,
        }


def catalogue_code(dept: Department) -> str | None:
    """The catalogue code (ops, cs, ...) a database department stands for, by code or name; None if none."""
    for word in (dept.code, dept.name_zh, dept.name_en):
        try:
            return resolve_department(word)
        except UnknownDepartmentError:
            continue
    return _named_within(dept.name_zh)


def _named_within(name: str) -> str | None:
    """A real company's name for a catalogue department (天猫运营部, 客服中心): the longest Chinese name or synonym
    of one that the name contains."""
    best: tuple[int, str] | None = None
    for d in load_departments():
        for word in (d.name_zh, *d.synonyms):
            w = word.strip()
            if len(w) >= 2 and not w.isascii() and w in name and (best is None or len(w) > best[0]):
                best = (len(w), d.code)
    return best[1] if best else None


def _role_of(dept_code: str, pos: Position | None) -> tuple[str, str]:
    """A position's template role (code, name): same code or title, managers -> the lead, others -> staff."""
    tpl = get_template(dept_code)
    if tpl is None:
        return (pos.code, pos.title_en) if pos else ("member", "Member")
    if pos is not None:
        for r in tpl.roles:
            if pos.code == r.code or pos.title_zh == r.name_zh or pos.title_en == r.name_en:
                return r.code, r.name_en
        if pos.is_manager:
            lead = next((r for r in tpl.roles if r.lead), tpl.roles[0])
            return lead.code, lead.name_en
    staff = next((r for r in tpl.roles if not r.lead), tpl.roles[0])
    return staff.code, staff.name_en


def build_org(session: Session, department: Department, lang: str) -> tuple[Org, str]:
    """Every catalogue department of the company (targets are split over all of them) with the requested
    department's active members grouped by role; returns the org and the department's catalogue code."""
    code = catalogue_code(department)
    if code is None:
        raise coded(
            InvalidInput(
                f"Department {department.code!r} matches no catalogue department, so the assistant cannot draft "
                "for it.",
                [{"loc": ["department_id"], "msg": "use one of ops, design, cs, warehouse, ads, live, hr"}],
            ),
            "draft.department_not_in_catalogue",
            department_zh=department.name_zh,
            department_en=department.name_en,
        )
    positions = {
        p.id: p for p in session.execute(select(Position).where(Position.department_id == department.id)).scalars()
    }
    roles: dict[str, OrgRole] = {}
    staff = session.execute(
        select(Employee).where(Employee.department_id == department.id, Employee.active.is_(True)).order_by(Employee.id)
    ).scalars()
    for emp in staff:
        role_code, role_name = _role_of(code, positions.get(emp.position_id or 0))
        role = roles.setdefault(role_code, OrgRole(code=role_code, name=role_name))
        role.people.append(Person(id=str(emp.id), name=emp.name_zh if lang == "zh" else emp.name_en))
    depts = [OrgDepartment(code=code, roles=list(roles.values()))]
    for other in session.execute(select(Department).order_by(Department.id)).scalars():
        other_code = catalogue_code(other)
        if other_code and other_code not in {d.code for d in depts}:
            depts.append(OrgDepartment(code=other_code))
    return Org(name="company", departments=depts), code


def _kr_from_row(kr_id: str, row: KeyResult, period_name: str, flags: list[str], lang: str) -> DraftKR | None:
    """A stored key result as the assistant's KR: its structured numbers when it has them, else its parsed title."""
    title = " ".join(row.title.split())
    try:
        parsed, parse_flags = parse_okr_text(f"KR1: {title}")
        found = parsed.all_krs()[0]
    except InputError:
        parse_flags, found = [f"kr_not_measurable:{kr_id}"], None
    parse_flags = [f"{f.split(':', 1)[0]}:{kr_id}" for f in parse_flags]
    ind = indicator_map().get(row.indicator_code or "")
    if ind is not None and row.target is not None:
        # The numbers are structured; the title is untrusted text shown as data, flagged if it holds an instruction.
        flags += [f for f in parse_flags if f.startswith("untrusted_instruction")]
        direction = row.direction if row.direction in DIRECTIONS else ind.direction
        injected = any(f.startswith("untrusted_instruction") for f in parse_flags)
        if injected:  # the instruction is cut out of the title too; nothing of it reaches a page or a model
            title = found.title if found is not None else ind.name(lang)
        return DraftKR(
            id=kr_id,
            title=clean_untrusted(title),
            metric=ind.code,
            metric_name=ind.code,
            baseline=row.baseline,
            target=row.target,
            unit=row.unit or ind.unit,
            direction=cast(DirectionName, direction),
            period=period_name,
        )
    flags += parse_flags
    if found is None:
        return None
    return found.model_copy(update={"id": kr_id, "period": found.period or period_name})


def company_okr(session: Session, period: Period, lang: str) -> tuple[CompanyOKR, dict[str, int], list[str]]:
    """The company OKRs of `period` as the assistant's input, the KR id map and parsing flags."""
    period_name = period.name_zh if lang == "zh" else period.name_en
    objectives = list(
        session.execute(
            select(Objective)
            .where(Objective.level == "company", Objective.period_id == period.id)
            .order_by(Objective.id)
        ).scalars()
    )
    flags: list[str] = []
    kr_ids: dict[str, int] = {}
    out: list[DraftObjective] = []
    for obj in objectives:
        oid = obj.code if SAFE_ID.match(obj.code) else f"O{obj.id}"
        krs: list[DraftKR] = []
        for row in session.execute(
            select(KeyResult).where(KeyResult.objective_id == obj.id).order_by(KeyResult.id)
        ).scalars():
            kr_id = f"{oid}.{row.code}" if SAFE_ID.match(row.code) else f"KR{row.id}"
            kr_id = kr_id if kr_id not in kr_ids else f"KR{row.id}"
            kr = _kr_from_row(kr_id, row, period_name, flags, lang)
            if kr is not None:
                kr_ids[kr_id] = row.id
                krs.append(kr)
        if krs:
            out.append(DraftObjective(id=oid, title=clean_untrusted(obj.title), key_results=krs))
    if not out:
        name_en, name_zh = period.name_en or period.code, period.name_zh or period.code
        raise coded(
            InvalidInput(
                f"{name_en} has no company key result with a number to draft from: HR or an admin writes the "
                "company OKRs of this period first (page Company OKRs).",
                [{"loc": ["period_id"], "msg": "no measurable company key result in this period"}],
            ),
            "drafts.no_company_okrs",
            f"{name_zh}还没有带数字的公司关键结果，无法起草：请人事或管理员先在“公司目标”页填写本期的公司目标。",
        )
    return CompanyOKR(period=period_name, objectives=out), kr_ids, flags


def forecast_ranges(session: Session, period: Period, flags: list[str]) -> dict[str, DraftRange]:
    """The company sales range of the period from the newest forecast of every shop (all shops, or none)."""
    rows = session.execute(
        select(TargetRange)
        .where(TargetRange.period_id == period.id, TargetRange.metric == "sales", TargetRange.status != "rejected")
        .order_by(TargetRange.id)
    ).scalars()
    newest = {r.shop_id: r for r in rows}
    if not newest:
        return {}
    shops = set(session.execute(select(Shop.id).where(Shop.active.is_(True))).scalars())  # closed shops sell no more
    newest = {k: v for k, v in newest.items() if k in shops}
    if set(newest) != shops:
        flags.append(f"forecast_partial:gmv ({len(newest)} of {len(shops)} shops)")
        return {}
    # Shop quantiles added up are the total's quantiles only if the shops move together, which makes the range
    # (and so the chances the draft states) wider than it is for shops that vary independently.
    flags.append("forecast_summed_over_shops:gmv")
    total = {k: round(sum(getattr(r, k) for r in newest.values()), 2) for k in ("conservative", "base", "stretch")}
    return {"gmv": DraftRange(**total)}


def read_inputs(session: Session, department: Department, period: Period, lang: str) -> DraftInputs:
    """Read everything a draft for `department` and `period` is computed from."""
    org, code = build_org(session, department, lang)
    latest = previous_latest(session, period)
    histories = person_histories(session, period, latest)
    for person in (p for d in org.departments for r in d.roles for p in r.people):
        person.history = histories.get(person.id, {})
    company, kr_ids, flags = company_okr(session, period, lang)
    mid_period(session, period, company, clock_of(session).today(), flags)
    actuals = kpi_actuals(session, period, latest)
    actuals.update(sales_baselines(session, period, company, flags))
    forecasts = forecast_ranges(session, period, flags)
    weight_set = weight_set_in_force(session, department.id, period.start_date)
    return DraftInputs(
        department_code=code,
        org=org,
        company=company,
        kr_ids=kr_ids,
        forecasts=forecasts,
        actuals=actuals,
        flags=flags,
        weights={k: float(v) for k, v in weight_set.weights.items()} if weight_set else {},
        weight_set_version=weight_set.version if weight_set else None,
    )
