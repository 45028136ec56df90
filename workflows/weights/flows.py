"""Weight proposals: fit from stored history, read with department scope, approve or reject once (If-Match).

Flow: HR asks for a proposal for a department -> the monthly history (mean achievement per indicator and
the stored department outcome) goes through `kpi.fit_weights` -> the proposal is stored with the whole
report as evidence, pending. HR approves it (optionally with edited weights inside the same constraints)
or rejects it; approval adds a new version of the department's weight set, effective from the next month.
Assignments already made are never touched, so past scores never change.
"""

from __future__ import annotations

import math
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.clock import clock_of
from core.errors import InvalidInput, NotFound, coded
from core.security import Caller
from core.tables import Department, WeightProposal, WeightSet
from kpi.errors import KpiError
from kpi.rules import round_to_100
from workflows.shared import common
from workflows.shared.access import managed_department_ids
from workflows.weights.data import OUTCOME, current_weights, history_frame
from workflows.weights.decide import approve_proposal, next_month, reject_proposal
from workflows.weights.schemas import (
    WeightProposalApprove,
    WeightProposalCreate,
    WeightProposalDetail,
    WeightProposalPublic,
    WeightProposalReject,
)

# A department has one outcome per month, so two years give 24 rows. kpi's default minimum (10 rows per
# indicator) is meant for person-level data; for department-months we ask for 18 months or 3 per indicator,
# and rely on kpi's small-sample warning and shrinkage toward today's weights for the rest.
MIN_MONTHS = 18
ROWS_PER_INDICATOR = 3


def _clean(value: Any) -> Any:
    """JSON-safe copy: NaN/inf become null (PostgreSQL's JSON refuses them)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


# --- creating a proposal -------------------------------------------------------------------------------------
def _fit(
    session: Session,
    department: Department,
    data: WeightProposalCreate,
) -> tuple[dict[str, Any], dict[str, float], dict[str, float]]:
    """(evidence, proposed weights, current weights) for a department, or InvalidInput saying why not."""
    from kpi.weights import WeightsSettings, fit_weights

    cur = current_weights(session, department.id)
    if cur is None:
        raise coded(
            InvalidInput(
                f"Department {department.code!r} has no weight set and no KPI assignments to start from.",
                [{"loc": ["department_id"], "msg": "assign KPIs to the department first"}],
            ),
            "weights.nothing_to_start_from",
            department_zh=department.name_zh,
            department_en=department.name_en,
        )
    indicators = list(cur.weights)
    frame = history_frame(session, department.id, indicators)
    k = len(indicators)
    settings = WeightsSettings(min_rows=max(MIN_MONTHS, ROWS_PER_INDICATOR * k))
    try:
        report = fit_weights(
            frame,
            outcome=OUTCOME,
            indicators=indicators,
            current=cur.weights,
            bounds=(data.min_weight, data.max_weight),
            settings=settings,
        )
    except KpiError as exc:
        raise coded(
            InvalidInput(
                f"No proposal for department {department.code!r}: {exc}",
                [{"loc": ["department_id"], "msg": str(exc), "type": type(exc).__name__}],
            ),
            "weights.no_proposal",
            department_zh=department.name_zh,
            department_en=department.name_en,
        ) from exc
    group = report.groups["all"]
    evidence = report.to_dict()
    evidence["data"] = {
        "unit": "one row per completed month of the department",
        "outcome": "department_outcome.value (business outcome index of the month)",
        "indicators": "mean achievement of the department's KPI assignments in the month "
        "(actual/target, or target/actual for lower-is-better; uncapped)",
        "current_weights_from": cur.source,
        "min_rows": settings.min_rows,
        "months": frame["period_code"].tolist(),
        "rows": frame.to_dict("records"),
    }
    return _clean(evidence), round_to_100(group.weights), cur.weights


def create_proposal(session: Session, caller: Caller | None, data: WeightProposalCreate) -> WeightProposal:
    """Fit and store a pending proposal for a department (audited with its evidence; the caller commits)."""
    department = session.get(Department, data.department_id)
    if department is None:
        raise coded(NotFound(f"Department {data.department_id} not found."), "not_found", thing="department")
    evidence, proposed, current = _fit(session, department, data)
    effective_from, effective_period = next_month(clock_of(session).today())
    proposal = WeightProposal(
        department_id=department.id,
        template="department",
        status="pending",
        effective_from=effective_from,
        effective_period=effective_period,
        min_weight=data.min_weight,
        max_weight=data.max_weight,
        proposed_weights=proposed,
        current_weights=current,
        evidence=evidence,
        decision_note="",
        created_by=caller.user_id if caller else None,
        created_by_name=caller.username if caller else "system",
    )
    common.create(session, proposal, caller=caller, entity="weight_proposal")
    return proposal


# --- reading ----------------------------------------------------------------------------------------------------
def list_proposals(
    session: Session,
    caller: Caller,
    *,
    status: str | None,
    department_id: int | None,
    limit: int,
    offset: int,
) -> tuple[list[WeightProposal], int]:
    """Proposals the caller may read, newest first."""
    stmt = select(WeightProposal).order_by(WeightProposal.id.desc())
    if status:
        stmt = stmt.where(WeightProposal.status == status)
    if department_id is not None:
        stmt = stmt.where(WeightProposal.department_id == department_id)
    visible = managed_department_ids(session, caller)
    if visible is not None:
        stmt = stmt.where(WeightProposal.department_id.in_(visible))
    return common.paginate(session, stmt, limit=limit, offset=offset)


def get_proposal(session: Session, caller: Caller, proposal_id: int) -> WeightProposal:
    """A proposal the caller may read; another department's answers like a missing id (404)."""
    proposal = session.get(WeightProposal, proposal_id)
    visible = managed_department_ids(session, caller)
    if proposal is None or (visible is not None and proposal.department_id not in visible):
        raise coded(NotFound(f"Weight proposal {proposal_id} not found."), "not_found", thing="weight_proposal")
    return proposal


