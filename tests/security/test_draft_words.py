"""Model words in goal drafts, probed with a loopback model that writes numbers in words ("排名第三", "百分之五十",
"翻了一番") into KPI definitions and the objective title: drafts apply the same numbers-in-words check as
reports, so none of them reaches a draft."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from assistant import waiting
from tests.assistant import fake_llm as fake
from tests.assistant.fake_llm import FakeLLMServer
from tests.conftest import demo_logins, make_settings

WORDS = ("排名第三", "百分之五十", "翻了一番")


@pytest.fixture
def hostile_words(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(fake.ANSWERS["zh"], "objective", "本部门本季度排名第三，销售额翻了一番，达成百分之五十。")
    monkeypatch.setitem(fake.ANSWERS["zh"], "definition", "本岗位业绩排名第三，转化率翻了一番，提升百分之五十。")


@pytest.fixture
def drafting(demo_url: str, fake_llm: FakeLLMServer, hostile_words: None) -> Iterator[TestClient]:
    settings = make_settings(
        demo_url,
        llm_provider="openai",
        llm_base_url=fake_llm.base_url,
        llm_api_key="k",
        llm_model="m",
        draft_forecast=False,
        jobs_embedded=False,
        housekeeping_interval_s=0,
    )
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        yield client
    waiting.wait_idle(35)


def _texts(draft: dict[str, Any]) -> str:
    return str(draft)


def test_numbers_in_words_from_the_model_never_reach_a_draft(drafting: TestClient, fake_llm: FakeLLMServer) -> None:
    auth = demo_logins(drafting)["manager"]
    mine = drafting.get("/api/v1/goal-drafts", headers=auth).json()["data"][0]
    body = {"department_id": mine["department_id"], "period_id": mine["period_id"], "lang": "zh", "again": True}
    r = drafting.post("/api/v1/goal-drafts", headers=auth, json=body)
    assert r.status_code == 201, r.text
    assert fake_llm.state.requests  # the model was asked and answered
    draft = r.json()["draft"]
    calls = [c for c in draft["calls"] if c["model"] != "offline"]
    assert calls and all(c["outcome"] == "fallback" for c in calls), calls
    assert all("numbers not in the computed facts" in (c["error"] or "") for c in calls)
    text = _texts(draft)
    assert not any(w in text for w in WORDS)


@pytest.mark.parametrize("words", WORDS)
def test_each_word_alone_is_refused(fake_llm: FakeLLMServer, monkeypatch: pytest.MonkeyPatch, words: str) -> None:
    from assistant.draft import draft_goals
    from assistant.llm import LLMConfig
    from assistant.providers import make_provider
    from tests.assistant.helpers import OKR_ZH, small_org

    monkeypatch.setitem(fake.ANSWERS["zh"], "objective", f"部门按期达成公司目标，{words}。")
    monkeypatch.setitem(fake.ANSWERS["zh"], "definition", f"本岗位按期达成该指标的目标，{words}。")
    config = LLMConfig(provider="openai", base_url=fake_llm.base_url, api_key="k", model="m", timeout_s=5)
    d = draft_goals(OKR_ZH, small_org("cs"), lang="zh", provider=make_provider(config))
    assert d.calls and all(c.outcome == "fallback" for c in d.calls), [c.error for c in d.calls]
    assert words not in str(d.model_dump())


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("排名第三", [3.0]),
        ("第十二名", [12.0]),
        ("销售额翻了一番", [100.0]),
        ("sales doubled", [100.0]),
        ("第一季度", []),
    ],
)
def test_ranks_and_growth_words_are_numbers(text: str, numbers: list[float]) -> None:
    from assistant.number_words import word_numbers

    assert word_numbers(text) == numbers
