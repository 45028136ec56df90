"""The one path of a versioned decision or edit: status gate, If-Match, compare-and-set, one audit event.

Every approve / reject / decide / publish / edit of a versioned row goes through `gate` (is the row still open
to this decision, at the version the caller read?) and `write` (set the new values only if nobody else did in
between, then append exactly one audit event naming the decision). The route answers with the row's new
version as its ETag; the idempotency of the request is the use case's (`common.run_once`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any, Protocol, TypeVar

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.errors import Conflict, PreconditionFailed, PreconditionRequired, coded
from core.security import Caller
from workflows.shared import audit


class VersionedRow(Protocol):
    """A table row with an id and an optimistic-concurrency version."""

    id: Any
    version: Any


R = TypeVar("R", bound=VersionedRow)


def parse_if_match(header: str | None) -> int:
    """The version in an If-Match header (`"3"`, `W/"3"` or `3`); 428 when missing, 412 when not a version."""
    if header is None or not header.strip():
        raise coded(
            PreconditionRequired("This update needs an If-Match header with the ETag you last read (GET it first)."),
            "if_match_required",
        )
    text = header.strip().removeprefix("W/").strip('"')
    try:
        return int(text)
    except ValueError as exc:
        raise coded(
            PreconditionFailed(f"If-Match {header!r} is not a version this server issued."), "if_match_unknown"
        ) from exc


def etag(version: int) -> str:
    """The ETag header value for a version."""
    return f'"{version}"'


def gate(row: R, if_match: str | None, *, entity: str, open_statuses: Iterable[str] = (), closed: str = "") -> int:
    """The If-Match version of a row still open to the decision: 428 without If-Match, 409 (`closed`) when the
    row's status is not one of `open_statuses` (skipped when none are named), 412 when the version is stale."""
    expected = parse_if_match(if_match)
    allowed = tuple(open_statuses)
    if allowed and getattr(row, "status", None) not in allowed:
        by = getattr(row, "decided_by_name", None) or getattr(row, "approved_by_name", None)
        raise coded(
            Conflict(closed or f"The {entity} is already {getattr(row, 'status', '')}; it cannot be changed now."),
            "already_decided" if by else "already_closed",
            thing=entity,
            by=by or "",
        )
    if row.version != expected:
        raise coded(
            PreconditionFailed(
                f"The {entity} changed since you read it (your version {expected}, now {row.version}); GET it again."
            ),
            "stale_version",
            thing=entity,
        )
    return expected


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, date | datetime) else v for k, v in values.items()}


def write(
    session: Session,
    row: R,
    expected: int,
    changes: dict[str, Any],
    *,
    caller: Caller | None,
    action: str,
    entity: str,
    record: dict[str, Any] | None = None,
    before: dict[str, Any] | None = None,
) -> R:
    """Set `changes` only if `row` is still at `expected` (compare-and-set, version + 1; 412 for the loser of a
    race, 409 for a broken unique key) and append one audit event: `action` on `entity` with `before` (default:
    status and version) and `record` plus the changed values. The use case commits, once."""
    model = type(row)
    stmt = (
        update(model)
        .where(model.id == row.id, model.version == expected)
        .values(**changes, version=expected + 1)
        .execution_options(synchronize_session=False)
    )
    old = before if before is not None else {"status": getattr(row, "status", None), "version": expected}
    try:
        result = session.execute(stmt)
    except IntegrityError as exc:
        session.rollback()
        raise coded(
            Conflict(f"The change would duplicate a unique {entity} key or reference a missing id."),
            "duplicate",
            thing=entity,
        ) from exc
    if result.rowcount != 1:  # type: ignore[attr-defined]
        session.rollback()
        raise coded(
            PreconditionFailed(f"The {entity} changed since you read it (your version {expected}); GET it again."),
            "stale_version",
            thing=entity,
        )
    session.refresh(row)
    after = {**(record or {}), **_plain(changes), "version": expected + 1}
    audit.record(session, actor=caller, action=action, entity=entity, entity_id=row.id, before=old, after=after)
    return row