def list_weight_sets(
    session: Session,
    caller: Caller,
    department_id: int,
    *,
    limit: int,
    offset: int,
) -> tuple[list[WeightSet], int]:
    """Every version of a department's weight set, newest first (old versions stay readable)."""
    visible = managed_department_ids(session, caller)
    if session.get(Department, department_id) is None or (visible is not None and department_id not in visible):
        raise coded(NotFound(f"Department {department_id} not found."), "not_found", thing="department")
    stmt = select(WeightSet).where(WeightSet.department_id == department_id).order_by(WeightSet.version.desc())
    return common.paginate(session, stmt, limit=limit, offset=offset)


# --- the use cases the API calls: one transaction each, with the Idempotency-Key record inside it -------------
Answer = tuple[int, dict[str, Any]]


def propose(session: Session, caller: Caller, data: WeightProposalCreate, key: str | None) -> Answer:
    """HR asks for a proposal: fit, store and audit it; a retry with the same key gets the first answer."""
    return common.run_once(
        session,
        caller=caller,
        key=key,
        payload={"op": "propose", **data.model_dump(mode="json")},
        produce=lambda: (201, _detail(create_proposal(session, caller, data))),
    )


def approve(
    session: Session,
    caller: Caller,
    proposal_id: int,
    data: WeightProposalApprove,
    if_match: str | None,
    key: str | None,
) -> Answer:
    """HR approves (If-Match): decision, new weight set, audit events and the key's record commit together."""
    payload = {"op": f"approve:{proposal_id}", **data.model_dump(mode="json")}
    return common.run_once(
        session,
        caller=caller,
        key=key,
        payload=payload,
        produce=lambda: (200, _public(approve_proposal(session, caller, proposal_id, data, if_match))),
    )


def reject(
    session: Session,
    caller: Caller,
    proposal_id: int,
    data: WeightProposalReject,
    if_match: str | None,
    key: str | None,
) -> Answer:
    """HR rejects (If-Match): the decision and the key's record commit together."""
    payload = {"op": f"reject:{proposal_id}", **data.model_dump(mode="json")}
    return common.run_once(
        session,
        caller=caller,
        key=key,
        payload=payload,
        produce=lambda: (200, _public(reject_proposal(session, caller, proposal_id, data, if_match))),
    )


def _detail(proposal: WeightProposal) -> dict[str, Any]:
    return WeightProposalDetail.model_validate(proposal).model_dump(mode="json")


def _public(proposal: WeightProposal) -> dict[str, Any]:
    return WeightProposalPublic.model_validate(proposal).model_dump(mode="json")


# Department outcomes (routes import only this module).
from workflows.weights.outcomes import list_outcomes as list_outcomes  # noqa: E402
from workflows.weights.outcomes import put_outcomes as put_outcomes  # noqa: E402
