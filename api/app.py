"""The FastAPI application factory."""

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio.to_thread
from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api import errors, web
from api.routes import access, admin, auth, coaching, drafts, forecasts, goals, kpis, org, pay, sales, weights
from api.routes import cycles as cycle_routes
from api.routes import exports as export_routes
from api.routes import home as home_routes
from api.routes import imports as import_routes
from api.routes import onboarding as onboarding_routes
from api.routes import process as process_routes
from api.shedding import LoadShedder
from core.clock import clock_for
from core.security import PERMISSIONS
from core.settings import Settings, get_settings
from core.vocab import ROLES
from workflows.goals.keeper import CalendarKeeper
from workflows.jobs.worker import embedded_worker
from workflows.org.secrets import demo_signing_key
from workflows.process.outbound import allow_list

DESCRIPTION = """
kpilot turns sales history, the promotion calendar and company OKRs into goals people can act on.
Log in with **Authorize** (demo users: `admin`, `hr`, `manager`, `employee`, `employee2`; password `kpilot-demo`
in demo mode). Every route states who may call it; you only ever see records that are yours to see.
Errors are RFC 9457 `application/problem+json` with a stable `code` and its `params`; `detail` is in the
caller's language (`Accept-Language`: Chinese by default, English when preferred), `detail_zh` and `detail_en`
always both. Updates need `If-Match` with the ETag you read;
creating POSTs accept `Idempotency-Key`.
"""


UPLOAD_PREFIX = "/api/v1/imports/"


class BodyLimit:
    """Answers 413 for request bodies over the limit, whether announced by Content-Length or streamed."""

    def __init__(self, app: ASGIApp, max_bytes: int, upload_bytes: int | None = None) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.upload_bytes = upload_bytes or max_bytes  # file imports have their own, larger limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.upload_bytes if str(scope.get("path", "")).startswith(UPLOAD_PREFIX) else self.max_bytes
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._reject(send, limit, errors.scope_lang(scope.get("headers")))
            return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > limit:
                raise _TooLarge
            return message

        try:
            await self.app(scope, limited, send)
        except _TooLarge:
            await self._reject(send, limit, errors.scope_lang(scope.get("headers")))

    async def _reject(self, send: Send, limit: int, lang: str) -> None:
        body = json.dumps(
            {
                "type": "about:blank",
                "title": "Content Too Large",
                "status": 413,
                **errors.said("request.too_large", {"limit": limit}, lang),
            },
            ensure_ascii=False,
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/problem+json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


class _TooLarge(Exception):
    pass


def _permission_of(route: APIRoute) -> str | None:
    stack = [route.dependant]
    while stack:
        dep = stack.pop()
        marker = getattr(dep.call, "kpilot_permission", None)
        if marker:
            return str(marker)
        stack.extend(dep.dependencies)
    return None


def document_permissions(routers: list[APIRouter]) -> None:
    """Say in each route's docs who may call it, from the permission it declares."""
    for router in routers:
        for route in router.routes:
            if not isinstance(route, APIRoute) or "**Who may call:**" in (route.description or ""):
                continue
            perm = _permission_of(route)
            who = "anyone" if perm == "public" else ", ".join(r for r in ROLES if r in PERMISSIONS.get(perm or "", ()))
            route.description = f"{route.description or ''}\n\n**Who may call:** {who or 'nobody'} (`{perm}`)".strip()


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app for `settings` (default: the environment's)."""
    settings = settings or get_settings()
    clock = clock_for(settings)
    audit_keys = settings.audit_keys  # from the configured keys only, never from the demo key in the database
    if settings.demo and not settings.has_real_secret:
        # A demo never signs tokens with a known constant: each demo database gets its own random key.
        settings = settings.model_copy(update={"secret_key": demo_signing_key(settings.database_url)})

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # Periods ahead and KPIs rolled into started periods, now and then every few minutes, in a thread.
        keeper = CalendarKeeper(
            settings.database_url, clock, settings.housekeeping_interval_s, allow_list(settings.webhook_allow)
        )
        # More threads than requests run at once: a request never waits for a thread held by a waiting one.
        limiter = anyio.to_thread.current_default_thread_limiter()
        limiter.total_tokens = max(limiter.total_tokens, 2 * settings.max_concurrent_requests + 8)
        worker = embedded_worker(settings, clock)
        if settings.housekeeping_interval_s > 0:
            keeper.start()
        if worker is not None:
            worker.start()
        # /health reports a background thread that should run but does not.
        _app.state.background = {
            "housekeeping": keeper if settings.housekeeping_interval_s > 0 else None,
            "jobs": worker,
        }
        yield
        if worker is not None:
            worker.stop()
        if settings.housekeeping_interval_s > 0:
            keeper.stop()

    app = FastAPI(
        title="kpilot",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,  # /docs is served by api.web from vendored Swagger UI files (no CDN)
        redoc_url=None,
        responses={422: {"description": "Validation error (problem+json)"}},
    )
    app.state.settings = settings
    app.state.clock = clock
    app.state.audit_keys = audit_keys
    errors.install(app)
    modules = (
        auth,
        access,
        org,
        goals,
        kpis,
        sales,
        admin,
        forecasts,
        weights,
        coaching,
        drafts,
        process_routes,
        export_routes,
        pay,
        onboarding_routes,
        import_routes,
        cycle_routes,
        home_routes,
    )
    document_permissions([m.router for m in modules])
    for module in modules:
        app.include_router(module.router)
    web.install(app)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes, upload_bytes=settings.max_upload_bytes)
    app.add_middleware(  # outermost: shed before reading a body
        LoadShedder,
        limit=settings.max_concurrent_requests,
        queue=settings.request_queue,
        wait_s=settings.request_queue_wait_s,
    )
    return app
