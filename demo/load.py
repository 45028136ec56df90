"""Load the generated demo company into a migrated database, once (a second run reuses what is there)."""

from collections.abc import Callable
from typing import Any

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from core.clock import Clock, get_clock
from core.db import session_scope
from core.passwords import DEMO_PASSWORD
from core.security import hash_password
from core.tables import (
    Company,
    Department,
    Employee,
    Indicator,
    KeyResult,
    KpiActual,
    KpiAssignment,
    Objective,
    Period,
    Position,
    PromoEvent,
    SalesDaily,
    Shop,
    User,
)
from demo.company import DemoCompany, generate_demo_company
from demo.cycles import load_demo_cycles
from demo.pay import load_demo_pay
from demo.steps import load_demo_alerts, load_demo_drafts, load_demo_weights
from kpi.periods import quarter_code
from workflows.shared import audit

Progress = Callable[[str], None]


def _ids(session: Session, model: Any) -> dict[str, int]:
    return dict(session.execute(select(model.code, model.id)).all())


def _bulk(session: Session, model: Any, rows: list[dict[str, Any]]) -> None:
    if rows:
        table: Table = model.__table__
        session.execute(insert(table), rows)


def _swap(rows: list[dict[str, Any]], **maps: tuple[str, dict[Any, int]]) -> list[dict[str, Any]]:
    """Replace natural-code keys with ids: `_swap(rows, department_id=("department_code", dept_ids))`."""
    out = []
    for row in rows:
        new = {k: v for k, v in row.items() if not any(k == code_key for code_key, _ in maps.values())}
        for id_key, (code_key, ids) in maps.items():
            code = row.get(code_key)
            new[id_key] = ids[code] if code is not None else None
        out.append(new)
    return out


def _load_org(session: Session, demo: DemoCompany) -> None:
    company = Company(**demo.company)
    session.add(company)
    session.flush()
    for row in demo.departments:  # parents come before children in the generator's order
        parent = row["parent_code"]
        session.add(
            Department(
                company_id=company.id,
                code=row["code"],
                name_zh=row["name_zh"],
                name_en=row["name_en"],
                parent_id=_ids(session, Department).get(parent),
            )
        )
        session.flush()
    depts = _ids(session, Department)
    _bulk(session, Position, _swap(demo.positions, department_id=("department_code", depts)))
    positions = _ids(session, Position)
    staff = [{**r, "company_id": company.id} for r in demo.employees]
    _bulk(
        session,
        Employee,
        _swap(
            [{**r, "manager_code": None} for r in staff],
            department_id=("department_code", depts),
            position_id=("position_code", positions),
        ),
    )
    emps = _ids(session, Employee)
    for row in demo.employees:
        if row["manager_code"]:
            session.get(Employee, emps[row["code"]]).manager_id = emps[row["manager_code"]]  # type: ignore[union-attr]
    password = hash_password(DEMO_PASSWORD)
    users = [
        {
            "username": u["username"],
            "role": u["role"],
            "active": u["active"],
            "must_change_password": u["must_change_password"],
            "password_hash": password,
            "employee_id": emps[u["employee_code"]],
        }
        for u in demo.users
    ]
    _bulk(session, User, users)
    session.flush()


def _load_sales(session: Session, demo: DemoCompany) -> None:
    depts = _ids(session, Department)
    _bulk(session, Shop, _swap(demo.shops, department_id=("department_code", depts)))
    shops = _ids(session, Shop)
    sales = demo.sales.assign(shop_id=demo.sales["shop_code"].map(shops), ds=demo.sales["ds"].dt.date)
    records = sales.drop(columns=["shop_code"]).to_dict("records")
    _bulk(session, SalesDaily, [{k: (v.item() if hasattr(v, "item") else v) for k, v in r.items()} for r in records])
    _bulk(session, PromoEvent, _swap(demo.promo_events, shop_id=("shop_code", shops)))


