"""The service's domain errors. They know nothing of HTTP; `api/errors.py` maps them to status codes."""

from typing import TypeVar


class KpilotError(Exception):
    """Root of every error the service raises on purpose; `code` (stable) and `zh` (the message in Chinese)
    are set with `coded` where a client needs to tell errors apart."""

    code: str | None = None
    zh: str | None = None


E = TypeVar("E", bound=KpilotError)


def coded(exc: E, code: str, zh: str) -> E:
    """`exc` with a stable machine-readable code and its message in Chinese (the English one is its text)."""
    exc.code, exc.zh = code, zh
    return exc


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
