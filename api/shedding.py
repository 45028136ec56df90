"""Load shedding: a bounded number of requests run at once, a bounded queue waits briefly, the rest get 503.

Without it an overload jams the service: every worker thread waits for a pooled connection held by a request
that needs a free thread to finish. With it at most `limit` requests hold threads and connections (both pools
are larger), at most `queue` more wait up to `wait_s` seconds for a slot, and everything beyond is answered
at once with 503 and Retry-After, so the service answers normally as soon as the load drops.
"""

import asyncio
import json
from collections import deque

from starlette.types import ASGIApp, Receive, Scope, Send

from api.errors import said, scope_lang

EXEMPT_PATHS = frozenset({"/health", "/api/v1/health"})  # a load balancer's probe must get through an overload


class LoadShedder:
    """ASGI middleware: run at most `limit` requests at once, queue `queue` more for `wait_s`, shed the rest."""

    def __init__(self, app: ASGIApp, *, limit: int, queue: int, wait_s: float, retry_after_s: int = 1) -> None:
        self.app = app
        self.limit, self.queue, self.wait_s, self.retry_after_s = limit, queue, wait_s, retry_after_s
        self.active = 0
        self.shed = 0  # answered 503 since start (for operators and tests)
        self._waiters: deque[asyncio.Future[None]] = deque()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in EXEMPT_PATHS:
            await self.app(scope, receive, send)
            return
        if not await self._enter():
            self.shed += 1
            await self._reject(send, scope_lang(scope.get("headers")))
            return
        try:
            await self.app(scope, receive, send)
        finally:
            self._leave()

    async def _enter(self) -> bool:
        if self.active < self.limit and not self._waiters:
            self.active += 1
            return True
        if len(self._waiters) >= self.queue:
            return False
        slot: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append(slot)
        try:
            await asyncio.wait({slot}, timeout=self.wait_s)
        except BaseException:  # the client went away while waiting
            if slot.done():
                self._leave()  # the slot was handed over just now: pass it on
            else:
                slot.cancel()
                self._waiters.remove(slot)
            raise
        if not slot.done():  # timed out: give up the place in the queue
            slot.cancel()
            self._waiters.remove(slot)
            return False
        return True  # a slot handed over counts as active already

    def _leave(self) -> None:
        while self._waiters:  # hand the slot straight to the longest waiter
            slot = self._waiters.popleft()
            if not slot.done():
                slot.set_result(None)
                return
        self.active -= 1

    async def _reject(self, send: Send, lang: str) -> None:
        body = json.dumps(
            {"type": "about:blank", "title": "Service Unavailable", "status": 503, **said("busy.shed", None, lang)},
            ensure_ascii=False,
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 503,
                "headers": [
                    (b"content-type", b"application/problem+json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"retry-after", str(self.retry_after_s).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
