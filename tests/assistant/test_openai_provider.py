"""The openai provider against a real chat-completions server on 127.0.0.1: answers, faults, repair, cache."""

from typing import Any

import pytest

from assistant.draft import draft_goals
from assistant.errors import ProviderError
from assistant.guards import check_draft
from assistant.llm import LLMConfig
from assistant.providers import make_provider
from tests.assistant.fake_llm import ANSWERS, FakeLLMServer
from tests.assistant.helpers import OKR_ZH, small_org


def _provider(server: FakeLLMServer, **kw):
    cfg: dict[str, Any] = dict(
        provider="openai",
        base_url=server.base_url,
        api_key="test-key",
        model="test-model",
        timeout_s=2.0,
        max_retries=0,
        max_tokens=512,
    )
    cfg.update(kw)
    return make_provider(LLMConfig(**cfg))


def _draft(server: FakeLLMServer, lang: str = "zh", **kw):
    return draft_goals(OKR_ZH, small_org("cs"), lang=lang, provider=_provider(server, **kw))


def test_valid_answers_are_used_and_recorded(fake_llm: FakeLLMServer) -> None:
    d = _draft(fake_llm, lang="en")
    assert check_draft(d) == [] and not [f for f in d.flags if f.startswith("fallback")]
    assert d.departments[0].objectives[0].title == ANSWERS["en"]["objective"]
    assert {k.definition for k in d.roles[0].kpis} == {ANSWERS["en"]["definition"]}
    assert [(c.prompt_id, c.outcome) for c in d.calls] == [
        ("cascade_department", "ok"),
        ("cascade_role", "ok"),
    ]
    assert all(
        c.prompt_version == "1.0.0"
        and c.model == "test-model"
        and c.input_tokens == 100
        and c.output_tokens == 40
        and c.latency_ms > 0
        for c in d.calls
    )
    body = fake_llm.state.requests[0]["body"]
    assert body["response_format"]["type"] == "json_schema"
    assert body["max_completion_tokens"] == 512
    assert "<<<DATA\nKR1: Q3 GMV" in body["messages"][1]["content"]  # user text travels as delimited data


@pytest.mark.parametrize(
    "mode",
    [
        "malformed",
        "truncated",
        "wrong_schema",
        "wrong_language",
        "bad_numbers",
        "error500",
        "rate_limit",
        "slow",
    ],
)
def test_every_fault_gives_a_valid_flagged_fallback(fake_llm: FakeLLMServer, mode: str) -> None:
    fake_llm.state.default = mode
    fake_llm.state.delay_s = 1.0
    offline = draft_goals(OKR_ZH, small_org("cs"), lang="zh")
    d = _draft(fake_llm, timeout_s=0.3)
    assert check_draft(d) == []
    assert "fallback:department:cs" in d.flags and "fallback:role:cs/cs_agent" in d.flags
    assert all(c.outcome == "fallback" and c.error for c in d.calls)
    assert [k.definition for k in d.roles[0].kpis] == [k.definition for k in offline.roles[0].kpis]


def test_one_repair_attempt_fixes_a_bad_answer(fake_llm: FakeLLMServer) -> None:
    fake_llm.state.script = ["wrong_language"]
    d = _draft(fake_llm)
    assert [c.outcome for c in d.calls] == ["repaired", "ok"]
    assert d.calls[0].input_tokens == 200  # both attempts are counted
    repair = fake_llm.state.requests[1]["body"]["messages"]
    assert repair[-1]["role"] == "user" and "not in the requested language" in repair[-1]["content"]


def test_rate_limit_is_retried_by_the_client(fake_llm: FakeLLMServer) -> None:
    fake_llm.state.script = ["rate_limit"]
    d = _draft(fake_llm, max_retries=1)
    assert [c.outcome for c in d.calls] == ["ok", "ok"]
    assert len(fake_llm.state.requests) == 3


def test_identical_inputs_hit_the_cache(fake_llm: FakeLLMServer) -> None:
    provider = _provider(fake_llm)
    first = draft_goals(OKR_ZH, small_org("cs"), lang="zh", provider=provider)
    n = len(fake_llm.state.requests)
    second = draft_goals(OKR_ZH, small_org("cs"), lang="zh", provider=_provider(fake_llm))
    assert len(fake_llm.state.requests) == n
    assert all(c.cached for c in second.calls)
    assert second.departments[0].model_dump() == first.departments[0].model_dump()


def test_token_budget_stops_calls(fake_llm: FakeLLMServer) -> None:
    d = _draft(fake_llm, token_budget=100)
    assert [c.outcome for c in d.calls] == ["ok", "fallback"]
    assert d.calls[1].error.startswith("token budget exhausted")
    assert len(fake_llm.state.requests) == 1


def test_openai_provider_needs_explicit_base_url() -> None:
    with pytest.raises(ProviderError):
        make_provider(LLMConfig(provider="openai", base_url=None))


def test_circuit_opens_after_repeated_transport_errors(fake_llm: FakeLLMServer) -> None:
    fake_llm.state.default = "error500"
    d = draft_goals(OKR_ZH, lang="zh", provider=_provider(fake_llm))  # 7 departments + 14 roles
    assert len(d.calls) == 21 and all(c.outcome == "fallback" for c in d.calls)
    assert len(fake_llm.state.requests) == 2
    assert check_draft(d) == []
