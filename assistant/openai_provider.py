"""OpenAI-compatible provider: ChatOpenAI json_schema structured output, one repair, then fallback."""

from __future__ import annotations

import hashlib
import json
import logging
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import replace
from typing import Any

from pydantic import BaseModel

from assistant import waiting
from assistant.guards import public_problem
from assistant.llm import LLMConfig, LLMResult, T
from assistant.model_errors import (
    TRANSPORT_PREFIX,
    Circuit,
    DeadlineExceeded,
    model_errors,
    output_errors,
    public_error,
    retry_after,
)
from assistant.prompts import load_prompt
from assistant.schemas import CallRecord

_CACHE: OrderedDict[str, tuple[BaseModel, int, int]] = OrderedDict()
_CACHE_SIZE = 1024
_CACHE_LOCK = threading.Lock()  # API workers share the cache across threads
CIRCUIT_THRESHOLD = 2
CIRCUIT_OPEN_S = 60.0
MIN_ATTEMPT_S = 0.5  # an attempt with less time than this left cannot get an answer: stop instead
# A reply that is not a chat completion at all (no choices, wrong types) surfaces from the SDK or LangChain
# as one of these while reading it: it is the server's fault, so it becomes a flagged fallback, never a 500.
MALFORMED_REPLY = (IndexError, KeyError, TypeError, AttributeError)
log = logging.getLogger("kpilot.llm")


