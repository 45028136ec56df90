"""Department outcomes (what weights should predict) and the demo step that seeds the weights feature."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.errors import Conflict, InvalidInput, NotFound
from core.security import Caller
from core.tables import Department, DepartmentOutcome, Period
from workflows.shared import audit, common
from workflows.shared.access import managed_department_ids
from workflows.weights.schemas import OutcomesPut


def _department(session: Session, caller: Caller, department_id: int) -> Department:
    visible = managed_department_ids(session, caller)
    dept = session.get(Department, department_id)
    if dept is None or (visible is not None and department_id not in visible):
        raise NotFound(f"Department {department_id} not found.")
    return dept


def list_outcomes(session: Session, caller: Caller, department_id: int) -> list[tuple[DepartmentOutcome, str]]:
    """A department's stored outcomes with their period codes, oldest first (managers: own departments)."""
    _department(session, caller, department_id)
    rows = session.execute(
        select(DepartmentOutcome, Period.code)
        .join(Period, Period.id == DepartmentOutcome.period_id)
        .where(DepartmentOutcome.department_id == department_id)
        .order_by(Period.start_date)
    ).all()
    return [(o, code) for o, code in rows]


def put_outcomes(session: Session, caller: Caller, department_id: int, data: OutcomesPut) -> int:
    """Insert or replace a department's outcome per period (audited, one commit); returns the count."""
    _department(session, caller, department_id)
    period_ids = [o.period_id for o in data.outcomes]
    if len(set(period_ids)) != len(period_ids):
        raise InvalidInput("Each period may appear once.", [{"loc": ["outcomes"], "msg": "duplicate period_id"}])
    known = set(session.execute(select(Period.id).where(Period.id.in_(period_ids))).scalars())
    missing = [i for i, p in enumerate(period_ids) if p not in known]
    if missing:
        raise InvalidInput(
            "Unknown period.", [{"loc": ["outcomes", i, "period_id"], "msg": "no such period"} for i in missing]
        )
    existing = {
        o.period_id: o
        for o in session.execute(
            select(DepartmentOutcome).where(
                DepartmentOutcome.department_id == department_id, DepartmentOutcome.period_id.in_(period_ids)
            )
        ).scalars()
    }
    for item in data.outcomes:
        row = existing.get(item.period_id)
        before = common.snapshot(row) if row is not None else None
        if row is None:
            row = DepartmentOutcome(
                department_id=department_id, period_id=item.period_id, value=item.value, source="api"
            )
            session.add(row)
        else:
            row.value, row.source = item.value, "api"
        try:
            session.flush()
        except IntegrityError as exc:  # another request stored the same period at the same moment
            session.rollback()
            raise Conflict("Outcomes of this department changed at the same moment; send them again.") from exc
        audit.record(
            session,
            actor=caller,
            action="update" if before else "create",
            entity="department_outcome",
            entity_id=row.id,
            before=before,
            after=common.snapshot(row),
        )
    session.commit()  # the use case owns its one transaction
    return len(data.outcomes)
