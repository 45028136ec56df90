"""Many clients at once against one service, on SQLite and PostgreSQL: writers never get a 500 for a lock,
fifty approvals of one proposal give one approval and forty-nine refusals, and fifty POSTs with one
Idempotency-Key all get the first answer."""

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import pytest
from fastapi.testclient import TestClient

from tests.conftest import demo_logins, make_settings

N = 50
T = TypeVar("T")


@pytest.fixture(scope="module")
def busy(demo_url: str) -> Iterator[TestClient]:
    """The app with room for all fifty at once (nothing shed: this is about the database, not shedding)."""
    from api.app import create_app

    settings = make_settings(demo_url, request_queue=200, request_queue_wait_s=30, jobs_embedded=False)
    with TestClient(create_app(settings), raise_server_exceptions=False) as c:
        yield c


def _all_at_once(fn: Callable[[int], T], n: int = N) -> list[T]:
    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(fn, range(n)))


def test_fifty_concurrent_approvals_of_one_proposal(busy: TestClient) -> None:
    auth = demo_logins(busy)["hr"]
    pending = busy.get("/api/v1/weight-proposals", headers=auth, params={"status": "pending"}).json()["data"]
    assert pending, "the demo company has a pending weight proposal"
    pid = pending[0]["id"]
    etag = busy.get(f"/api/v1/weight-proposals/{pid}", headers=auth).headers["ETag"]
    answers = _all_at_once(
        lambda _i: (
            busy.post(
                f"/api/v1/weight-proposals/{pid}/approve", headers={**auth, "If-Match": etag}, json={}
            ).status_code
        )
    )
    assert answers.count(200) == 1, sorted(answers)
    assert set(answers) <= {200, 409, 412}, sorted(answers)  # never a 500 "database is locked"


def test_fifty_posts_with_one_idempotency_key_replay_the_first_answer(busy: TestClient) -> None:
    auth = demo_logins(busy)["admin"]
    body = {"code": "LOAD-TEST", "name_zh": "压测部", "name_en": "Load test"}
    headers = {**auth, "Idempotency-Key": "fifty-at-once"}
    answers = _all_at_once(lambda _i: busy.post("/api/v1/departments", headers=headers, json=body))
    assert sorted({r.status_code for r in answers}) == [201], sorted(r.status_code for r in answers)
    assert len({r.json()["id"] for r in answers}) == 1


def test_fifty_concurrent_writers_of_different_rows(busy: TestClient) -> None:
    auth = demo_logins(busy)["admin"]
    answers = _all_at_once(
        lambda i: (
            busy.post(
                "/api/v1/departments", headers=auth, json={"code": f"W{i}", "name_zh": f"部{i}", "name_en": f"D{i}"}
            ).status_code
        )
    )
    assert answers == [201] * N
