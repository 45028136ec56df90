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
from core import messages

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


def lang_of(request: Request) -> str:
    """The caller's language ("zh" unless Accept-Language prefers English)."""
    return messages.pick_lang(request.headers.get("accept-language"))


def scope_lang(headers: Any) -> str:
    """The caller's language from raw ASGI headers (for middleware that answers before routing)."""
    raw = dict(headers or []).get(b"accept-language", b"")
    return messages.pick_lang(raw.decode("latin-1"))


def said(code: str, params: dict[str, Any] | None, lang: str, *, en: str | None = None) -> dict[str, Any]:
    """The words of an answer: `detail` in the caller's language, both languages, the code and its params."""
    en_text = en or messages.render(code, params, "en")
    zh_text = messages.render(code, params, "zh")
    return {
        "detail": zh_text if lang == "zh" else en_text,
        "code": code,
        "params": params or {},
        "detail_en": en_text,
        "detail_zh": zh_text,
    }


# pydantic's error types -> the catalogue's per-field message
_FIELD_CODES: dict[str, str] = {
    "missing": "field.missing",
    "string_too_short": "field.text_too_short",
    "too_short": "field.too_few",
    "string_too_long": "field.text_too_long",
    "too_long": "field.too_many",
    "greater_than": "field.above",
    "greater_than_equal": "field.at_least",
    "less_than": "field.below",
    "less_than_equal": "field.at_most",
    "float_parsing": "field.not_a_number",
    "float_type": "field.not_a_number",
    "decimal_parsing": "field.not_a_number",
    "finite_number": "field.not_a_number",
    "int_parsing": "field.not_an_integer",
    "int_type": "field.not_an_integer",
    "int_from_float": "field.not_an_integer",
    "date_parsing": "field.not_a_date",
    "date_from_datetime_parsing": "field.not_a_date",
    "date_type": "field.not_a_date",
    "datetime_parsing": "field.not_a_date",
    "bool_parsing": "field.not_a_bool",
    "bool_type": "field.not_a_bool",
    "string_type": "field.not_text",
    "literal_error": "field.not_a_choice",
    "enum": "field.not_a_choice",
    "string_pattern_mismatch": "field.pattern",
    "list_type": "field.not_a_list",
    "extra_forbidden": "field.unexpected",
}
_CTX_KEYS = ("min_length", "max_length", "gt", "ge", "lt", "le")  # the limits a field message names


def _clean_validation_errors(errors: Any, lang: str) -> list[dict[str, Any]]:
    # Keep where and what; drop echoed input and context objects that may not serialise; words per language.
    out = []
    for err in errors:
        kind = str(err.get("type", ""))
        code = _FIELD_CODES.get(kind, "field.invalid")
        ctx = err.get("ctx") or {}
        params = {k: str(ctx[k]) for k in _CTX_KEYS if k in ctx}
        zh = messages.render(code, params, "zh")
        en = str(err.get("msg", "")) or messages.render(code, params, "en")
        out.append(
            {
                "loc": list(err.get("loc", [])),
                "msg": zh if lang == "zh" else en,
                "type": kind,
                "code": code,
                "msg_en": en,
                "msg_zh": zh,
            }
        )
    return out


def install(app: FastAPI) -> None:
    """Register the handlers on `app`."""

    @app.exception_handler(e.KpilotError)
    async def _domain(request: Request, exc: e.KpilotError) -> JSONResponse:
        extra: dict[str, Any] = {}
        headers: dict[str, str] = {}
        if isinstance(exc, e.InvalidInput) and exc.errors:
            extra["errors"] = exc.errors
        if isinstance(exc, e.TooManyAttempts | e.Busy):
            headers["Retry-After"] = str(exc.retry_after)
        lang = lang_of(request)
        # a stable code, its parameters and the message in both languages; `detail` in the caller's
        en, zh = e.words(exc, "en"), e.words(exc, "zh")
        extra.update(code=exc.code or e.fallback_code(exc), params=exc.params or {}, detail_en=en, detail_zh=zh)
        status = _status_for(exc)
        return problem(status, (zh if lang == "zh" else en) or HTTPStatus(status).phrase, headers=headers, **extra)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        lang = lang_of(request)
        errors = _clean_validation_errors(exc.errors(), lang)
        if any(err["type"] == "json_invalid" for err in errors):
            return problem(400, **said("bad_json", None, lang), errors=errors)
        return problem(422, **said("validation", {"count": len(errors)}, lang), errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        lang = lang_of(request)
        if exc.status_code == 404:
            words = said("http.not_found", {"path": request.url.path}, lang, en=str(exc.detail))
        elif exc.status_code == 405:
            words = said("http.method_not_allowed", {"method": request.method}, lang, en=str(exc.detail))
        else:
            words = said("http.error", {"status": exc.status_code}, lang, en=str(exc.detail))
        return problem(exc.status_code, **words)

    @app.exception_handler(SQLAlchemyTimeout)
    async def _pool_timeout(request: Request, _exc: SQLAlchemyTimeout) -> JSONResponse:
        # No pooled connection came free in time: the service is at capacity, not broken.
        return busy("busy.no_connection", lang_of(request))

    @app.exception_handler(OperationalError)
    async def _operational(request: Request, exc: OperationalError) -> JSONResponse:
        if is_lock_error(exc):  # another process held SQLite's write lock past the busy timeout
            return busy("busy.database_locked", lang_of(request))
        if is_refused_connection(exc):  # PostgreSQL at its connection limit, restarting, or briefly unreachable
            log.warning("database refused a connection on %s %s: %s", request.method, request.url.path, exc.orig)
            return busy("busy.database_refused", lang_of(request))
        return await _unexpected(request, exc)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:  # noqa: BLE001 - the one edge
        log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
        return problem(500, **said("internal_error", None, lang_of(request)))


def busy(code: str = "busy", lang: str = messages.DEFAULT_LANG, retry_after: int = BUSY_RETRY_AFTER_S) -> JSONResponse:
    """503 Service Unavailable with Retry-After: load was shed; the same request may be sent again later."""
    return problem(503, **said(code, None, lang), headers={"Retry-After": str(retry_after)})


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
    detail: str  # in the caller's language (Accept-Language; Chinese by default)
    code: str | None = None  # stable: what went wrong, for a client to tell errors apart
    params: dict[str, Any] | None = None  # the named values of `code`'s message
    detail_zh: str | None = None
    detail_en: str | None = None
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
