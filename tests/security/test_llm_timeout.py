"""A hanging model must not hold a page: a request a person waits for spends at most KPILOT_LLM_TIMEOUT_S on the
model in total (a timeout is never tried again inside it), answers with the deterministic text, and the model's
wording, when it arrives later, is cached for the next view. The model is a loopback server that holds."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from assistant import openai_provider, waiting
from assistant.draft import draft_goals
from assistant.llm import LLMConfig
from assistant.providers import make_provider
from tests.assistant.fake_llm import FakeLLMServer
from tests.assistant.helpers import OKR_ZH, small_org
from tests.conftest import demo_logins, make_settings


def test_a_timeout_is_not_retried(fake_llm: FakeLLMServer) -> None:
    fake_llm.state.default, fake_llm.state.delay_s = "slow", 3.0
    config = LLMConfig(
        provider="openai", base_url=fake_llm.base_url, api_key="k", model="m", timeout_s=0.5, max_retries=2
    )
    d = draft_goals(OKR_ZH, small_org("cs"), lang="zh", provider=make_provider(config))
    assert [c.outcome for c in d.calls] == ["fallback", "fallback"]
    assert all("TimeoutError" in (c.error or "") for c in d.calls)
    # One attempt per call, not 1 + max_retries: a timeout already spent the attempt's whole time.
    assert len(fake_llm.state.requests) == len(d.calls) == 2


@pytest.fixture
def waiting_app(demo_url: str, fake_llm: FakeLLMServer) -> Iterator[TestClient]:
    fake_llm.state.default = "hold"
    settings = make_settings(
        demo_url,
        llm_provider="openai",
        llm_base_url=fake_llm.base_url,
        llm_api_key="k",
        llm_model="m",
        llm_timeout_s=2,
        llm_deadline_s=60,
        draft_forecast=False,
        jobs_embedded=False,
        housekeeping_interval_s=0,
    )
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        yield client
    fake_llm.state.release.set()
    waiting.wait_idle(35)


@pytest.mark.skipif(
    "faketime" in os.environ.get("LD_PRELOAD", ""),
    reason="measures a real model timeout and a late answer in the background: not with libfaketime's clock",
)
def test_a_hanging_model_costs_one_timeout_and_its_late_answer_serves_the_next_view(
    waiting_app: TestClient, fake_llm: FakeLLMServer
) -> None:
    auth = demo_logins(waiting_app)["manager"]
    mine = waiting_app.get("/api/v1/goal-drafts", headers=auth).json()["data"][0]
    body = {"department_id": mine["department_id"], "period_id": mine["period_id"], "lang": "zh", "again": True}
    first = waiting_app.post("/api/v1/goal-drafts", headers=auth, json=body)
    assert first.status_code == 201, first.text
    calls = [c for c in first.json()["draft"]["calls"] if c["model"] != "offline"]  # this department's calls
    assert calls and all(c["outcome"] == "fallback" for c in calls)  # the deterministic text, at once
    assert calls[0]["error"] == "transport: DeadlineExceeded"
    # The one call that went out waited at most the timeout; later calls never went out, and nothing was retried.
    assert len(fake_llm.state.requests) == 1
    fake_llm.state.default = "valid"
    fake_llm.state.release.set()  # the model answers late ...
    assert waiting.wait_idle(35)
    assert len(openai_provider._CACHE) == 1  # ... and its wording is kept
    again = waiting_app.post("/api/v1/goal-drafts", headers=auth, json=body)
    assert again.status_code == 201, again.text
    later = [c for c in again.json()["draft"]["calls"] if c["model"] != "offline"]
    assert later[0]["cached"] is True and later[0]["outcome"] == "ok"  # the next view shows the model's words


def test_a_plan_page_gets_its_deterministic_report_when_the_model_hangs(
    waiting_app: TestClient, fake_llm: FakeLLMServer
) -> None:
    auth = demo_logins(waiting_app)["employee"]
    r = waiting_app.get("/api/v1/me/plan", headers=auth)
    assert r.status_code == 200, r.text
    assert r.json()["report"]["source"] == "fallback" and r.json()["report"]["text"]
    assert len(fake_llm.state.requests) == 1  # one call, cut at the timeout, never retried
