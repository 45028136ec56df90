"""Reading the audit log for people (HR/admin): filtered by who, what and when (company-local days), newest
first, with the person behind each login; and the values the filters may take."""

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from core.clock import clock_of
from core.tables import AuditEvent, Employee
from workflows.shared import common
from workflows.shared.audit_schemas import AuditActor, AuditEventRow, AuditFacets


def _utc_start(day: date, session: Session) -> datetime:
    """The first instant of a company-local day, as the naive UTC the log stores."""
    local = datetime.combine(day, time.min, tzinfo=clock_of(session).tz)
    return local.astimezone(UTC).replace(tzinfo=None)


def _filtered(
    session: Session,
    *,
    actor: str | None,
    action: str | None,
    entity: str | None,
    since: date | None,
    until: date | None,
) -> Select[Any]:
    stmt = select(AuditEvent).order_by(AuditEvent.id.desc())
    for column, value in ((AuditEvent.actor, actor), (AuditEvent.action, action), (AuditEvent.entity, entity)):
        if value:
            stmt = stmt.where(column == value)
    if since is not None:
        stmt = stmt.where(AuditEvent.at >= _utc_start(since, session))
    if until is not None:
        stmt = stmt.where(AuditEvent.at < _utc_start(until + timedelta(days=1), session))
    return stmt


def list_events(
    session: Session,
    *,
    actor: str | None = None,
    action: str | None = None,
    entity: str | None = None,
    since: date | None = None,
    until: date | None = None,
    limit: int,
    offset: int,
) -> tuple[list[AuditEventRow], int]:
    """One page of matching events, newest first, each with its actor's person name."""
    stmt = _filtered(session, actor=actor, action=action, entity=entity, since=since, until=until)
    rows, count = common.paginate(session, stmt, limit=limit, offset=offset)
    ids = {r.actor_employee_id for r in rows if r.actor_employee_id is not None}
    people = {e.id: e for e in session.execute(select(Employee).where(Employee.id.in_(ids))).scalars()} if ids else {}
    out = []
    for r in rows:
        person = people.get(r.actor_employee_id) if r.actor_employee_id is not None else None
        row = AuditEventRow.model_validate(r)
        if person is not None:
            row.actor_name_zh, row.actor_name_en = person.name_zh, person.name_en
        out.append(row)
    return out, count


def facets(session: Session) -> AuditFacets:
    """Who and what appear in the log (for the filters), and the company's time zone."""
    pairs = session.execute(select(AuditEvent.actor, AuditEvent.actor_employee_id).distinct()).all()
    ids = {e for _, e in pairs if e is not None}
    people = {e.id: e for e in session.execute(select(Employee).where(Employee.id.in_(ids))).scalars()} if ids else {}
    actors: dict[str, AuditActor] = {}
    for login, emp_id in pairs:
        person = people.get(emp_id) if emp_id is not None else None
        if login not in actors or person is not None:
            actors[login] = AuditActor(
                actor=login, name_zh=person.name_zh if person else None, name_en=person.name_en if person else None
            )
    actions = sorted(session.execute(select(AuditEvent.action).distinct()).scalars())
    entities = sorted(session.execute(select(AuditEvent.entity).distinct()).scalars())
    return AuditFacets(
        actors=sorted(actors.values(), key=lambda a: a.actor),
        actions=actions,
        entities=entities,
        timezone=clock_of(session).tz.key,
    )
