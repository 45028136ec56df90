"""The LLM deadline bounds a whole request (retries and Retry-After waits included) and the token budget is
per request, against a real chat-completions server on 127.0.0.1 that hangs or answers 429."""

from typing import Any

from assistant.draft import draft_goals
from assistant.llm import LLMConfig
from assistant.providers import make_provider
from tests.assistant.fake_llm import FakeLLMServer
from tests.assistant.helpers import OKR_ZH, small_org


def _provider(server: FakeLLMServer, **kw):
    cfg: dict[str, Any] = dict(
        provider="openai",
        base_url=server.base_url,
        api_key="k",
        model="m",
        timeout_s=5.0,
        max_retries=2,
        max_tokens=512,
    )
    cfg.update(kw)
    return make_provider(LLMConfig(**cfg))


def test_a_hanging_model_costs_one_deadline_then_every_call_falls_back(fake_llm: FakeLLMServer) -> None:
    fake_llm.state.default, fake_llm.state.delay_s = "slow", 6.0
    d = draft_goals(OKR_ZH, small_org("cs"), lang="zh", provider=_provider(fake_llm, deadline_s=1.5))
    assert d.calls and all(c.outcome == "fallback" for c in d.calls)
    # The first attempt was cut at the deadline (not the 5 s timeout, nor retried); later calls never went out.
    assert len(fake_llm.state.requests) == 1
    assert all("DeadlineExceeded" in (c.error or "") for c in d.calls)


def test_retry_after_past_the_deadline_is_not_waited_for(fake_llm: FakeLLMServer) -> None:
    fake_llm.state.default, fake_llm.state.retry_after = "rate_limit", "20"
    d = draft_goals(OKR_ZH, small_org("cs"), lang="zh", provider=_provider(fake_llm, deadline_s=3.0))
    assert all(c.outcome == "fallback" for c in d.calls)
    assert len(fake_llm.state.requests) == 1  # the 429 asked for 20 s: no retry could end before the deadline
    assert "DeadlineExceeded" in (d.calls[0].error or "")


def test_retry_after_within_the_deadline_is_obeyed(fake_llm: FakeLLMServer) -> None:
    fake_llm.state.script, fake_llm.state.retry_after = ["rate_limit"], "0"
    d = draft_goals(OKR_ZH, small_org("cs"), lang="zh", provider=_provider(fake_llm, deadline_s=30.0))
    assert d.calls[0].outcome == "ok"


def test_the_token_budget_is_per_request_and_says_when_it_ran_out(fake_llm: FakeLLMServer) -> None:
    spent = draft_goals(OKR_ZH, small_org("cs"), lang="zh", provider=_provider(fake_llm, token_budget=100))
    assert spent.calls[-1].outcome == "fallback"
    assert (spent.calls[-1].error or "").startswith("token budget exhausted: 140 of 100 tokens for this request")
    from assistant import openai_provider

    openai_provider._CACHE.clear()
    fresh = draft_goals(OKR_ZH, small_org("cs"), lang="zh", provider=_provider(fake_llm, token_budget=100))
    assert fresh.calls[0].outcome == "ok"  # the next request has its own budget
