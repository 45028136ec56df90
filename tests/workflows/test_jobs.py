"""The durable job queue on SQLite and PostgreSQL: every job runs on one worker at a time; a job whose worker
died (its lease ran out) is run again by another worker, or failed with the reason after its last attempt;
a forecast job ends `done` or `failed` with a reason, never `running`."""

import threading
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from core.clock import clock_for
from core.db import session_scope
from core.tables import ForecastJob, Job, Period
from tests.conftest import make_settings
from workflows.jobs import queue
from workflows.jobs.handlers import HANDLERS, Handler
from workflows.jobs.worker import Worker


@pytest.fixture
def ran(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """A `test` job kind that records which payloads ran; `boom` payloads raise."""
    seen: list[int] = []
    lock = threading.Lock()

    def run(_ctx: Any, payload: dict[str, Any]) -> None:
        if payload.get("boom"):
            raise RuntimeError("the job's own failure")
        time.sleep(0.01)
        with lock:
            seen.append(int(payload["n"]))

    monkeypatch.setitem(HANDLERS, "test", Handler(run=run, give_up=lambda *_a: None))
    yield seen


def _enqueue(url: str, *payloads: dict[str, Any], max_attempts: int = 3) -> list[int]:
    with session_scope(url) as session:
        return [queue.enqueue(session, "test", p, max_attempts=max_attempts).id for p in payloads]


def _worker(url: str, name: str, **settings: Any) -> Worker:
    s = make_settings(url, **settings)
    return Worker(s, clock_for(s), name=name)


def _job(url: str, job_id: int) -> Job:
    with session_scope(url, write=False) as session:
        job = session.get(Job, job_id)
        assert job is not None
        return job


def test_four_workers_run_every_job_exactly_once(demo_url: str, ran: list[int]) -> None:
    ids = _enqueue(demo_url, *({"n": n} for n in range(40)))
    workers = [_worker(demo_url, f"w{i}") for i in range(4)]

    def drain(w: Worker) -> None:
        while w.run_once():
            pass

    threads = [threading.Thread(target=drain, args=(w,)) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert Counter(ran) == Counter(range(40))  # each once, none twice
    assert {_job(demo_url, i).status for i in ids} == {"done"}
    assert len({_job(demo_url, i).worker for i in ids}) > 1  # the work was shared


def test_a_job_whose_worker_died_is_run_by_another(demo_url: str, ran: list[int]) -> None:
    (job_id,) = _enqueue(demo_url, {"n": 1000})
    # A lease long enough that a loaded machine still checks it before it runs out.
    dead = queue.claim(demo_url, "dead-worker", lease_s=3.0)  # claims, then never renews nor finishes
    assert dead is not None and dead.id == job_id
    assert not _worker(demo_url, "alive").run_once() or 1000 not in ran  # the lease still holds
    time.sleep(3.5)
    assert _worker(demo_url, "alive").run_once()
    job = _job(demo_url, job_id)
    assert job.status == "done" and job.worker == "alive" and job.attempts == 2 and 1000 in ran
    assert queue.finish(demo_url, dead, "dead-worker") is None  # the dead worker's late answer is ignored


def test_a_job_that_ran_out_of_attempts_is_failed_with_the_reason(demo_url: str, ran: list[int]) -> None:
    (job_id,) = _enqueue(demo_url, {"n": 2000}, max_attempts=1)
    assert queue.claim(demo_url, "dead-worker", lease_s=0.5) is not None
    time.sleep(1.0)
    _worker(demo_url, "alive").run_once()
    job = _job(demo_url, job_id)
    assert job.status == "failed" and 2000 not in ran
    assert job.error == "attempt 1 of 1: worker dead-worker stopped (lease expired)"


def test_a_failing_job_is_retried_then_failed_with_its_error(demo_url: str, ran: list[int]) -> None:
    (job_id,) = _enqueue(demo_url, {"boom": True}, max_attempts=2)
    w = _worker(demo_url, "w")
    assert w.run_once() and _job(demo_url, job_id).status == "queued"
    assert w.run_once()
    job = _job(demo_url, job_id)
    assert job.status == "failed" and job.attempts == 2
    assert job.error == "attempt 2 of 2: RuntimeError: the job's own failure"


def test_a_forecast_whose_worker_died_on_its_last_attempt_is_failed_with_the_reason(demo_url: str) -> None:
    with session_scope(demo_url) as session:
        period = session.execute(select(Period).order_by(Period.end_date.desc())).scalars().first()
        assert period is not None
        fj = ForecastJob(
            period_id=period.id,
            quantiles=[0.1, 0.5, 0.9],
            level=80,
            requested_by=1,
            requested_by_name="hr",
            status="queued",
        )
        session.add(fj)
        session.flush()
        queue.enqueue(session, "forecast", {"forecast_job_id": fj.id}, max_attempts=1)
        fid = fj.id
    claimed = queue.claim(demo_url, "killed-worker", lease_s=0.5)
    assert claimed is not None and claimed.kind == "forecast"
    with session_scope(demo_url) as session:  # the dead worker had started it
        started = session.get(ForecastJob, fid)
        assert started is not None
        started.status = "running"
    time.sleep(1.0)
    _worker(demo_url, "alive").run_once()
    with session_scope(demo_url, write=False) as session:
        job = session.get(ForecastJob, fid)
        assert job is not None and job.status == "failed"
        assert "worker killed-worker stopped (lease expired)" in (job.message or "")


def test_a_job_without_its_own_limit_is_tried_as_often_as_the_workers_setting(demo_url: str) -> None:
    """KPILOT_JOBS_MAX_ATTEMPTS decides how often a job enqueued without a limit is tried."""
    with session_scope(demo_url) as session:
        job_id = queue.enqueue(session, "test", {"n": 3000}).id
    claimed = queue.claim(demo_url, "w", lease_s=3.0, max_attempts=7)
    assert claimed is not None and claimed.id == job_id and claimed.max_attempts == 7
    with session_scope(demo_url, write=False) as session:
        job = session.get(Job, job_id)
        assert job is not None and job.max_attempts == 7
