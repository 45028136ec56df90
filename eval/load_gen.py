"""An open-loop load generator: requests start at a fixed arrival rate whether or not earlier ones finished
(a closed loop would slow down with the server and hide the queueing), and each latency is measured from the
moment the request was due, so a stalled client cannot hide a stalled server (coordinated omission)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

Request = tuple[str, str, dict[str, Any]]  # method, path, httpx keyword arguments


@dataclass(frozen=True)
class Sample:
    """One request's outcome: HTTP status (0: no answer) and latency in seconds from when it was due."""

    kind: str
    status: int
    latency_s: float


@dataclass
class Run:
    """The samples of one open-loop run at `rate` requests/s for `duration_s` seconds."""

    rate: float
    duration_s: float
    samples: list[Sample] = field(default_factory=list)

    def of(self, pred: Callable[[Sample], bool]) -> list[Sample]:
        """The samples matching `pred`."""
        return [s for s in self.samples if pred(s)]

    @property
    def errors(self) -> int:
        """Answers that are failures of the service: 5xx other than a 503 shed, and no answer in time."""
        return len(self.of(lambda s: s.status == 0 or (s.status >= 500 and s.status != 503)))

    @property
    def shed(self) -> int:
        """Requests answered 503 (load shed, with Retry-After)."""
        return len(self.of(lambda s: s.status == 503))

    @property
    def served(self) -> list[Sample]:
        """Requests the service answered with a result (2xx) or a client-side refusal (4xx)."""
        return self.of(lambda s: 200 <= s.status < 500)

    @property
    def goodput(self) -> float:
        """Served answers per second of the run."""
        return len(self.served) / self.duration_s


def quantile(values: list[float], q: float) -> float:
    """The q-quantile (nearest rank) of `values`; NaN when empty."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered) + 0.5) - 1))]


async def _one(client: httpx.AsyncClient, kind: str, req: Request, due: float, out: list[Sample]) -> None:
    method, path, kwargs = req
    try:
        response = await client.request(method, path, **kwargs)
        status = response.status_code
    except httpx.HTTPError:
        status = 0
    out.append(Sample(kind, status, time.perf_counter() - due))


async def open_loop(
    base_url: str,
    make: Callable[[int], tuple[str, Request]],
    *,
    rate: float,
    duration_s: float,
    timeout_s: float = 10.0,
) -> Run:
    """Send request `make(i)` at time i/rate for `duration_s` seconds; wait for the answers (up to
    `timeout_s` each; no answer counts as status 0)."""
    run = Run(rate, duration_s)
    # A few hundred connections: httpx's pool slows down badly with thousands (the client would become the
    # bottleneck); a request waiting for a client connection still counts its wait (latency runs from when due).
    limits = httpx.Limits(max_connections=256, max_keepalive_connections=256)
    async with httpx.AsyncClient(base_url=base_url, timeout=timeout_s, limits=limits) as client:
        tasks = []
        start = time.perf_counter()
        for i in range(int(rate * duration_s)):
            due = start + i / rate
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            kind, req = make(i)
            tasks.append(asyncio.create_task(_one(client, kind, req, due, run.samples)))
        await asyncio.gather(*tasks)
    return run


async def recovery_time(base_url: str, req: Request, *, good_s: float = 1.0, limit_s: float = 120.0) -> float:
    """Seconds until `req` is answered 200 within `good_s` three times in a row (probing every 0.1 s);
    `limit_s` if never."""
    start = time.perf_counter()
    streak = 0
    async with httpx.AsyncClient(base_url=base_url, timeout=good_s * 2) as client:
        while time.perf_counter() - start < limit_s:
            sent = time.perf_counter()
            try:
                ok = (await client.request(req[0], req[1], **req[2])).status_code == 200
            except httpx.HTTPError:
                ok = False
            ok = ok and time.perf_counter() - sent <= good_s
            streak = streak + 1 if ok else 0
            if streak == 3:
                return sent - start
            await asyncio.sleep(0.1)
    return limit_s
