"""The one place that maps errors to HTTP: RFC 9457 problem+json for every 4xx/5xx, never a stack trace."""

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as SQLAlchemyTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

from core import errors as e

log = logging.getLogger("kpilot.api")
PROBLEM = "application/problem+json"

STATUS: dict[type[e.KpilotError], int] = {
    e.NotFound: 404,
    e.PermissionDenied: 403,
    e.AuthenticationFailed: 401,
    e.Conflict: 409,
    e.PreconditionFailed: 412,
    e.PreconditionRequired: 428,
    e.InvalidInput: 422,
    e.TooLarge: 413,
    e.TooManyAttempts: 429,
    e.Busy: 503,
    e.Unavailable: 503,
}
BUSY_RETRY_AFTER_S = 1


def problem(
    status: int, detail: str, *, title: str | None = None, headers: dict[str, str] | None = None, **extra: Any
) -> JSONResponse:
    """A problem+json response."""
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title or HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
    }
    body.update(extra)
    headers = {**({"WWW-Authenticate": "Bearer"} if status == 401 else {}), **(headers or {})}
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


def _status_for(exc: e.KpilotError) -> int:
    for cls in type(exc).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 400


def _clean_validation_errors(errors: Any) -> list[dict[str, Any]]:
    # Keep where and what; drop echoed input and context objects that may not serialise.
    out = []
    for err in errors:
        out.append({"loc": list(err.get("loc", [])), "msg": str(err.get("msg", "")), "type": err.get("type", "")})
    return out


def install(app: FastAPI) -> None:
    """Register the handlers on `app`."""

    @app.exception_handler(e.KpilotError)
    async def _domain(_request: Request, exc: e.KpilotError) -> JSONResponse:
        extra: dict[str, Any] = {}
        headers: dict[str, str] = {}
        if isinstance(exc, e.InvalidInput) and exc.errors:
            extra["errors"] = exc.errors
        if isinstance(exc, e.TooManyAttempts | e.Busy):
            headers["Retry-After"] = str(exc.retry_after)
        if exc.code is not None:  # a stable code and the message in both languages
            extra.update(code=exc.code, detail_en=str(exc), detail_zh=exc.zh or str(exc))
        status = _status_for(exc)
        return problem(status, str(exc) or HTTPStatus(status).phrase, headers=headers, **extra)

    @app.exception_handler(RequestValidationError)
    async def _validation(_request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = _clean_validation_errors(exc.errors())
        if any(err["type"] == "json_invalid" for err in errors):
            return problem(400, "The request body is not valid JSON.", errors=errors)
        return problem(422, "The request is not valid; see `errors` for each field.", errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return problem(exc.status_code, str(exc.detail))

    @app.exception_handler(SQLAlchemyTimeout)
    async def _pool_timeout(_request: Request, _exc: SQLAlchemyTimeout) -> JSONResponse:
        # No pooled connection came free in time: the service is at capacity, not broken.
        return busy("The service is at capacity (no free database connection); retry shortly.")

    @app.exception_handler(OperationalError)
    async def _operational(request: Request, exc: OperationalError) -> JSONResponse:
        if is_lock_error(exc):  # another process held SQLite's write lock past the busy timeout
            return busy("The database is busy with other writes; retry shortly.")
        if is_refused_connection(exc):  # PostgreSQL at its connection limit, restarting, or briefly unreachable
            log.warning("database refused a connection on %s %s: %s", request.method, request.url.path, exc.orig)
            return busy("The database refused a new connection (at its limit or restarting); retry shortly.")
        return await _unexpected(request, exc)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:  # noqa: BLE001 - the one edge
        log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
        return problem(500, "An internal error occurred. It has been logged; please retry or contact support.")


def busy(detail: str, retry_after: int = BUSY_RETRY_AFTER_S) -> JSONResponse:
    """503 Service Unavailable with Retry-After: load was shed; the same request may be sent again later."""
    return problem(503, detail, headers={"Retry-After": str(retry_after)})


def is_refused_connection(exc: OperationalError) -> bool:
    """True when no connection could be opened at all (too many clients, server starting or unreachable): the
    request did nothing, so a retry later is safe."""
    return _says(exc, "connection failed", "too many clients", "could not connect")


def is_lock_error(exc: OperationalError) -> bool:
    """True for SQLite's "database is locked"/"busy" (a lock wait that ran out, not a broken database)."""
    return _says(exc, "database is locked", "database is busy")


def _says(exc: OperationalError, *phrases: str) -> bool:
    """True when the driver's message contains one of `phrases` (case-insensitive)."""
    text = str(exc.orig).lower()
    return any(p in text for p in phrases)


class Problem(BaseModel):
    """RFC 9457 problem details."""

    model_config = ConfigDict(extra="allow")
    type: str
    title: str
    status: int
    detail: str
    errors: list[dict[str, Any]] | None = None


def _doc(description: str) -> dict[str, Any]:
    return {"description": description, "model": Problem, "content": {PROBLEM: {}}}


# Documented on every router so clients (and schemathesis) know each error's shape.
PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: _doc("Malformed request (e.g. invalid JSON)"),
    401: _doc("Not authenticated"),
    403: _doc("Your role may not do this"),
    404: _doc("Not found, or not yours"),
    409: _doc("Conflicts with the current state"),
    412: _doc("If-Match version is stale"),
    413: _doc("Request body too large"),
    422: _doc("Invalid input"),
    428: _doc("If-Match required"),
    429: _doc("Too many failed attempts; retry after the Retry-After seconds"),
    503: _doc("At capacity: the request was shed; retry after the Retry-After seconds"),
}
