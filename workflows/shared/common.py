"""Helpers every workflow uses: row snapshots, optimistic updates, paging, and the use-case runner.

A writing use case commits in one place: `commit` (its one transaction) or `run_once` (the same, once per
Idempotency-Key); `create_once` is `run_once` for a create answered with the new object (201).
"""

import functools
import hashlib
import json
import time
from collections.abc import Callable
from datetime import date, datetime
from typing import Any, ParamSpec, TypeVar, cast

from pydantic import BaseModel
from sqlalchemy import Select, delete, func, inspect, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.errors import Conflict, InvalidInput, coded
from core.security import Caller
from core.tables import Base, IdempotencyRecord
from workflows.shared import audit, decisions

parse_if_match = decisions.parse_if_match
etag = decisions.etag

T = TypeVar("T", bound=Base)
R = TypeVar("R")
P = ParamSpec("P")
Answer = tuple[int, dict[str, Any]]  # a use case's (HTTP status, JSON body): what an idempotent request replays


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


def create(session: Session, obj: T, *, caller: Caller | None, entity: str, duplicate: str = "") -> T:
    """Insert and audit `obj` in the open transaction (the caller commits; `caller` None: the system); a
    duplicate key becomes 409."""
    session.add(obj)
    try:
        session.flush()
    except IntegrityError as exc:
        session.rollback()
        raise coded(
            Conflict(duplicate or f"A {entity} with the same unique key already exists, or a referenced id does not."),
            "duplicate",
            thing=entity,
        ) from exc
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
        raise coded(InvalidInput("The update names no field to change."), "update_empty")
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


IN_PROGRESS = 0  # status_code of a claimed Idempotency-Key whose first request is still running (a model call)
# How long a twin waits for its first request to finish, counted in polls (not in clock time: under a frozen test
# clock a deadline in time would never come).
TWIN_POLL_S = 0.1
TWIN_MAX_POLLS = 1800


def release_connection(session: Session) -> None:
    """End the open transaction and give its connection (and, on SQLite, the write turn) back before a slow wait
    such as a model call, so other requests can use them meanwhile. Loaded rows stay usable (sessions do not
    expire on commit); the next query takes a connection again. Whatever the unit wrote so far commits here,
    so call it only where that is right (nothing written yet, or writes that stand on their own). Inside
    `run_once`, the Idempotency-Key is claimed in the same commit, so a twin with that key waits for this request's
    answer instead of calling the model a second time."""
    claim = session.info.get("idempotency_claim")
    if claim is not None and not claim.get("written"):
        user_id, key, digest = claim["user_id"], claim["key"], claim["digest"]
        session.add(IdempotencyRecord(user_id=user_id, key=key, request_hash=digest, status_code=IN_PROGRESS, body={}))
        claim["written"] = True
    session.commit()


def commit(session: Session, work: Callable[[], R]) -> R:
    """Run a use case's writes and commit them as its one transaction. A failure commits nothing and is left to
    the session's owner, which rolls back (the request's unit of work; a caller's savepoint stays its own)."""
    result = work()
    session.commit()
    return result


def use_case(fn: Callable[P, R]) -> Callable[P, R]:
    """Mark a writing use case: its session (the `session` argument, or the first) commits once when it returns
    (`commit`; a failure commits nothing), so the function body only writes."""

    @functools.wraps(fn)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        session = kwargs.get("session", args[0] if args else None)
        if not isinstance(session, Session):
            raise TypeError(f"{fn.__qualname__}: a use case takes the database session first")
        return commit(session, lambda: fn(*args, **kwargs))

    return run


def create_once(
    session: Session,
    caller: Caller,
    key: str | None,
    body: BaseModel,
    schema: type[BaseModel],
    make: Callable[[], Any],
) -> tuple[int, dict[str, Any]]:
    """Create once per Idempotency-Key: 201 and the new object as `schema` (a retry gets the first answer)."""

    def produce() -> tuple[int, dict[str, Any]]:
        return 201, schema.model_validate(make()).model_dump(mode="json")

    return run_once(session, caller=caller, key=key, payload=body.model_dump(mode="json"), produce=produce)


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
    one key take turns (`_serialise_key`): the second waits for the first to commit and replays its answer,
    also when the first gave its connection back during a model call (`release_connection` claims the key).
    """
    if not key:
        return commit(session, produce)
    digest = request_hash(payload)
    stored = _claimed_or_stored(session, caller.user_id, key, digest)
    if stored is not None:
        return stored
    claim = {"user_id": caller.user_id, "key": key, "digest": digest, "written": False}
    session.info["idempotency_claim"] = claim
    try:
        status, body = produce()
    except BaseException:
        session.rollback()
        if claim["written"]:
            _drop_claim(session, caller.user_id, key)
        raise
    finally:
        session.info.pop("idempotency_claim", None)
    return _store(session, caller.user_id, key, digest, (status, body), claimed=bool(claim["written"]))


def _claimed_or_stored(session: Session, user_id: int, key: str, digest: str) -> tuple[int, dict[str, Any]] | None:
    """The stored answer of this key, waiting while a twin's first request still runs; None when it is new."""
    for _ in range(TWIN_MAX_POLLS):
        _serialise_key(session, user_id, key)
        stored = _stored_response(session, user_id, key, digest)
        if stored is None or stored[0] != IN_PROGRESS:
            return stored
        session.rollback()  # let the first request write its answer, then look again
        time.sleep(TWIN_POLL_S)
    raise coded(
        Conflict("A request with this Idempotency-Key is still running; retry later with the same key."),
        "idempotency.running",
    )


def _drop_claim(session: Session, user_id: int, key: str) -> None:
    """Free a claimed key whose first request failed, so a retry does the work."""
    session.execute(
        delete(IdempotencyRecord).where(
            IdempotencyRecord.user_id == user_id,
            IdempotencyRecord.key == key,
            IdempotencyRecord.status_code == IN_PROGRESS,
        )
    )
    session.commit()


def _store(
    session: Session, user_id: int, key: str, digest: str, answer: tuple[int, dict[str, Any]], *, claimed: bool
) -> tuple[int, dict[str, Any]]:
    """Commit the use case's writes with its answer under the key (filling in a claim)."""
    status, body = answer
    if claimed:
        session.execute(
            update(IdempotencyRecord)
            .where(IdempotencyRecord.user_id == user_id, IdempotencyRecord.key == key)
            .values(status_code=status, body=body)
        )
    else:
        session.add(IdempotencyRecord(user_id=user_id, key=key, request_hash=digest, status_code=status, body=body))
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        stored = _stored_response(session, user_id, key, digest)
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
        raise coded(
            Conflict("This Idempotency-Key was already used with a different request body; use a new key."),
            "idempotency.reused",
        )
    return found.status_code, dict(found.body or {})
