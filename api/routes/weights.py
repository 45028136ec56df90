"""Weight routes: data-driven proposals HR approves or rejects (If-Match, Idempotency-Key), weight sets, outcomes."""

from typing import Annotated

from fastapi import APIRouter, Query, Response

from api.deps import (
    CanDecideWeights,
    CanProposeWeights,
    CanReadWeights,
    CanWriteOutcomes,
    IdempotencyKey,
    IfMatch,
    SessionDep,
)
from api.errors import PROBLEM_RESPONSES
from api.routes._util import Id, Paging, answer, page, reply
from workflows.goals.schemas import ImportReport
from workflows.shared.schemas import Page
from workflows.weights import flows as weights
from workflows.weights.schemas import (
    OutcomePublic,
    OutcomesPublic,
    OutcomesPut,
    ProposalStatus,
    WeightProposalApprove,
    WeightProposalCreate,
    WeightProposalDetail,
    WeightProposalPublic,
    WeightProposalReject,
    WeightSetPublic,
)

router = APIRouter(prefix="/api/v1", responses=PROBLEM_RESPONSES, tags=["weights"])


@router.post(
    "/weight-proposals",
    response_model=WeightProposalDetail,
    status_code=201,
    summary="Propose indicator weights for a department from its stored history (HR/admin)",
)
def create_proposal(
    response: Response,
    body: WeightProposalCreate,
    session: SessionDep,
    caller: CanProposeWeights,
    key: IdempotencyKey = None,
) -> WeightProposalDetail:
    return answer(response, WeightProposalDetail, weights.propose(session, caller, body, key))


@router.get(
    "/weight-proposals",
    response_model=Page[WeightProposalPublic],
    summary="Weight proposals: HR/admin all, managers their departments' (employees may not)",
)
def list_proposals(
    session: SessionDep,
    caller: CanReadWeights,
    p: Paging,
    status: Annotated[ProposalStatus | None, Query()] = None,
    department_id: Annotated[int | None, Query(ge=1, le=2_147_483_647)] = None,
) -> Page[WeightProposalPublic]:
    rows = weights.list_proposals(
        session, caller, status=status, department_id=department_id, limit=p.limit, offset=p.offset
    )
    return page(WeightProposalPublic, rows)


@router.get(
    "/weight-proposals/{proposal_id}",
    response_model=WeightProposalDetail,
    summary="One proposal with its evidence; the ETag is what approve/reject need as If-Match",
)
def get_proposal(
    response: Response, proposal_id: Id, session: SessionDep, caller: CanReadWeights
) -> WeightProposalDetail:
    return reply(response, WeightProposalDetail, weights.get_proposal(session, caller, proposal_id))


@router.post(
    "/weight-proposals/{proposal_id}/approve",
    response_model=WeightProposalPublic,
    summary="Approve (optionally with edited weights): a new weight-set version from next month",
)
def approve_proposal(
    response: Response,
    proposal_id: Id,
    body: WeightProposalApprove,
    session: SessionDep,
    caller: CanDecideWeights,
    if_match: IfMatch = None,
    key: IdempotencyKey = None,
) -> WeightProposalPublic:
    return answer(response, WeightProposalPublic, weights.approve(session, caller, proposal_id, body, if_match, key))


@router.post(
    "/weight-proposals/{proposal_id}/reject",
    response_model=WeightProposalPublic,
    summary="Reject a proposal: the department keeps its weights",
)
def reject_proposal(
    response: Response,
    proposal_id: Id,
    body: WeightProposalReject,
    session: SessionDep,
    caller: CanDecideWeights,
    if_match: IfMatch = None,
    key: IdempotencyKey = None,
) -> WeightProposalPublic:
    return answer(response, WeightProposalPublic, weights.reject(session, caller, proposal_id, body, if_match, key))


@router.get(
    "/departments/{department_id}/weight-sets",
    response_model=Page[WeightSetPublic],
    summary="Every version of a department's indicator weights, newest first",
)
def list_weight_sets(
    department_id: Id,
    session: SessionDep,
    caller: CanReadWeights,
    p: Paging,
) -> Page[WeightSetPublic]:
    return page(
        WeightSetPublic, weights.list_weight_sets(session, caller, department_id, limit=p.limit, offset=p.offset)
    )


@router.get(
    "/departments/{department_id}/outcomes",
    response_model=OutcomesPublic,
    summary="A department's monthly business outcomes (what proposals are fitted against)",
)
def list_outcomes(department_id: Id, session: SessionDep, caller: CanReadWeights) -> OutcomesPublic:
    rows = weights.list_outcomes(session, caller, department_id)
    data = [OutcomePublic(period_id=o.period_id, period_code=code, value=o.value, source=o.source) for o, code in rows]
    return OutcomesPublic.model_validate({"department_id": department_id, "data": data, "count": len(data)})


@router.put(
    "/departments/{department_id}/outcomes",
    response_model=ImportReport,
    summary="Store a department's outcome per period (insert or replace; HR/admin)",
)
def put_outcomes(
    department_id: Id,
    body: OutcomesPut,
    session: SessionDep,
    caller: CanWriteOutcomes,
) -> ImportReport:
    count = weights.put_outcomes(session, caller, department_id, body)
    return ImportReport(imported=count, file="(request body)")
