"""Load shedding: a bounded number of requests run, a bounded queue waits briefly, the rest get 503 with
Retry-After at once; health probes always pass; the service answers normally when the load drops."""

import asyncio
from dataclasses import dataclass
from typing import TypeVar, cast

import httpx
from fastapi.testclient import TestClient
from starlette.types import Receive, Scope, Send

from api.shedding import LoadShedder
from tests.aio import run_own_loop
from tests.conftest import make_settings

T = TypeVar("T")


class Gated:
    """An ASGI app whose /work requests wait until the test opens the gate."""

    def __init__(self) -> None:
        self.gate = asyncio.Event()
        self.started = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["path"] == "/work":
            self.started += 1
            await self.gate.wait()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})


@dataclass(frozen=True)
class _Outcome:
    """What the clients got and what the shedder and the app counted."""

    full: httpx.Response
    health: httpx.Response
    timed_out: list[httpx.Response]
    done: list[httpx.Response]
    after: httpx.Response
    started: int
    active: int
    shed: int


async def _scenario() -> _Outcome:
    inner = Gated()
    shedder = LoadShedder(inner, limit=2, queue=2, wait_s=0.3)
    transport = httpx.ASGITransport(app=shedder)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        running = [asyncio.create_task(client.get("/work")) for _ in range(2)]
        await asyncio.sleep(0.05)
        queued = [asyncio.create_task(client.get("/work")) for _ in range(2)]
        await asyncio.sleep(0.05)
        full = await client.get("/work")  # 2 running + 2 waiting: shed at once
        health = await client.get("/health")  # probes are never shed
        timed_out = await asyncio.gather(*queued)  # waited 0.3 s for a slot that never came
        inner.gate.set()
        done = await asyncio.gather(*running)
        after = await client.get("/work")
    return _Outcome(
        full=full,
        health=health,
        timed_out=timed_out,
        done=done,
        after=after,
        started=inner.started,
        active=shedder.active,
        shed=shedder.shed,
    )


def test_a_full_queue_is_shed_with_503_and_the_service_recovers() -> None:
    got = run_own_loop(_scenario)
    full = got.full
    assert full.status_code == 503 and full.headers["retry-after"] == "1"
    assert full.headers["content-type"] == "application/problem+json"
    assert got.health.status_code == 200
    assert [r.status_code for r in got.timed_out] == [503, 503]
    assert [r.status_code for r in got.done] == [200, 200]
    assert got.after.status_code == 200
    assert got.started == 3 and got.active == 0 and got.shed == 3


async def _handover() -> list[int]:
    inner = Gated()
    shedder = LoadShedder(inner, limit=1, queue=5, wait_s=5)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=shedder), base_url="http://test") as client:
        first = asyncio.create_task(client.get("/work"))
        await asyncio.sleep(0.05)
        waiting = [asyncio.create_task(client.get("/work")) for _ in range(3)]
        await asyncio.sleep(0.05)
        inner.gate.set()  # each finished request hands its slot to the next in line
        answers = await asyncio.gather(first, *waiting)
    assert shedder.active == 0
    return [r.status_code for r in answers]


def test_queued_requests_get_the_slots_in_turn() -> None:
    assert run_own_loop(_handover) == [200, 200, 200, 200]


def test_the_app_sheds_with_its_settings() -> None:
    from api.app import create_app

    app = create_app(make_settings("sqlite:///unused.db", max_concurrent_requests=3, request_queue=7))
    # Starlette types `cls` as a factory protocol, which mypy deems never identical to a class.
    shedders = [m for m in app.user_middleware if cast(object, m.cls) is LoadShedder]
    assert len(shedders) == 1 and shedders[0].kwargs["limit"] == 3 and shedders[0].kwargs["queue"] == 7


def test_a_database_that_refuses_connections_is_a_503_with_retry_after() -> None:
    """PostgreSQL at its connection limit (or restarting) refuses new connections: the request did nothing, so
    the answer is 503 with Retry-After, never a 500. Nothing listens on port 9 of 127.0.0.1 here."""
    from api.app import create_app
    from core.clock import get_clock
    from core.security import create_token
    from tests.conftest import TEST_SECRET

    url = "postgresql+psycopg://postgres@127.0.0.1:9/none?connect_timeout=2"
    settings = make_settings(url, demo=False, jobs_embedded=False, housekeeping_interval_s=0)
    token = create_token(user_id=1, secret=TEST_SECRET, ttl_minutes=5, now=get_clock().now())
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        r = client.get("/api/v1/employees", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 503, r.text
    assert r.headers["Retry-After"] and "refused a new connection" in r.json()["detail_en"]
