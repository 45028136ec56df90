"""The weights workflow on the demo company: the history it fits on, refusals, and racing approvals."""

import threading
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import numpy as np
import pytest
from sqlalchemy import delete, func, select

from core.db import session_factory, session_scope
from core.errors import Conflict, InvalidInput, PreconditionFailed
from core.security import Caller
from core.tables import Company, Department, User, WeightProposal, WeightSet
from demo.company import generate_demo_company
from kpi.rules import round_to_100
from workflows.weights import flows as weights
from workflows.weights.data import current_weights, history_frame
from workflows.weights.decide import next_month
from workflows.weights.schemas import WeightProposalApprove, WeightProposalCreate


@pytest.fixture(scope="module")
def flow_db(demo_url: str) -> str:
    """The shared demo database: these tests add rows of their own or roll back, and assert only on data
    that other suites (the API fuzzer among them) cannot have changed."""
    return demo_url


def _caller(url: str, username: str = "hr") -> Caller:
    with session_scope(url, write=False) as s:
        user = s.execute(select(User).where(User.username == username)).scalar_one()
        return Caller(user_id=user.id, username=user.username, role=user.role, employee_id=user.employee_id)


def _dept(url: str, code: str) -> int:
    with session_scope(url, write=False) as s:
        return int(s.execute(select(Department.id).where(Department.code == code)).scalar_one())


def test_next_month_and_rounding() -> None:
    assert next_month(date(2026, 11, 27)) == (date(2026, 12, 1), "2026-12")
    assert next_month(date(2026, 12, 31)) == (date(2027, 1, 1), "2027-01")
    rounded = round_to_100({"a": 1.0, "b": 1.0, "c": 1.0})
    assert sum(round(v * 100) for v in rounded.values()) == 10_000 and sorted(rounded.values()) == [33.33, 33.33, 33.34]
    assert round_to_100({"a": 5.0, "b": 40.0, "c": 55.0}) == {"a": 5.0, "b": 40.0, "c": 55.0}


def test_history_from_stored_actuals_matches_the_generator(flow_db: str) -> None:
    """Mean achievements rebuilt from kpi_assignment/kpi_actual equal the generator's own columns."""
    demo = generate_demo_company(7)
    truth = demo.department_outcomes
    truth = truth[truth["department_code"] == "cs"].reset_index(drop=True)
    codes = ["first_response_time", "resolution_rate", "csat", "complaint_closure_time", "product_knowledge_score"]
    with session_scope(flow_db, write=False) as s:
        frame = history_frame(s, _dept(flow_db, "cs"), codes)
    assert frame["period_code"].tolist() == truth["period_code"].tolist()
    assert frame["outcome"].notna().all()  # the values themselves may have been replaced through the API
    for code in codes:  # lower-is-better first_response_time is flipped to target/actual like the generator
        assert np.allclose(frame[code].to_numpy(float), truth[code].to_numpy(float), equal_nan=True), code


def test_current_weights_come_from_the_latest_set_else_from_assignments(flow_db: str) -> None:
    hr_dept = _dept(flow_db, "hr")
    with session_scope(flow_db) as s:
        latest = current_weights(s, hr_dept)
        assert latest is not None and latest.source.startswith("weight_set v")
        s.execute(delete(WeightSet).where(WeightSet.department_id == hr_dept))
        derived = current_weights(s, hr_dept)
        s.rollback()
    assert derived is not None and derived.source.startswith("assignments ")
    assert abs(sum(derived.weights.values()) - 100) < 1e-9
    assert set(derived.weights) == {
        "hiring_fill_rate",
        "training_plan_completion",
        "team_attrition",
        "cross_dept_satisfaction",
        "training_completion",
    }


def test_kpi_refusals_become_invalid_input(flow_db: str) -> None:
    caller = _caller(flow_db)
    with session_scope(flow_db) as s:
        # A new department with a weight set and no stored outcome: kpi refuses for a missing outcome.
        company = s.execute(select(Company.id)).scalar_one()
        dept = Department(company_id=company, code=f"w-{uuid.uuid4().hex[:8]}", name_zh="新部门", name_en="New")
        s.add(dept)
        s.flush()
        with pytest.raises(InvalidInput) as bare:
            weights.create_proposal(s, caller, WeightProposalCreate(department_id=dept.id))
        s.add(
            WeightSet(
                department_id=dept.id,
                version=1,
                weights={"csat": 40.0, "roas": 30.0, "aov": 30.0},
                effective_from=date(2024, 1, 1),
                effective_period="2024-01",
                created_by_name="test",
            )
        )
        s.flush()
        with pytest.raises(InvalidInput) as missing:
            weights.create_proposal(s, caller, WeightProposalCreate(department_id=dept.id))
        with pytest.raises(InvalidInput) as bounds:
            weights.create_proposal(
                s, caller, WeightProposalCreate(department_id=_dept(flow_db, "cs"), min_weight=25, max_weight=30)
            )
        s.rollback()
    assert "no weight set and no KPI assignments" in str(bare.value)
    assert missing.value.errors[0]["type"] == "MissingOutcomeError"
    assert bounds.value.errors[0]["type"] == "InvalidBoundsError" and "cannot sum to 100" in str(bounds.value)


def _pending_proposal(url: str, dept_code: str) -> WeightProposal:
    """A pending proposal inserted directly (the race is about deciding, not fitting)."""
    with session_scope(url) as s:
        p = WeightProposal(
            department_id=_dept(url, dept_code),
            status="pending",
            effective_from=date(2030, 1, 1),
            effective_period="2030-01",
            min_weight=5,
            max_weight=60,
            proposed_weights={"a": 50.0, "b": 50.0},
            current_weights=None,
            evidence={"groups": {}},
            decision_note="",
            created_by_name="test",
        )
        s.add(p)
    return p


def test_fifty_racing_approvals_one_wins(flow_db: str) -> None:
    caller = _caller(flow_db)
    proposal = _pending_proposal(flow_db, "live")
    dept = proposal.department_id
    with session_scope(flow_db, write=False) as s:
        sets_before = s.execute(select(func.count(WeightSet.id)).where(WeightSet.department_id == dept)).scalar()
    start = threading.Barrier(50)
    factory = session_factory(flow_db, write=True)

    def approve(_: int) -> str:
        start.wait()  # all fifty leave together, so reads and writes really overlap
        with factory() as session:
            try:
                weights.approve(session, caller, proposal.id, WeightProposalApprove(), '"1"', None)
            except (PreconditionFailed, Conflict) as exc:
                return type(exc).__name__
            return "ok"

    with ThreadPoolExecutor(max_workers=50) as pool:
        outcomes = Counter(pool.map(approve, range(50)))
    assert outcomes["ok"] == 1, outcomes
    assert set(outcomes) <= {"ok", "PreconditionFailed", "Conflict"}, outcomes
    with session_scope(flow_db, write=False) as s:
        stored = s.get(WeightProposal, proposal.id)
        assert stored is not None and stored.status == "approved" and stored.version == 2
        sets = s.execute(select(WeightSet).where(WeightSet.department_id == dept)).scalars().all()
        assert len(sets) == int(sets_before or 0) + 1
        assert [ws.source_proposal_id for ws in sets].count(proposal.id) == 1
    from workflows.shared.audit import verify_chain

    with session_scope(flow_db, write=False) as s:
        assert verify_chain(s).ok
