"""Helpers every workflow uses: row snapshots, optimistic updates, paging, idempotent creates."""

import hashlib
import json
from collections.abc import Callable
from datetime import date, datetime
from typing import Any, TypeVar, cast

from sqlalchemy import Select, func, inspect, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.errors import Conflict, InvalidInput
from core.security import Caller
from core.tables import Base, IdempotencyRecord
from workflows.shared import audit, decisions

parse_if_match = decisions.parse_if_match
etag = decisions.etag

T = TypeVar("T", bound=Base)


def snapshot(obj: Base) -> dict[str, Any]:
    """The column values of a row, JSON-friendly (for audit before/after)."""
    out: dict[str, Any] = {}
    for col in inspect(obj).mapper.column_attrs:
        value = getattr(obj, col.key)
        if isinstance(value, date | datetime):
            value = value.isoformat()
        out[col.key] = value
    out.pop("created_at", None)
    out.pop("updated_at", None)
    out.pop("password_hash", None)  # never copied into the audit log or a response
    return out


def create(session: Session, obj: T, *, caller: Caller | None, entity: str) -> T:
    """Insert and audit `obj` in the open transaction (the caller commits; `caller` None: the system); a
    duplicate key becomes 409."""
    session.add(obj)
    try:
        session.flush()
    except IntegrityError as exc:
        session.rollback()
        raise Conflict(f"A {entity} with the same unique key already exists, or a referenced id does not.") from exc
    audit.record(
        session,
        actor=caller,
        action="create",
        entity=entity,
        entity_id=obj.id,  # type: ignore[attr-defined]
        after=snapshot(obj),
    )
    return obj


def update_versioned(
    session: Session,
    obj: T,
    changes: dict[str, Any],
    *,
    if_match: str | None,
    caller: Caller,
    entity: str,
) -> T:
    """An edit of a versioned row through the one decision path (`decisions.gate` + `decisions.write`): only if
    the row is still at the If-Match version, audited once with the row before and after."""
    row = cast(decisions.VersionedRow, obj)  # every table edited this way is Versioned and has an id
    expected = decisions.gate(row, if_match, entity=entity)
    if not changes:
        raise InvalidInput("The update names no field to change.")
    before = snapshot(obj)
    decisions.write(session, row, expected, changes, caller=caller, action="update", entity=entity, before=before)
    return obj


def paginate(session: Session, stmt: Select[Any], *, limit: int, offset: int) -> tuple[list[Any], int]:
    """One page of `stmt` and the total count."""
    total = session.execute(select(func.count()).select_from(stmt.order_by(None).subquery())).scalar_one()
    rows = list(session.execute(stmt.limit(limit).offset(offset)).scalars())
    return rows, int(total)


def request_hash(payload: Any) -> str:
    """A stable digest of a request body, to tell a retry from a different request with the same key."""
    text = json.dumps(payload, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def release_connection(session: Session) -> None:
    """End the open transaction and give its connection (and, on SQLite, the write turn) back before a slow wait
    such as a model call, so other requests can use them meanwhile. Loaded rows stay usable (sessions do not
    expire on commit); the next query takes a connection again. Whatever the unit wrote so far commits here,
    so call it only where that is right (nothing written yet, or writes that stand on their own)."""
    session.commit()


def run_once(
    session: Session,
    *,
    caller: Caller,
    key: str | None,
    payload: Any,
    produce: Callable[[], tuple[int, dict[str, Any]]],
) -> tuple[int, dict[str, Any]]:
    """Run a writing use case once per Idempotency-Key and commit: the one transaction of the use case.

    `produce` writes in the open transaction without committing; its rows and the idempotency record
    commit together, so a crash or a failed write leaves neither (a retry then does the work). Twins with
    one key take turns (`_serialise_key`): the second waits for the first to commit and replays its answer.
    """
    if not key:
        result = produce()
        session.commit()
        return result
    digest = request_hash(payload)
    _serialise_key(session, caller.user_id, key)
    stored = _stored_response(session, caller.user_id, key, digest)
    if stored is not None:
        return stored
    status, body = produce()
    session.add(IdempotencyRecord(user_id=caller.user_id, key=key, request_hash=digest, status_code=status, body=body))
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        stored = _stored_response(session, caller.user_id, key, digest)
        if stored is None:
            raise
        return stored
    return status, body


def _serialise_key(session: Session, user_id: int, key: str) -> None:
    """Make twins with one Idempotency-Key take turns, so the second replays the first's answer instead of
    racing it into a unique-key conflict (409). PostgreSQL: a transaction-scoped advisory lock on the key;
    SQLite: writing transactions already run one at a time (core/db.py)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    digest = hashlib.blake2b(f"idempotency:{user_id}:{key}".encode(), digest_size=8).digest()
    session.execute(select(func.pg_advisory_xact_lock(int.from_bytes(digest, "big", signed=True))))


def _stored_response(session: Session, user_id: int, key: str, digest: str) -> tuple[int, dict[str, Any]] | None:
    found = session.execute(
        select(IdempotencyRecord).where(IdempotencyRecord.user_id == user_id, IdempotencyRecord.key == key)
    ).scalar_one_or_none()
    if found is None:
        return None
    if found.request_hash != digest:
        raise Conflict("This Idempotency-Key was already used with a different request body; use a new key.")
    return found.status_code, dict(found.body or {})
