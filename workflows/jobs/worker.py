"""The worker: reap lost jobs, claim one, renew its lease while it runs, record the outcome; repeat.

`kpilot worker` runs one in the foreground (as many processes as you like, on any machine that reaches the
database); `kpilot serve`/`demo` run one in a thread unless KPILOT_JOBS_EMBEDDED=0.
"""

import logging
import os
import secrets
import socket
import threading

from sqlalchemy.exc import SQLAlchemyError

from core.clock import Clock
from core.errors import KpilotError
from core.settings import Settings
from workflows.jobs import queue
from workflows.jobs.handlers import HANDLERS, JobContext

log = logging.getLogger("kpilot.jobs")


def worker_name() -> str:
    """host:pid:random, unique per worker, readable in the job table."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


class _Lease(threading.Thread):
    """Renews a running job's lease every third of its length until stopped."""

    def __init__(self, url: str, job_id: int, worker: str, lease_s: float) -> None:
        super().__init__(name=f"kpilot-lease-{job_id}", daemon=True)
        self.url, self.job_id, self.worker, self.lease_s = url, job_id, worker, lease_s
        self.halt = threading.Event()

    def run(self) -> None:
        while not self.halt.wait(self.lease_s / 3):
            try:
                if not queue.renew(self.url, self.job_id, self.worker, self.lease_s):
                    log.warning("job %s: lease lost (presumed dead by another worker)", self.job_id)
                    return
            except (SQLAlchemyError, KpilotError):
                log.exception("job %s: could not renew the lease; trying again", self.job_id)


class Worker:
    """Runs queued jobs of `settings.database_url`, one at a time."""

    def __init__(self, settings: Settings, clock: Clock, name: str | None = None) -> None:
        self.settings, self.clock = settings, clock
        self.name = name or worker_name()
        self.ctx = JobContext(settings.database_url, clock, settings)
        self.stopping = threading.Event()
        self.wake = threading.Event()  # set by `queue.wake()` (a job enqueued here) or `stop()`; cleared by its wait

    def run_once(self) -> bool:
        """Reap lost jobs, then run one queued job if there is one; True when a job ran."""
        url, lease_s = self.settings.database_url, self.settings.jobs_lease_s
        for lost, reason in queue.reap(url):
            self._give_up(lost, reason)
        job = queue.claim(url, self.name, lease_s, self.settings.jobs_max_attempts)
        if job is None:
            return False
        log.info("job %s (%s) attempt %d/%d on %s", job.id, job.kind, job.attempt, job.max_attempts, self.name)
        handler = HANDLERS.get(job.kind)
        lease = _Lease(url, job.id, self.name, lease_s)
        lease.start()
        error = None
        try:
            if handler is None:
                error = f"no handler for job kind {job.kind!r} in this version of kpilot"
            else:
                handler.run(self.ctx, job.payload)
        except Exception as exc:  # noqa: BLE001 - a job's edge: record the failure, keep working
            log.exception("job %s (%s) failed", job.id, job.kind)
            error = f"attempt {job.attempt} of {job.max_attempts}: {type(exc).__name__}: {exc}"[:2000]
        finally:
            lease.halt.set()
            lease.join()
        if queue.finish(url, job, self.name, error) == "failed" and error is not None:
            self._give_up(job, error)
        return True

    def _give_up(self, job: queue.Claimed, reason: str) -> None:
        handler = HANDLERS.get(job.kind)
        if handler is not None:
            handler.give_up(self.ctx, job.payload, reason)

    def run_forever(self) -> None:
        """Work until `stopping` is set; wait `jobs_poll_s` (or for a job enqueued here, or a stop) when idle."""
        queue.register(self.wake)
        try:
            while not self.stopping.is_set():
                try:
                    worked = self.run_once()
                except (SQLAlchemyError, KpilotError):  # the database is away or busy: wait and try again
                    log.exception("job worker: database error; retrying")
                    worked = False
                if not worked and not self.stopping.is_set():
                    queue.wait_for_work(self.wake, self.settings.jobs_poll_s)
        finally:
            queue.unregister(self.wake)

    def stop(self) -> None:
        """Stop after the current job: this worker's own wake event is set, so no other worker can take it."""
        self.stopping.set()
        self.wake.set()


class EmbeddedWorker:
    """A worker in a daemon thread of the API process (the embedded default: no extra server)."""

    def __init__(self, settings: Settings, clock: Clock) -> None:
        self.worker = Worker(settings, clock)
        self._thread = threading.Thread(target=self.worker.run_forever, name="kpilot-jobs", daemon=True)

    def start(self) -> None:
        """Start working in the background."""
        self._thread.start()

    @property
    def alive(self) -> bool:
        """Whether the worker thread is running (False before start and after it died or stopped)."""
        return self._thread.is_alive()

    def stop(self, wait_s: float = 5.0) -> None:
        """Ask the thread to stop after the current job; a job still running is finished or, if the process
        exits first, its lease runs out and another worker takes it."""
        self.worker.stop()
        self._thread.join(timeout=wait_s)


def embedded_worker(settings: Settings, clock: Clock) -> EmbeddedWorker | None:
    """The API process's own worker, or None when KPILOT_JOBS_EMBEDDED=0 (separate `kpilot worker`s)."""
    return EmbeddedWorker(settings, clock) if settings.jobs_embedded else None
