"""The demo load steps that go through the service's own use cases: department outcomes, weight sets and a
pending proposal; the running month's early warnings; the operations manager's draft for this quarter."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.security import Caller
from core.tables import Department, DepartmentOutcome, Period, User, WeightSet
from demo.company import DemoCompany
from demo.kpi_specs import TEMPLATES, scorecard
from kpi.periods import quarter_code
from workflows.coaching.alerts import run_alerts
from workflows.drafts.flows import create_draft
from workflows.drafts.schemas import DraftCreate
from workflows.weights.flows import create_proposal
from workflows.weights.schemas import WeightProposalCreate

DEMO_PROPOSAL_DEPARTMENT = "ops"


def load_demo_weights(session: Session, demo: DemoCompany) -> None:
    """Demo step: monthly outcomes, template weight sets (version 1) and one pending proposal for operations."""
    depts = dict(session.execute(select(Department.code, Department.id)).all())
    periods = dict(session.execute(select(Period.code, Period.id)).all())
    outcomes = demo.department_outcomes
    session.add_all(
        [
            DepartmentOutcome(
                department_id=depts[r.department_code],
                period_id=periods[r.period_code],
                value=float(r.outcome),
                source="demo",
            )
            for r in outcomes.itertuples()
            if r.department_code in depts and r.period_code in periods
        ]
    )
    first_month = min(p["start_date"] for p in demo.periods if p["kind"] == "month")
    effective_from, effective_period = first_month, f"{first_month.year:04d}-{first_month.month:02d}"
    for code in TEMPLATES:
        if code in depts:
            # The department's scorecard is its head's: at most 5 KPIs (DOMAIN §2), weights summing to 100.
            lines = scorecard(code, f"{code}_head")
            session.add(
                WeightSet(
                    department_id=depts[code],
                    version=1,
                    weights={c: float(w) for _, c, w in lines},
                    effective_from=effective_from,
                    effective_period=effective_period,
                    source="template",
                    created_by=None,
                    created_by_name="system",
                )
            )
    session.flush()
    create_proposal(session, None, WeightProposalCreate(department_id=depts[DEMO_PROPOSAL_DEPARTMENT]))


def load_demo_alerts(session: Session, demo: DemoCompany) -> None:
    """Demo load step: run the early-warning checks on the demo's 'today' and store the alerts."""
    run_alerts(session, actor=None, today=demo.today)


def load_demo_drafts(session: Session, demo: DemoCompany) -> None:
    """Demo step: the operations manager's offline draft for the current quarter, waiting to be reviewed."""
    user = session.execute(select(User).where(User.username == "manager")).scalar_one()
    caller = Caller(user_id=user.id, username=user.username, role=user.role, employee_id=user.employee_id)
    dept = session.execute(select(Department).where(Department.code == "ops")).scalar_one()
    period = session.execute(select(Period).where(Period.code == quarter_code(demo.today))).scalar_one()
    create_draft(session, caller, DraftCreate(department_id=dept.id, period_id=period.id, lang="zh"), None)
