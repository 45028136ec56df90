"""Fixtures for the assistant tests: a loopback chat-completions server and a clean LLM environment."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.assistant.fake_llm import FakeLLMServer

_LEAKY_ENV = (
    "OPENAI_BASE_URL",
    "OPENAI_API_BASE",
    "LANGSMITH_GATEWAY",
    "LANGSMITH_TRACING",
    "LANGSMITH_API_KEY",
    "LANGCHAIN_TRACING_V2",
    "LANGCHAIN_API_KEY",
    "LANGSMITH_ENDPOINT",
    "LANGCHAIN_ENDPOINT",
    "LC_OUTPUT_VERSION",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "http_proxy",
    "https_proxy",
    "ALL_PROXY",
)


@pytest.fixture
def llm_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No tracing, no proxy for loopback, no env-based redirection of OpenAI traffic; empty answer cache."""
    for name in _LEAKY_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    from assistant import openai_provider

    openai_provider._CACHE.clear()


@pytest.fixture
def fake_llm(llm_env: None) -> Iterator[FakeLLMServer]:
    """A running fake OpenAI-compatible server on 127.0.0.1 (random port)."""
    with FakeLLMServer() as server:
        yield server