def _load_goals(session: Session, demo: DemoCompany) -> None:
    _bulk(session, Period, demo.periods)
    _bulk(session, Indicator, demo.indicators)
    periods, depts, emps = _ids(session, Period), _ids(session, Department), _ids(session, Employee)
    objectives = [{k: v for k, v in o.items() if k != "parent_kr_code"} for o in demo.objectives]
    _bulk(
        session,
        Objective,
        _swap(
            objectives,
            period_id=("period_code", periods),
            department_id=("department_code", depts),
            employee_id=("employee_code", emps),
        ),
    )
    # Objective codes (O1..O4) repeat from quarter to quarter: key results find theirs by (period, code).
    obj_ids = {
        (p, c): i
        for p, c, i in session.execute(
            select(Period.code, Objective.code, Objective.id).join(Period, Objective.period_id == Period.id)
        )
    }
    _bulk(
        session,
        KeyResult,
        [
            {
                **{k: v for k, v in kr.items() if k not in ("period_code", "objective_code")},
                "objective_id": obj_ids[(kr["period_code"], kr["objective_code"])],
            }
            for kr in demo.key_results
        ],
    )
    running = quarter_code(demo.today)
    krs = {
        f"{o}.{k}": kr_id
        for o, k, kr_id in session.execute(
            select(Objective.code, KeyResult.code, KeyResult.id)
            .join(Objective, KeyResult.objective_id == Objective.id)
            .join(Period, Objective.period_id == Period.id)
            .where(Period.code == running)
        )
    }
    inds = _ids(session, Indicator)
    _bulk(
        session,
        KpiAssignment,
        _swap(
            demo.kpi_assignments,
            period_id=("period_code", periods),
            indicator_id=("indicator_code", inds),
            employee_id=("employee_code", emps),
            department_id=("department_code", depts),
            parent_kr_id=("parent_kr_code", krs),
        ),
    )
    key_to_id = {
        (p, i, e): aid
        for aid, p, i, e in session.execute(
            select(KpiAssignment.id, KpiAssignment.period_id, KpiAssignment.indicator_id, KpiAssignment.employee_id)
        )
    }
    actuals = [
        {
            "assignment_id": key_to_id[
                (periods[a["period_code"]], inds[a["indicator_code"]], emps[a["employee_code"]])
            ],
            "as_of": a["as_of"],
            "value": a["value"],
            "source": a["source"],
        }
        for a in demo.kpi_actuals
    ]
    _bulk(session, KpiActual, actuals)


def load_demo_company(
    url: str,
    *,
    seed: int = 7,
    progress: Progress | None = None,
    clock: Clock | None = None,
    n_employees: int = 150,
    review_cycles: bool = False,
) -> bool:
    """Load the demo company into `url` unless a company exists; True when it loaded. One transaction.

    The company is generated around `clock`'s today (default: the service clock). `review_cycles` adds a locked
    cycle and one in progress (`kpilot demo` does; the tests' shared company does not, so its months stay open)."""
    say = progress or (lambda _msg: None)
    clock = clock or get_clock()
    with session_scope(url, clock=clock) as session:
        if session.execute(select(Company.id)).first() is not None:
            return False
        say(f"generating the demo company (seed {seed})")
        demo = generate_demo_company(seed, today=clock.today(), n_employees=n_employees)
        steps: list[tuple[str, Callable[[Session, DemoCompany], None]]] = [
            ("org chart and logins", _load_org),
            ("shops, daily sales and promotions", _load_sales),
            ("periods, KPI catalogue, OKRs, KPI assignments and actuals", _load_goals),
            ("department outcomes, weight sets and a weight proposal for operations", load_demo_weights),
            ("early-warning alerts of the running month", load_demo_alerts),
            ("a goal draft for operations this quarter, ready for review", load_demo_drafts),
            ("key positions, ratings and a bonus pool for the last closed month", load_demo_pay),
        ]
        if review_cycles:
            steps.append(("a locked review cycle and one in progress", load_demo_cycles))
        for i, (what, step) in enumerate(steps, 1):
            say(f"[{i}/{len(steps)}] loading {what}")
            step(session, demo)
        audit.record(
            session,
            actor=None,
            action="demo_load",
            entity="company",
            entity_id="demo",
            after={"seed": seed, "today": demo.today.isoformat(), **demo.counts()},
        )
    return True
