"""How the OpenAI-compatible provider tells failures apart: the model or transport failed (a flagged fallback), the
answer arrived unusable (repairable), the deadline passed; the Retry-After a busy server asks for; a failure as
readers may see it; and the circuit that stops calling a failing provider for a while."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import ValidationError

TRANSPORT_PREFIX = "transport: "


def model_errors() -> tuple[type[BaseException], ...]:
    """Errors that mean 'the model or the transport failed' (fallback), as opposed to our own bugs."""
    import openai
    from langchain_core.exceptions import LangChainException

    return (openai.OpenAIError, LangChainException)


def output_errors() -> tuple[type[BaseException], ...]:
    """Errors meaning 'the answer arrived but is unusable' (truncated, filtered, not JSON): repairable."""
    import openai

    return (
        openai.LengthFinishReasonError,
        openai.ContentFilterFinishReasonError,
        ValidationError,
        ValueError,
    )


class DeadlineExceeded(Exception):
    """The request's LLM deadline passed (or the next attempt could not finish before it)."""


@dataclass
class Circuit:
    failures: int = 0
    open_until: float = 0.0


def retry_after(exc: BaseException) -> float | None:
    """The seconds a 429/503 answer's Retry-After header asks for, if any."""
    response = getattr(exc, "response", None)
    value = response.headers.get("retry-after") if response is not None else None
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


def public_error(error: str) -> str:
    """A provider failure as readers may see it: the kind of failure, not the server's or model's text."""
    if error.startswith(TRANSPORT_PREFIX):
        return TRANSPORT_PREFIX + error.removeprefix(TRANSPORT_PREFIX).split(":", 1)[0]
    return error
