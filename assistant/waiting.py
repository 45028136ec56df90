"""Model calls a person waits for: run in a small background pool, so the request waits only for what is left
of its time and an answer that comes later still lands (in the provider's cache, for the next view)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

R = TypeVar("R")
WORKERS = 4  # model calls finishing in the background at once, per process
MAX_PENDING = 16  # beyond this a waited-for call is not started at all (the deterministic text is used)

_pool = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="kpilot-llm")
_pending = 0
_idle = threading.Condition()


def submit(fn: Callable[[], R]) -> Future[R] | None:
    """Run `fn` in the background pool; None when too many calls are pending already."""
    global _pending
    with _idle:
        if _pending >= MAX_PENDING:
            return None
        _pending += 1
    future = _pool.submit(fn)
    future.add_done_callback(_done)
    return future


def _done(_future: Future[Any]) -> None:
    global _pending
    with _idle:
        _pending -= 1
        _idle.notify_all()


def wait_idle(timeout_s: float) -> bool:
    """Wait until no background call is pending (tests, shutdown); False if some still run after `timeout_s`."""
    with _idle:
        return _idle.wait_for(lambda: _pending == 0, timeout=timeout_s)
