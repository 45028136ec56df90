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
    send_lag_s: float = 0.0  # how late the last request started: > 0.1 s means the client could not keep pace
    client_cpu_s: float = 0.0  # the load client's own CPU time in the run

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


async def send_once(base_url: str, req: Request, timeout_s: float) -> int:
    """One request on a connection of its own (`Connection: close`); its HTTP status, 0 if no whole answer came
    within `timeout_s`. httpx encodes the request (headers, JSON, multipart); the bytes go out on a plain asyncio
    stream. A pooled client would queue requests behind its connection limit and spend more and more time
    managing that queue: under overload it, not the server, would set the pace (measured: with a 256-connection
    httpx pool, a server that answers every request after 1 s saw answers after minutes at 300 requests/s)."""
    method, path, kwargs = req
    request = httpx.Request(method, base_url + path, **kwargs)
    request.headers["Connection"] = "close"
    body = request.read()
    head = f"{method} {request.url.raw_path.decode()} HTTP/1.1\r\n" + "".join(
        f"{k}: {v}\r\n" for k, v in request.headers.items()
    )
    host, port = request.url.host, request.url.port or 80

    async def exchange() -> int:
        reader, writer = await asyncio.open_connection(host, port)
        try:
            writer.write(head.encode("latin-1") + b"\r\n" + body)
            await writer.drain()
            status_line = await reader.readline()
            await reader.read()  # the rest, until the server closes: the answer is complete
            return int(status_line.split()[1])
        finally:
            writer.close()

    try:
        return await asyncio.wait_for(exchange(), timeout_s)
    except (OSError, TimeoutError, ValueError, IndexError):
        return 0


async def _one(base_url: str, kind: str, req: Request, due: float, timeout_s: float, out: list[Sample]) -> None:
    status = await send_once(base_url, req, timeout_s)
    out.append(Sample(kind, status, time.perf_counter() - due))


async def open_loop(
    base_url: str,
    make: Callable[[int], tuple[str, Request]],
    *,
    rate: float,
    duration_s: float,
    timeout_s: float = 10.0,
) -> Run:
    """Send request `make(i)` at time i/rate for `duration_s` seconds, each on its own connection; wait for the
    answers (up to `timeout_s` each; no answer counts as status 0)."""
    run = Run(rate, duration_s)
    cpu = time.process_time()
    tasks = []
    start = time.perf_counter()
    for i in range(int(rate * duration_s)):
        due = start + i / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        kind, req = make(i)
        tasks.append(asyncio.create_task(_one(base_url, kind, req, due, timeout_s, run.samples)))
    run.send_lag_s = time.perf_counter() - (start + (len(tasks) - 1) / rate) if tasks else 0.0
    await asyncio.gather(*tasks)
    run.client_cpu_s = time.process_time() - cpu
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
