"""While a model is thinking, nobody else waits for it: a draft or a plan whose model call is pending holds no
database connection and no SQLite write turn, so other readers and writers go on (issue 17).

The model is a real chat-completions server on 127.0.0.1 that answers only when the test releases it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.assistant.fake_llm import FakeLLMServer
from tests.conftest import demo_logins, make_settings


@pytest.fixture
def model(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeLLMServer]:
    """A loopback model that holds every answer until `state.release` is set."""
    for name in ("OPENAI_BASE_URL", "HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    from assistant import openai_provider

    openai_provider._CACHE.clear()
    with FakeLLMServer() as server:
        server.state.default = "hold"
        yield server
        server.state.release.set()


@pytest.fixture
def thinking_app(demo_url: str, model: FakeLLMServer) -> Iterator[TestClient]:
    settings = make_settings(
        demo_url,
        llm_provider="openai",
        llm_base_url=model.base_url,
        llm_api_key="k",
        llm_model="m",
        llm_deadline_s=60,
        draft_forecast=False,
        jobs_embedded=False,
        housekeeping_interval_s=0,
    )
    from api.app import create_app

    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        yield client


def _checked_out(url: str) -> int:
    from sqlalchemy.pool import QueuePool

    from core.db import get_engine

    total = 0
    for write in (False, True):
        pool = get_engine(url, write).pool
        assert isinstance(pool, QueuePool)
        total += pool.checkedout()
    return total


def _while_the_model_thinks(
    client: TestClient, model: FakeLLMServer, url: str, code: str, call: Any
) -> tuple[int, int, Any]:
    """Start `call`, wait until the model holds its request, then (still holding) count the pooled connections in
    use and make an unrelated write; release the model. Returns (connections, write status, call's response)."""
    auth = demo_logins(client)["admin"]
    with ThreadPoolExecutor(max_workers=1) as pool:
        pending: Future[Any] = pool.submit(call)
        assert model.state.held.acquire(timeout=60), "the request never reached the model"
        in_use = _checked_out(url)
        write = client.post(
            "/api/v1/departments", headers=auth, json={"code": f"WAIT-{code}", "name_zh": "等", "name_en": "W"}
        )
        still_holding = not model.state.release.is_set()
        model.state.release.set()
        answer = pending.result(timeout=120)
    assert still_holding  # the write above was answered while the model was still holding
    return in_use, write.status_code, answer


def test_a_draft_waiting_for_its_model_holds_no_connection(
    thinking_app: TestClient, model: FakeLLMServer, demo_url: str
) -> None:
    auth = demo_logins(thinking_app)["manager"]
    mine = thinking_app.get("/api/v1/goal-drafts", headers=auth).json()["data"][0]
    body = {"department_id": mine["department_id"], "period_id": mine["period_id"], "lang": "zh", "again": True}
    in_use, write, answer = _while_the_model_thinks(
        thinking_app,
        model,
        demo_url,
        "DRAFT",
        lambda: thinking_app.post(
            "/api/v1/goal-drafts", headers={**auth, "Idempotency-Key": "thinking-draft"}, json=body
        ),
    )
    assert in_use == 0
    assert write == 201
    assert answer.status_code == 201, answer.text
    assert answer.json()["provider"] == "openai"
    replay = thinking_app.post("/api/v1/goal-drafts", headers={**auth, "Idempotency-Key": "thinking-draft"}, json=body)
    assert replay.json()["id"] == answer.json()["id"]  # the key still replays the first answer


def test_a_plan_waiting_for_its_report_model_holds_no_connection(
    thinking_app: TestClient, model: FakeLLMServer, demo_url: str
) -> None:
    auth = demo_logins(thinking_app)["employee"]
    in_use, write, answer = _while_the_model_thinks(
        thinking_app, model, demo_url, "PLAN", lambda: thinking_app.get("/api/v1/me/plan", headers=auth)
    )
    assert in_use == 0
    assert write == 201
    assert answer.status_code == 200, answer.text
    plan = answer.json()
    assert plan["kpis"]
    assert plan["report"]["source"] in ("llm", "fallback")  # the model was asked (this fake speaks only drafts)


@pytest.mark.skipif(
    "faketime" in os.environ.get("LD_PRELOAD", ""),
    reason="under libfaketime's frozen clock a timed wait never ends, and this test waits 3 s for what must not come",
)
def test_twins_with_one_key_call_the_model_once(thinking_app: TestClient, model: FakeLLMServer) -> None:
    """The first of two requests with one Idempotency-Key gives its connection back while the model thinks; the
    twin waits for its answer instead of asking the model again, and both get the same draft."""
    auth = demo_logins(thinking_app)["manager"]
    mine = thinking_app.get("/api/v1/goal-drafts", headers=auth).json()["data"][0]
    body = {"department_id": mine["department_id"], "period_id": mine["period_id"], "lang": "zh", "again": True}
    post = lambda key: thinking_app.post("/api/v1/goal-drafts", headers={**auth, "Idempotency-Key": key}, json=body)  # noqa: E731
    with ThreadPoolExecutor(max_workers=2) as pool:
        first = pool.submit(post, "twin-draft")
        assert model.state.held.acquire(timeout=60), "the request never reached the model"
        second = pool.submit(post, "twin-draft")
        twin_held = model.state.held.acquire(timeout=3)  # the twin must not reach the model
        model.state.release.set()
        a, b = first.result(timeout=120), second.result(timeout=120)
    assert not twin_held
    assert a.status_code == b.status_code == 201, (a.text, b.text)
    assert a.json()["id"] == b.json()["id"]
