"""Deciding a weight proposal (DOMAIN.md §7): HR approves it once, as proposed or edited within its bounds, and
the department gets a new weight-set version from next month; or rejects it and keeps its weights. Each
decision is one step of the one decision path (`workflows/shared/decisions.py`): one audit event with the
evidence the decider was shown. The caller commits (`flows.approve` / `flows.reject`)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.clock import clock_of
from core.errors import Conflict, InvalidInput, NotFound, PreconditionFailed, coded
from core.security import Caller
from core.tables import WeightProposal, WeightSet
from kpi.rules import weight_problems
from workflows.shared import common, decisions
from workflows.weights.data import next_weight_set_version
from workflows.weights.schemas import WeightProposalApprove, WeightProposalReject


def next_month(day: date) -> tuple[date, str]:
    """The first day and code (YYYY-MM) of the month after `day`: new weights apply from there."""
    first = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return first, f"{first.year:04d}-{first.month:02d}"


def _pending(session: Session, proposal_id: int, if_match: str | None) -> tuple[WeightProposal, int]:
    """The proposal if it may still be decided at the If-Match version (428, 404, 409, 412 otherwise)."""
    proposal = session.get(WeightProposal, proposal_id)
    if proposal is None:
        raise coded(NotFound(f"Weight proposal {proposal_id} not found."), "not_found", thing="weight_proposal")
    expected = decisions.gate(
        proposal,
        if_match,
        entity="weight proposal",
        open_statuses=("pending",),
        closed=f"Weight proposal {proposal_id} was already {proposal.status} by {proposal.decided_by_name}; "
        "ask for a new proposal instead.",
    )
    return proposal, expected


def _lost_race(session: Session, proposal_id: int) -> Exception:
    """What a decision that collided with a concurrent one should answer, read after rolling back."""
    proposal = session.get(WeightProposal, proposal_id)
    if proposal is not None and proposal.status != "pending":
        return coded(
            Conflict(f"Weight proposal {proposal_id} was decided by someone else at the same moment."),
            "weights.decided_meanwhile",
        )
    return coded(
        PreconditionFailed("The department's weights changed at the same moment; GET the proposal and retry."),
        "weights.changed_meanwhile",
    )


def checked_weights(proposal: WeightProposal, edited: dict[str, float]) -> dict[str, float]:
    """Edited weights if they name exactly the proposal's indicators, respect its bounds and sum to 100."""
    names = list(proposal.proposed_weights)
    problems = weight_problems(edited, expected=names, bounds=(proposal.min_weight, proposal.max_weight))
    if problems:
        errors: list[dict[str, object]] = [
            {"loc": ["weights", p.code] if p.code else ["weights"], "msg": p.message} for p in problems
        ]
        raise coded(
            InvalidInput("The edited weights break the proposal's constraints.", errors), "weights.edits_invalid"
        )
    return {code: float(edited[code]) for code in names}


def approve_proposal(
    session: Session,
    caller: Caller,
    proposal_id: int,
    data: WeightProposalApprove,
    if_match: str | None,
) -> WeightProposal:
    """Approve once: a new weight-set version from next month, the proposal marked approved; audited (the
    caller commits: see `approve`)."""
    proposal, expected = _pending(session, proposal_id, if_match)
    weights = checked_weights(proposal, data.weights) if data.weights is not None else dict(proposal.proposed_weights)
    effective_from, effective_period = next_month(clock_of(session).today())
    weight_set = WeightSet(
        department_id=proposal.department_id,
        version=next_weight_set_version(session, proposal.department_id),
        weights=weights,
        effective_from=effective_from,
        effective_period=effective_period,
        source="proposal",
        source_proposal_id=proposal.id,
        created_by=caller.user_id,
        created_by_name=caller.username,
    )
    session.add(weight_set)
    try:
        # The (department, version) key serialises racing approvals: the loser fails here and rolls back.
        session.flush()
    except IntegrityError:
        session.rollback()
        raise _lost_race(session, proposal_id) from None
    edited = data.weights is not None and weights != dict(proposal.proposed_weights)
    record = _decision_record(proposal, "approved", weights, edited, data.note, weight_set.version)
    record["weight_set"] = common.snapshot(weight_set)
    changes = {
        "status": "approved",
        "approved_weights": weights,
        "decided_by": caller.user_id,
        "decided_by_name": caller.username,
        "decided_at": clock_of(session).now(),
        "decision_note": data.note,
        "effective_from": effective_from,
        "effective_period": effective_period,
        "weight_set_version": weight_set.version,
    }
    return decisions.write(
        session, proposal, expected, changes, caller=caller, action="approve", entity="weight_proposal", record=record
    )


def reject_proposal(
    session: Session,
    caller: Caller,
    proposal_id: int,
    data: WeightProposalReject,
    if_match: str | None,
) -> WeightProposal:
    """Reject once (If-Match): the department keeps its weights; audited with the evidence seen (the caller
    commits: see `reject`)."""
    proposal, expected = _pending(session, proposal_id, if_match)
    record = _decision_record(proposal, "rejected", None, False, data.note, None)
    changes = {
        "status": "rejected",
        "decided_by": caller.user_id,
        "decided_by_name": caller.username,
        "decided_at": clock_of(session).now(),
        "decision_note": data.note,
    }
    return decisions.write(
        session, proposal, expected, changes, caller=caller, action="reject", entity="weight_proposal", record=record
    )


def _decision_record(
    proposal: WeightProposal,
    status: str,
    weights: dict[str, float] | None,
    edited: bool,
    note: str,
    weight_set_version: int | None,
) -> dict[str, Any]:
    """The audit trail of a decision: what was decided and the evidence the decider was shown."""
    group = (proposal.evidence.get("groups") or {}).get("all", {})
    return {
        "proposal_id": proposal.id,
        "department_id": proposal.department_id,
        "status": status,
        "decided_weights": weights,
        "edited": edited,
        "note": note,
        "weight_set_version": weight_set_version,
        "evidence_shown": {
            "proposed_weights": proposal.proposed_weights,
            "current_weights": proposal.current_weights,
            "weights_ci": group.get("weights_ci"),
            "cv_score": group.get("cv_score"),
            "n": group.get("n"),
            "warnings": [w.get("code") for w in group.get("warnings", [])],
            "method_en": (proposal.evidence.get("method") or {}).get("en"),
        },
    }
