"""Queue operations over the `job` table; each (except `enqueue`) is its own short transaction.

Leases are measured by the database's clock, the one clock every worker process shares (the service clock
may be pinned for demos and tests, and a pinned clock never lets a lease run out).
"""

import threading
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import ColumnElement, event, func, select, update
from sqlalchemy.orm import Session

from core.clock import clock_of
from core.db import session_scope
from core.tables import Job

# One wake event per worker of this process, all set when the process commits a new job (the workers start at
# once); a stopping worker's own event is set by its `stop()`. Each worker clears only its own, so one worker's
# wake-up is never taken by another.
_WAKES: set[threading.Event] = set()
_WAKES_LOCK = threading.Lock()


@dataclass(frozen=True)
class Claimed:
    """A job a worker now holds."""

    id: int
    kind: str
    payload: dict[str, Any]
    attempt: int
    max_attempts: int


def db_now(session: Session, plus_s: float = 0.0) -> ColumnElement[Any]:
    """The database's current time (+ `plus_s` seconds) as an SQL expression."""
    if session.get_bind().dialect.name == "sqlite":
        return func.strftime("%Y-%m-%d %H:%M:%f", "now", f"{plus_s:+.3f} seconds")
    return func.clock_timestamp() + timedelta(seconds=plus_s)


WORKER_DECIDES = 0  # max_attempts of a job enqueued without a limit: the claiming worker's setting applies
DEFAULT_ATTEMPTS = 3


def enqueue(session: Session, kind: str, payload: dict[str, Any], *, max_attempts: int | None = None) -> Job:
    """Add a job in the open transaction: it exists exactly when the use case that wanted it commits. It is tried
    up to `max_attempts` times; a worker that claims it applies its own KPILOT_JOBS_MAX_ATTEMPTS when none is
    given here."""
    job = Job(kind=kind, payload=payload, status="queued", attempts=0, max_attempts=max_attempts or WORKER_DECIDES)
    session.add(job)
    session.flush()
    session.info["kpilot_job_enqueued"] = True
    return job


@event.listens_for(Session, "after_commit")
def _wake_workers(session: Session) -> None:
    if session.info.pop("kpilot_job_enqueued", False):
        wake()


def wake() -> None:
    """Wake the workers of this process: there is work."""
    with _WAKES_LOCK:
        for event in _WAKES:
            event.set()


def register(event: threading.Event) -> None:
    """Let `wake()` reach a worker's own wake event."""
    with _WAKES_LOCK:
        _WAKES.add(event)


def unregister(event: threading.Event) -> None:
    """A stopped worker's event is no longer woken."""
    with _WAKES_LOCK:
        _WAKES.discard(event)


def wait_for_work(event: threading.Event, timeout_s: float) -> None:
    """Block until `event` (a worker's own) is set, by a job enqueued in this process or a stop, or `timeout_s`
    passes."""
    if event.wait(timeout_s):
        event.clear()


def claim(url: str, worker: str, lease_s: float, max_attempts: int | None = None) -> Claimed | None:
    """Take the oldest queued job, or None; a job enqueued without a limit of its own is tried `max_attempts`
    times (the worker's KPILOT_JOBS_MAX_ATTEMPTS), stored on the job at its first claim. PostgreSQL: FOR UPDATE
    SKIP LOCKED lets many workers claim different jobs at once; SQLite: the claim runs in one write transaction,
    which SQLite serialises."""
    with session_scope(url) as session:
        job = session.execute(
            select(Job).where(Job.status == "queued").order_by(Job.id).limit(1).with_for_update(skip_locked=True)
        ).scalar_one_or_none()
        if job is None:
            return None
        limit = job.max_attempts or max_attempts or DEFAULT_ATTEMPTS
        took = session.execute(
            update(Job)
            .where(Job.id == job.id, Job.status == "queued")
            .values(
                status="running",
                worker=worker,
                attempts=Job.attempts + 1,
                lease_until=db_now(session, lease_s),
                started_at=clock_of(session).now(),
                max_attempts=limit,
            )
            .execution_options(synchronize_session=False)
        )
        if took.rowcount != 1:  # type: ignore[attr-defined]
            return None
        return Claimed(job.id, job.kind, dict(job.payload or {}), job.attempts + 1, limit)


def renew(url: str, job_id: int, worker: str, lease_s: float) -> bool:
    """Extend a running job's lease; False when this worker no longer holds it (it was presumed dead)."""
    with session_scope(url) as session:
        done = session.execute(
            update(Job)
            .where(Job.id == job_id, Job.worker == worker, Job.status == "running")
            .values(lease_until=db_now(session, lease_s))
            .execution_options(synchronize_session=False)
        )
        return bool(done.rowcount == 1)  # type: ignore[attr-defined]


def finish(url: str, job: Claimed, worker: str, error: str | None = None) -> str | None:
    """Record the outcome of an attempt: done; or, after an error, queued again or failed when no attempts
    are left. Returns the new status (None: this worker had lost the job meanwhile)."""
    status = "done" if error is None else ("queued" if job.attempt < job.max_attempts else "failed")
    with session_scope(url) as session:
        values: dict[str, Any] = {"status": status, "lease_until": None}
        if error is not None:  # a success keeps the note of an earlier lost attempt, if any
            values["error"] = error
        if status != "queued":
            values["finished_at"] = clock_of(session).now()
        done = session.execute(
            update(Job)
            .where(Job.id == job.id, Job.worker == worker, Job.status == "running")
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        return status if done.rowcount == 1 else None  # type: ignore[attr-defined]


def reap(url: str) -> list[tuple[Claimed, str]]:
    """Jobs whose worker stopped renewing its lease (crashed, killed, cut off): queue them again, or fail
    them with the reason when they had their last attempt. Returns the jobs that failed now, with the reason."""
    failed: list[tuple[Claimed, str]] = []
    with session_scope(url) as session:
        lost = session.execute(
            select(Job)
            .where(Job.status == "running", Job.lease_until < db_now(session))
            .with_for_update(skip_locked=True)
        ).scalars()
        for job in lost:
            reason = f"attempt {job.attempts} of {job.max_attempts}: worker {job.worker} stopped (lease expired)"
            if job.attempts < job.max_attempts:
                job.status, job.error, job.lease_until = "queued", reason, None
            else:
                job.status, job.error, job.lease_until = "failed", reason, None
                job.finished_at = clock_of(session).now()
                failed.append(
                    (Claimed(job.id, job.kind, dict(job.payload or {}), job.attempts, job.max_attempts), reason)
                )
    return failed


def counts(url: str) -> dict[str, int]:
    """How many jobs are in each status."""
    with session_scope(url, write=False) as session:
        rows = session.execute(select(Job.status, func.count()).group_by(Job.status)).all()
    return {str(s): int(n) for s, n in rows}
