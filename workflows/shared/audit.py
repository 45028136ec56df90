"""The append-only, hash-chained audit log: written inside the caller's transaction, verified on demand."""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core.clock import clock_of
from core.security import Caller
from core.tables import AuditEvent, AuditHead

GENESIS = "0" * 64


def _canonical(value: Any) -> Any:
    """The JSON form that is both stored and hashed, so a stored event re-hashes to the same digest."""
    return json.loads(json.dumps(value, default=str, ensure_ascii=False, sort_keys=True))


def _utc_text(at: datetime) -> str:
    if at.tzinfo is not None:
        at = at.astimezone(UTC).replace(tzinfo=None)
    return at.isoformat(timespec="microseconds")


def event_hash(prev_hash: str, ev: AuditEvent) -> str:
    """The digest of one event chained to the previous one."""
    body = {
        "prev": prev_hash,
        "at": _utc_text(ev.at),
        "actor": ev.actor,
        "actor_user_id": ev.actor_user_id,
        "action": ev.action,
        "entity": ev.entity,
        "entity_id": ev.entity_id,
        "before": ev.before,
        "after": ev.after,
    }
    text = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def record(
    session: Session,
    *,
    actor: Caller | None,
    action: str,
    entity: str,
    entity_id: object,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit event in the current transaction (the caller commits)."""
    # Bumping the head row first takes its lock, so concurrent writers queue instead of forking the chain.
    bumped = session.execute(update(AuditHead).where(AuditHead.id == 1).values(count=AuditHead.count + 1))
    if bumped.rowcount == 0:  # type: ignore[attr-defined]
        session.add(AuditHead(id=1, last_hash=GENESIS, count=1))
        session.flush()
    head = session.execute(select(AuditHead).where(AuditHead.id == 1)).scalar_one()
    ev = AuditEvent(
        at=clock_of(session).now().replace(tzinfo=None),
        actor_user_id=actor.user_id if actor else None,
        actor=actor.username if actor else "system",
        action=action,
        entity=entity,
        entity_id=str(entity_id),
        before=_canonical(before) if before is not None else None,
        after=_canonical(after) if after is not None else None,
        prev_hash=head.last_hash,
    )
    ev.hash = event_hash(head.last_hash, ev)
    session.add(ev)
    head.last_hash = ev.hash
    session.flush()
    return ev


@dataclass(frozen=True)
class ChainReport:
    """What `verify_chain` found."""

    ok: bool
    checked: int
    problems: list[str]


def verify_chain(session: Session) -> ChainReport:
    """Re-hash every event in order; report edits, deletions and a head that does not match."""
    problems: list[str] = []
    prev = GENESIS
    count = 0
    for ev in session.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars():
        count += 1
        if ev.prev_hash != prev:
            problems.append(f"event {ev.id}: previous-hash link broken (an event before it was deleted or edited)")
        if event_hash(ev.prev_hash, ev) != ev.hash:
            problems.append(f"event {ev.id}: content does not match its hash (the event was edited)")
        prev = ev.hash
    head = session.get(AuditHead, 1)
    if head is not None:
        if head.last_hash != prev:
            problems.append("the newest event is missing: the chain head points at an event that is not there")
        if head.count != count:
            problems.append(f"the log should hold {head.count} events but holds {count}")
    elif count:
        problems.append("events exist but the chain head is missing")
    return ChainReport(ok=not problems, checked=count, problems=problems)