class OpenAIProvider:
    """Calls an OpenAI-compatible chat-completions server; checked answers, cached by input hash."""

    name = "openai"

    def __init__(self, config: LLMConfig) -> None:
        self.config = config
        self.model = config.model
        self.tokens_used = 0
        self.deadline = float("inf")  # this request's (see LLMConfig): starts with its first call
        import langchain_openai  # noqa: F401 - loaded now (about 2 s), not inside the first call's deadline

        self._clients: dict[float, Any] = {}
        self._not_before = 0.0  # monotonic time before which the server asked not to be called (Retry-After)
        self._circuit = Circuit()  # repeated transport errors within this request skip the rest

    def _client(self, timeout_s: float) -> Any:
        """A ChatOpenAI whose one attempt gives up after `timeout_s` (rounded up to 0.1 s); it never retries by
        itself: `_invoke` retries only when the retry can finish before the deadline."""
        from langchain_openai import ChatOpenAI
        from pydantic import SecretStr

        seconds = max(0.1, math.ceil(timeout_s * 10) / 10)
        if seconds not in self._clients:
            kwargs: dict[str, Any] = {"max_tokens": self.config.max_tokens}  # sent as max_completion_tokens
            if self.config.temperature is not None and not self.config.model.startswith("gpt-5"):
                kwargs["temperature"] = self.config.temperature
            # base_url always explicit: OPENAI_BASE_URL and friends must not redirect traffic (LLM.md rule 2).
            self._clients[seconds] = ChatOpenAI(
                model=self.config.model,
                base_url=self.config.base_url,
                api_key=SecretStr(self.config.api_key or "unused"),
                timeout=seconds,
                max_retries=0,
                use_responses_api=False,
                stream_usage=True,
                **kwargs,
            )
        return self._clients[seconds]

    def _invoke(self, messages: list[Any], schema: type[T]) -> Any:
        """One structured answer within the deadline: retries 429/5xx and refused connections (Retry-After
        obeyed), never a timeout, while the retry can still finish in time; raises DeadlineExceeded when it cannot."""
        import openai

        retryable = (
            openai.RateLimitError,
            openai.InternalServerError,
            openai.APITimeoutError,
            openai.APIConnectionError,
        )
        tries = 0
        while True:
            self._respect_retry_after()
            left = self.deadline - time.monotonic()
            if left < MIN_ATTEMPT_S:
                raise DeadlineExceeded(f"LLM deadline of {self.config.deadline_s:g} s for this request reached")
            llm = self._client(min(self.config.timeout_s, left))
            try:
                return llm.with_structured_output(schema, method="json_schema", include_raw=True).invoke(messages)
            except retryable as exc:
                if isinstance(exc, openai.APITimeoutError):  # it spent the attempt's time: never tried again
                    if left < self.config.timeout_s:  # the attempt was cut to what the deadline left
                        raise DeadlineExceeded(
                            f"LLM deadline of {self.config.deadline_s:g} s for this request reached"
                        ) from exc
                    raise
                tries += 1
                asked = retry_after(exc)
                wait = asked if asked is not None else min(8.0, 0.5 * 2**tries)
                self._not_before = time.monotonic() + wait  # later calls of this request wait too
                if tries > self.config.max_retries:
                    raise

    def _respect_retry_after(self) -> None:
        """Sleep until the server's Retry-After has passed, or raise DeadlineExceeded if it ends too late."""
        wait = self._not_before - time.monotonic()
        if wait <= 0:
            return
        if time.monotonic() + wait + MIN_ATTEMPT_S > self.deadline:
            raise DeadlineExceeded(
                f"LLM deadline of {self.config.deadline_s:g} s for this request reached "
                f"(the server asked to wait {wait:.0f} s more)"
            )
        time.sleep(wait)

    def _key(self, prompt_id: str, version: str, variables: Mapping[str, str], schema: type[BaseModel]) -> str:
        blob = json.dumps(
            [
                prompt_id,
                version,
                self.model,
                self.config.base_url,
                schema.__name__,
                sorted(variables.items()),
            ],
            ensure_ascii=False,
        )
        return hashlib.sha256(blob.encode()).hexdigest()

    def generate(
        self,
        prompt_id: str,
        variables: Mapping[str, str],
        schema: type[T],
        *,
        check: Callable[[T], list[str]],
        fallback: T,
    ) -> LLMResult[T]:
        """Structured answer that passes `check`; one repair attempt; otherwise `fallback`, flagged."""
        prompt = load_prompt(prompt_id)
        record = CallRecord(prompt_id=prompt.id, prompt_version=prompt.version, model=self.model)
        key = self._key(prompt.id, prompt.version, variables, schema)
        with _CACHE_LOCK:
            hit = _CACHE.get(key)
            if hit is not None:
                _CACHE.move_to_end(key)
        if hit is not None:
            record.cached = True
            return LLMResult(value=schema.model_validate(hit[0].model_dump()), record=record)
        started = time.perf_counter()
        if self.deadline == float("inf"):
            self.deadline = time.monotonic() + self.config.deadline_s
        if time.monotonic() < self._circuit.open_until:
            # Circuit open: the server just failed repeatedly; don't make every department wait for a timeout.
            record.outcome, record.error = "fallback", "circuit open after repeated transport errors"
            return LLMResult(value=fallback, record=record, fallback=True)
        messages = prompt.to_chat_prompt().format_messages(**variables)
        if self.config.person_waits:
            value, problems, error = self._ask_while_waited(key, messages, schema, check, record)
        else:
            value, problems, error = self._ask(messages, schema, check, record)
        record.latency_ms = round((time.perf_counter() - started) * 1000, 1)
        if value is not None and not problems:
            self._circuit.failures = 0
            _store(key, value, record)
            return LLMResult(value=value, record=record)
        record.outcome = "fallback"
        # Operators see everything in the log; readers of the draft or report only which rule failed.
        log.warning("LLM answer to %s rejected, fallback used: %s", prompt.id, (error or "; ".join(problems))[:4000])
        public = [public_problem(p) for p in problems]
        record.error = (public_error(error) if error else "; ".join(dict.fromkeys(public)))[:500]
        transport = bool(error and error.startswith(TRANSPORT_PREFIX))
        self._circuit.failures = self._circuit.failures + 1 if transport else 0
        if self._circuit.failures >= CIRCUIT_THRESHOLD:
            self._circuit.open_until = time.monotonic() + CIRCUIT_OPEN_S
        return LLMResult(value=fallback, record=record, fallback=True, problems=public)

    def _ask_while_waited(
        self, key: str, messages: list[Any], schema: type[T], check: Callable[[T], list[str]], record: CallRecord
    ) -> tuple[T | None, list[str], str | None]:
        """`_ask` in the background with `background_s` of its own; the request waits only for what is left of its
        deadline, and an answer that arrives after that is cached for the next view."""
        left = self.deadline - time.monotonic()
        if left < MIN_ATTEMPT_S:
            return None, [], f"{TRANSPORT_PREFIX}DeadlineExceeded: the time a person waits for the model is spent"
        budget = max(self.config.background_s, self.config.timeout_s)
        helper = OpenAIProvider(replace(self.config, person_waits=False, timeout_s=budget, deadline_s=budget))
        helper.tokens_used, helper._not_before = self.tokens_used, self._not_before
        helper.deadline = time.monotonic() + budget
        own = CallRecord(prompt_id=record.prompt_id, prompt_version=record.prompt_version, model=record.model)

        def work() -> tuple[T | None, list[str], str | None]:
            value, problems, error = helper._ask(messages, schema, check, own)
            if value is not None and not problems:
                _store(key, value, own)  # for the next view, even when nobody waits for it any more
            return value, problems, error

        future = waiting.submit(work)
        if future is None:
            return None, [], f"{TRANSPORT_PREFIX}Busy: too many model calls are pending in this process"
        try:
            value, problems, error = future.result(timeout=left)
        except FutureTimeout:
            self.deadline = 0.0  # the person's time is spent: the request's later calls use the fallback at once
            return None, [], f"{TRANSPORT_PREFIX}DeadlineExceeded: no answer in time; it is cached for the next view"
        self.tokens_used = helper.tokens_used
        record.input_tokens, record.output_tokens, record.outcome = own.input_tokens, own.output_tokens, own.outcome
        return value, problems, error

    def _ask(
        self, messages: list[Any], schema: type[T], check: Callable[[T], list[str]], record: CallRecord
    ) -> tuple[T | None, list[str], str | None]:
        from langchain_core.messages import AIMessage, HumanMessage

        problems: list[str] = []
        for attempt in range(2):  # first answer + one repair
            if self.tokens_used >= self.config.token_budget:
                spent = f"{self.tokens_used} of {self.config.token_budget} tokens for this request"
                return None, problems, f"token budget exhausted: {spent}"
            try:
                out = self._invoke(messages, schema)
            except DeadlineExceeded as exc:
                return None, problems, f"{TRANSPORT_PREFIX}DeadlineExceeded: {exc}"
            except output_errors() as exc:
                # The SDK parses json_schema answers itself; bad JSON from the model surfaces here.
                out = {"raw": None, "parsed": None, "parsing_error": exc}
            except model_errors() as exc:
                return None, problems, f"{TRANSPORT_PREFIX}{type(exc).__name__}: {exc}"
            except MALFORMED_REPLY as exc:
                out = {"raw": None, "parsed": None, "parsing_error": f"malformed reply ({type(exc).__name__}: {exc})"}
            if not isinstance(out, dict):
                out = {"raw": None, "parsed": None, "parsing_error": "malformed reply"}
            raw = out.get("raw")
            usage = getattr(raw, "usage_metadata", None) or {}
            record.input_tokens += int(usage.get("input_tokens", 0))
            record.output_tokens += int(usage.get("output_tokens", 0))
            self.tokens_used += int(usage.get("total_tokens", 0))
            parsed = out.get("parsed")
            # parsed=None is a failure even when parsing_error is None (LLM.md rule 5).
            if parsed is None:
                problems = [f"answer does not match the schema: {out.get('parsing_error') or 'no parsed output'}"]
            else:
                problems = check(parsed)
            if not problems:
                record.outcome = "repaired" if attempt else "ok"
                return parsed, [], None
            content = raw.content if isinstance(raw, AIMessage) and isinstance(raw.content, str) else ""
            messages = [
                *messages,
                AIMessage(content=content[:4000] or "(invalid answer)"),
                HumanMessage(
                    content="Your answer broke these rules: "
                    + "; ".join(problems)[:1500]
                    + ". Answer again, following every rule and the JSON schema exactly."
                ),
            ]
        return None, problems, None


def _store(key: str, value: BaseModel, record: CallRecord) -> None:
    """Keep a checked answer for identical inputs (bounded, shared by the process's threads)."""
    with _CACHE_LOCK:
        _CACHE[key] = (value, record.input_tokens, record.output_tokens)
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
