"""Hand-entered values for KPIs measured from sales: a reason is required, the value is shown beside the
computed one, and HR decides which counts (one decision through `workflows/shared/decisions.py`, audited)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.errors import InvalidInput, NotFound, PermissionDenied, coded
from core.security import Caller
from core.tables import ActualOverride, KpiActual, KpiAssignment, Period, SalesActual
from kpi.sales_formulas import FORMULAS
from workflows.goals.assignments import check_as_of, get_assignment
from workflows.goals.reach import ensure_may_plan, ensure_not_self
from workflows.goals.sales_actuals import is_measured
from workflows.goals.sales_schemas import OverrideCreate, OverrideDecision, OverridePublic
from workflows.shared import common, decisions


def _computed(session: Session, assignment_id: int) -> SalesActual | None:
    return session.execute(select(SalesActual).where(SalesActual.assignment_id == assignment_id)).scalar_one_or_none()


def propose_override(session: Session, caller: Caller, assignment_id: int, data: OverrideCreate) -> ActualOverride:
    """A hand-entered value with its reason, waiting for HR (audited; the caller commits)."""
    a = get_assignment(session, caller, assignment_id)
    ensure_may_plan(session, caller, a.department_id, a.employee_id)
    if not is_measured(session, a):
        raise coded(
            InvalidInput(f"KPI assignment {a.id} is not measured from sales; record its actual directly."),
            "actual.not_measured",
            "该指标不由销售数据计算，请直接填写实际值。",
        )
    period = session.get(Period, a.period_id)
    assert period is not None
    check_as_of(period, data.as_of, ["as_of"])
    computed = _computed(session, a.id)
    row = ActualOverride(
        assignment_id=a.id, as_of=data.as_of, value=data.value, reason=data.reason, status="proposed",
        computed_value=computed.value if computed else None, proposed_by=caller.user_id, note="",
    )  # fmt: skip
    return common.create(session, row, caller=caller, entity="actual_override")


@common.use_case
def decide_override(
    session: Session, caller: Caller, override_id: int, data: OverrideDecision, if_match: str | None
) -> ActualOverride:
    """HR accepts (the hand-entered value counts from its day on) or rejects (the computed one keeps counting)."""
    if not caller.sees_everything:
        raise coded(
            PermissionDenied("Only HR decides which value of a KPI measured from sales counts."), "actual.hr_decides"
        )
    row = session.get(ActualOverride, override_id)
    if row is None:
        raise coded(NotFound(f"Override {override_id} not found."), "not_found", thing="override")
    owner = session.get(KpiAssignment, row.assignment_id)
    if owner is not None:
        ensure_not_self(caller, owner.employee_id)  # nobody decides their own numbers
    expected = decisions.gate(row, if_match, entity="override", open_statuses=("proposed",))
    status = "accepted" if data.decision == "accept" else "rejected"
    changes = {"status": status, "decided_by": caller.user_id, "note": data.note}
    decisions.write(
        session, row, expected, changes, caller=caller, action=data.decision, entity="actual_override",
        record={"value": row.value, "computed_value": row.computed_value, "as_of": row.as_of.isoformat()},
    )  # fmt: skip
    computed = _computed(session, row.assignment_id)
    if computed is not None:
        computed.counts = "manual" if status == "accepted" else "sales"
    if status == "accepted":
        _count_by_hand(session, row)
    return row


def propose_override_once(
    session: Session, caller: Caller, assignment_id: int, data: OverrideCreate, key: str | None
) -> common.Answer:
    """A hand-entered value, once per Idempotency-Key."""
    return common.create_once(
        session, caller, key, data, OverridePublic, lambda: propose_override(session, caller, assignment_id, data)
    )


def _count_by_hand(session: Session, row: ActualOverride) -> None:
    actual = session.execute(
        select(KpiActual).where(KpiActual.assignment_id == row.assignment_id, KpiActual.as_of == row.as_of)
    ).scalar_one_or_none()
    if actual is None:
        session.add(KpiActual(assignment_id=row.assignment_id, as_of=row.as_of, value=row.value, source="manual"))
    else:
        actual.value, actual.source = row.value, "manual"


def sales_actual(session: Session, caller: Caller, assignment_id: int) -> dict[str, Any]:
    """The computed actual (source, shops, days, formula) and every hand-entered value beside it."""
    a = get_assignment(session, caller, assignment_id)
    c = _computed(session, a.id)
    computed = None
    if c is not None:
        f = FORMULAS[c.formula]
        computed = {
            "as_of": c.as_of, "value": c.value, "formula": c.formula, "formula_zh": f.text_zh,
            "formula_en": f.text_en, "shop_codes": c.shop_codes, "days": c.days, "missing_days": c.missing_days,
            "sums": c.sums, "counts": c.counts, "version": c.version,
        }  # fmt: skip
    overrides = session.execute(
        select(ActualOverride).where(ActualOverride.assignment_id == a.id).order_by(ActualOverride.id)
    ).scalars()
    return {
        "assignment_id": a.id,
        "measured": is_measured(session, a),
        "computed": computed,
        "overrides": list(overrides),
    }
