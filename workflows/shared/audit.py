"""The append-only, hash-chained audit log: written inside the caller's transaction, verified on demand.

Each event stores the SHA-256 of its content chained to the previous event's hash; with an audit key
configured (core.keys) every event hash and the head (count, newest hash) are also signed with an HMAC. The
plain chain shows edits and deletions; the signatures show what a database writer could otherwise fake:
an edited event whose successors were re-chained, and newest events deleted with the head fixed to match.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from core.clock import clock_of
from core.errors import Conflict, InvalidInput, coded
from core.keys import AuditKeys, audit_keys_of
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
    if ev.actor_employee_id is not None:  # the person behind the login (events before it was kept hash as they did)
        body["actor_employee_id"] = ev.actor_employee_id
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
    head = session.execute(
        select(AuditHead).where(AuditHead.id == 1).execution_options(populate_existing=True)
    ).scalar_one()
    ev = AuditEvent(
        at=clock_of(session).now().replace(tzinfo=None),
        actor_user_id=actor.user_id if actor else None,
        actor_employee_id=actor.employee_id if actor else None,
        actor=actor.username if actor else "system",
        action=action,
        entity=entity,
        entity_id=str(entity_id),
        before=_canonical(before) if before is not None else None,
        after=_canonical(after) if after is not None else None,
        prev_hash=head.last_hash,
    )
    ev.hash = event_hash(head.last_hash, ev)
    keys = audit_keys_of(session)
    ev.key_id, ev.mac = _sign(keys, event_message(ev.hash))
    session.add(ev)
    head.last_hash = ev.hash
    head.key_id, head.mac = _sign(keys, head_message(head.count, ev.hash))
    if keys is not None and head.signed_from is None:
        head.signed_from = head.count  # from here on every event has a signature to lose
    session.flush()
    return ev


def event_message(digest: str) -> str:
    """What an event's signature covers: its hash (which covers its content and its predecessor)."""
    return f"event:{digest}"


def head_message(count: int, last_hash: str) -> str:
    """What the head's signature covers: how many events the log holds and the newest one's hash."""
    return f"head:{count}:{last_hash}"


def _sign(keys: AuditKeys | None, message: str) -> tuple[str | None, str | None]:
    return keys.sign(message) if keys is not None else (None, None)


@dataclass(frozen=True)
class ChainReport:
    """What `verify_chain` found."""

    ok: bool
    checked: int
    problems: list[str]
    signed: bool = False  # whether signatures were checked (an audit key was configured)
    last_hash: str = GENESIS


def verify_chain(session: Session) -> ChainReport:
    """Re-hash every event in order; report edits, deletions, a head that does not match and, with the
    audit key, every event or head whose signature a database writer forged, dropped or replayed."""
    keys = audit_keys_of(session)
    problems: list[str] = []
    prev = GENESIS
    count = 0
    for ev in session.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars():
        count += 1
        if ev.prev_hash != prev:
            problems.append(f"event {ev.id}: previous-hash link broken (an event before it was deleted or edited)")
        if event_hash(ev.prev_hash, ev) != ev.hash:
            problems.append(f"event {ev.id}: content does not match its hash (the event was edited)")
        if keys is not None and (why := keys.check(ev.key_id, event_message(ev.hash), ev.mac)):
            problems.append(f"event {ev.id}: {why} (written or re-chained without the audit key)")
        prev = ev.hash
    head = session.get(AuditHead, 1)
    if head is not None:
        if head.last_hash != prev:
            problems.append("the newest event is missing: the chain head points at an event that is not there")
        if head.count != count:
            problems.append(f"the log should hold {head.count} events but holds {count}")
        if keys is not None and (why := keys.check(head.key_id, head_message(head.count, head.last_hash), head.mac)):
            problems.append(f"the chain head: {why} (events were truncated or the head rewritten)")
    elif count:
        problems.append("events exist but the chain head is missing")
    return ChainReport(ok=not problems, checked=count, problems=problems, signed=keys is not None, last_hash=prev)


def seal(session: Session, actor: Caller | None) -> int:
    """Sign every event and the head with the current audit key (after an upgrade or a key rotation).

    Refuses unless the chain is intact apart from unsigned events or events signed with an older key, so a
    seal never blesses tampering. Returns how many events were (re-)signed; the caller commits."""
    keys = audit_keys_of(session)
    if keys is None:
        raise coded(
            InvalidInput("No audit key is configured: set KPILOT_AUDIT_KEY (or a real KPILOT_SECRET_KEY) first."),
            "audit.no_key",
        )
    report = verify_chain(session)
    blocking = [p for p in report.problems if "not signed" not in p]
    if blocking:
        raise coded(
            Conflict("The audit chain is not intact; nothing was sealed: " + "; ".join(blocking[:5])),
            "audit.chain_broken",
        )
    events = list(session.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars())
    head = session.get(AuditHead, 1)
    _refuse_lost_signatures(events, head)
    resigned = unsigned = 0
    for ev in events:
        if ev.key_id != keys.current_id or keys.check(ev.key_id, event_message(ev.hash), ev.mac):
            unsigned += not (ev.key_id and ev.mac)
            ev.key_id, ev.mac = keys.sign(event_message(ev.hash))
            resigned += 1
    if head is not None:
        head.signed_from = 1 if events else None
    session.flush()
    record(
        session,
        actor=actor,
        action="seal",
        entity="audit_chain",
        entity_id=keys.current_id,
        after={"resigned": resigned, "signed_first_time": unsigned},
    )
    return resigned


def _refuse_lost_signatures(events: list[AuditEvent], head: AuditHead | None) -> None:
    """Conflict when an event from the first signed one on, or the head, has no signature: it once had one
    (a seal signs only events written before any key existed)."""
    signed = [i for i, ev in enumerate(events, start=1) if ev.key_id or ev.mac]
    marks = signed[:1] + ([head.signed_from] if head is not None and head.signed_from else [])
    if not marks:
        return  # no event was ever written with a key: all of them predate it
    since = min(marks)
    lost = [ev.id for i, ev in enumerate(events, start=1) if i >= since and not (ev.key_id and ev.mac)]
    head_lost = head is not None and not (head.key_id and head.mac)
    if lost or head_lost:
        what = f"{len(lost)} event(s) from #{lost[0]} on" if lost else "the chain head"
        raise coded(
            Conflict(
                f"The audit chain lost signatures it once had ({what}; events are signed from position {since} on); "
                "nothing was sealed. Restore the log from a backup and compare it with `kpilot audit verify`."
            ),
            "audit.signatures_lost",
        )


def unsigned_before_keys(session: Session) -> int:
    """How many events a seal would sign for the first time (those written before any audit key existed)."""
    stmt = select(AuditEvent.id).where(or_(AuditEvent.key_id.is_(None), AuditEvent.mac.is_(None)))
    return len(session.execute(stmt).scalars().all())
