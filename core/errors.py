"""The service's domain errors. They know nothing of HTTP; `api/errors.py` maps them to status codes."""

from typing import Any, TypeVar

from core import messages


class KpilotError(Exception):
    """Root of every error the service raises on purpose. `coded` gives it a stable `code` and either the
    parameters of that code's catalogue template (`core.messages`) or its Chinese text `zh`; the English
    message stays the exception's text."""

    code: str | None = None
    zh: str | None = None
    params: dict[str, Any] | None = None


E = TypeVar("E", bound=KpilotError)


def coded(exc: E, code: str, zh: str | None = None, **params: Any) -> E:
    """`exc` with a stable machine-readable code; its Chinese words are `zh` when given, else the catalogue
    template of `code` filled with `params` (the English words are the exception's text)."""
    exc.code, exc.zh, exc.params = code, zh, params
    return exc


def words(exc: KpilotError, lang: str) -> str:
    """`exc`'s message in `lang`: English is its text (or the catalogue's), Chinese its `zh` or the catalogue's."""
    code = exc.code or fallback_code(exc)
    if lang == "en":
        return str(exc) or messages.render(code, exc.params, "en")
    if exc.zh:
        return exc.zh
    return messages.render(code, exc.params, "zh")


def fallback_code(exc: KpilotError) -> str:
    """The generic code of an error raised without one (its kind: not found, refused, conflict...)."""
    for cls in type(exc).__mro__:
        if cls in _GENERIC:
            return _GENERIC[cls]
    return "error"


class NotFound(KpilotError):
    """The object does not exist, or the caller may not see it (both answer the same)."""


class PermissionDenied(KpilotError):
    """The caller's role may not perform this action."""


class AuthenticationFailed(KpilotError):
    """Missing, expired or wrong credentials."""


class TooManyAttempts(KpilotError):
    """Too many failed attempts in a short time; `retry_after` says in how many seconds to try again."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Conflict(KpilotError):
    """The request conflicts with the current state (duplicate key, already decided)."""


class PreconditionFailed(KpilotError):
    """The If-Match version is stale."""


class PreconditionRequired(KpilotError):
    """An update was sent without If-Match."""


class InvalidInput(KpilotError):
    """Input that is well-formed but wrong; `errors` lists what and where."""

    def __init__(self, message: str, errors: list[dict[str, object]] | None = None) -> None:
        super().__init__(message)
        self.errors = errors or []


class Busy(KpilotError):
    """The service is at capacity (a full queue, no free connection, the database busy); retry after
    `retry_after` seconds."""

    def __init__(self, message: str, retry_after: int = 1) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Unavailable(KpilotError):
    """The server cannot do this now or as installed (e.g. a missing font); the text says what to install."""


class TooLarge(KpilotError):
    """An upload or a file's content is over a size, row or cell limit (413)."""


_GENERIC: dict[type[KpilotError], str] = {
    NotFound: "error.not_found",
    PermissionDenied: "error.forbidden",
    AuthenticationFailed: "error.unauthenticated",
    TooManyAttempts: "error.too_many_attempts",
    Conflict: "error.conflict",
    PreconditionFailed: "stale_version",
    PreconditionRequired: "if_match_required",
    InvalidInput: "error.invalid",
    Busy: "busy",
    Unavailable: "error.unavailable",
    TooLarge: "error.too_large",
}
