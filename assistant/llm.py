"""The LLM behind one small typed protocol: the offline engine and OpenAI-compatible models implement it.

`assistant.providers.make_provider` builds the configured one; this module imports no provider, so a provider
can import the protocol types from here without a cycle.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Generic, Literal, Protocol, TypeVar

from pydantic import BaseModel

from assistant.schemas import CallRecord

T = TypeVar("T", bound=BaseModel)
Check = Callable[[T], list[str]]


@dataclass(frozen=True)
class LLMConfig:
    """Plain provider settings; the service maps its KPILOT_LLM_* settings onto this."""

    provider: Literal["offline", "openai"] = "offline"
    base_url: str | None = None
    api_key: str | None = None
    model: str = "gpt-4o-mini"
    timeout_s: float = 30.0  # one HTTP attempt
    max_retries: int = 2  # retries after a 429/5xx/timeout, each only if it can finish before the deadline
    max_tokens: int = 1024
    # One provider object serves one request (a draft, a report): `deadline_s` bounds the wall time of all its
    # calls (retries, Retry-After waits and repairs included) and `token_budget` the tokens they may spend.
    # Past either, every further call returns the deterministic fallback, flagged with the reason.
    token_budget: int = 20_000
    temperature: float | None = 0.2
    deadline_s: float = 60.0
    # A person waits for this request: each call runs in the background and the request waits only for what is
    # left of `deadline_s`; an answer that arrives later is cached for the next view (assistant.waiting).
    person_waits: bool = False
    background_s: float = 60.0  # how long such a call may go on after the person got the fallback


@dataclass
class LLMResult(Generic[T]):
    """A structured answer, its call record, and whether it is the deterministic fallback."""

    value: T
    record: CallRecord
    fallback: bool = False
    problems: list[str] = field(default_factory=list)


class LLMProvider(Protocol):
    """Something that turns a versioned prompt plus variables into a checked, structured answer."""

    name: str
    model: str

    def generate(
        self,
        prompt_id: str,
        variables: Mapping[str, str],
        schema: type[T],
        *,
        check: Callable[[T], list[str]],
        fallback: T,
    ) -> LLMResult[T]:
        """Answer `prompt_id` with an instance of `schema` that passes `check`, else return `fallback`."""
        ...


class OfflineProvider:
    """Deterministic provider: the offline engine already wrote the words, so it returns the fallback."""

    name = "offline"
    model = "offline"

    def generate(
        self,
        prompt_id: str,
        variables: Mapping[str, str],
        schema: type[T],
        *,
        check: Callable[[T], list[str]],
        fallback: T,
    ) -> LLMResult[T]:
        """Return the deterministic answer with an 'offline' call record (no tokens, no network)."""
        from assistant.prompts import load_prompt

        prompt = load_prompt(prompt_id)
        record = CallRecord(prompt_id=prompt.id, prompt_version=prompt.version, model="offline", outcome="offline")
        return LLMResult(value=fallback, record=record, fallback=False, problems=check(fallback))
