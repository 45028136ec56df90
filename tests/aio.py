"""Running a coroutine from a test whatever loop the test session already runs."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def run_own_loop(make: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run a coroutine on its own event loop in a fresh thread: this thread may already run one (the browser
    tests' Playwright keeps a loop in the main thread for the whole session)."""
    out: list[T] = []
    worker = threading.Thread(target=lambda: out.append(asyncio.run(make())))
    worker.start()
    worker.join()
    assert out, "the coroutine raised (see the thread's traceback above)"
    return out[0]
