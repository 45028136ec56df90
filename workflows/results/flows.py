"""Use cases on a period's results: read them (scoped to who may see whom) and HR's calibration change of a grade.

A calibration change: HR names the period, the person, the new grade and why -> nobody changes their own grade,
the person must have a result in the period -> the change is stored and audited -> the period's stored results
are rewritten (history in the audit log) -> a proposed bonus allocation of the period follows the new grade.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from sqlalchemy.orm import Session

from core.errors import InvalidInput, NotFound, coded
from core.security import Caller
from core.tables import GradeCalibration, Period
from workflows.pay import pools
from workflows.results.grades import period_results
from workflows.results.schemas import GradeChange, GradeChangePublic, ResultPublic
from workflows.results.store import record_results
from workflows.shared import common
from workflows.shared.period_lock import ensure_open

Answer = tuple[int, dict[str, Any]]


def change_grade(session: Session, caller: Caller, body: GradeChange, key: str | None) -> Answer:
    """Store HR's grade change with its reason, rewrite the period's results and the proposed allocation."""

    def produce() -> Answer:
        period = session.get(Period, body.period_id)
        if period is None:
            raise coded(NotFound(f"Period {body.period_id} not found."), "not_found", thing="period")
        ensure_open(session, period.id, body.employee_id)
        if caller.employee_id == body.employee_id:
            raise coded(
                InvalidInput(
                    "Nobody changes their own grade; another HR officer or an admin must do it.",
                    [{"loc": ["body", "employee_id"], "msg": "nobody changes their own grade"}],
                ),
                "results.own_grade",
            )
        if body.employee_id not in period_results(session, period):
            raise coded(
                InvalidInput(
                    "This person has no result in the period (no actual recorded), so there is no grade to change.",
                    [{"loc": ["body", "employee_id"], "msg": "no result in this period"}],
                ),
                "results.no_result",
            )
        change = GradeCalibration(
            period_id=period.id,
            employee_id=body.employee_id,
            grade=body.grade,
            reason=body.reason,
            decided_by=caller.user_id,
        )
        common.create(session, change, caller=caller, entity="grade_calibration")
        record_results(session, period, caller=caller, cause=f"calibration #{change.id}: {body.reason}")
        pools.recompute(session, caller, period.id, f"recomputed after calibration #{change.id}: {body.reason}")
        result = period_results(session, period)[body.employee_id]
        out = GradeChangePublic(
            id=change.id,
            period_id=period.id,
            employee_id=body.employee_id,
            grade=body.grade,
            reason=body.reason,
            result=ResultPublic.model_validate(asdict(result)),
        )
        return 201, out.model_dump(mode="json")

    return common.run_once(session, caller=caller, key=key, payload=body.model_dump(mode="json"), produce=produce)
