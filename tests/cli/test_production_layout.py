"""The production layout as the README documents it, run for real on PostgreSQL: several API processes behind
one address (`kpilot serve --workers 2`, no embedded job worker) and a separate `kpilot worker`.

A login made through one process works on the others; writers in different processes never clash and one
Idempotency-Key replays one answer across processes; a forecast asked for through the API waits on the queue
until a worker runs it."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from eval.service_proc import kpilot, served, service_env
from tests.conftest import TEST_SECRET

API_PROCESSES = 2
LAYOUT = {"KPILOT_JOBS_EMBEDDED": "0", "KPILOT_SECRET_KEY": TEST_SECRET, "KPILOT_FORECAST_HISTORY_DAYS": "120"}


@pytest.fixture(scope="module")
def address(backend: str, demo_url: str) -> Iterator[str]:
    if backend != "postgres":
        pytest.skip("several API processes need PostgreSQL (SQLite is for one process, README)")
    with served(demo_url, LAYOUT, workers=API_PROCESSES) as base:
        yield base


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


def _login(c: httpx.Client, user: str) -> dict[str, str]:
    r = c.post("/api/v1/auth/token", data={"username": user, "password": "kpilot-demo"})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def test_several_api_processes_answer_on_one_address(address: str) -> None:
    assert len(_api_processes()) >= API_PROCESSES  # uvicorn's supervisor started this many API processes
    with httpx.Client(base_url=address, timeout=30) as c:
        auth = _login(c, "admin")
        # New connections are spread over the processes by the kernel; a token from one works on every one.
        answers = [httpx.get(f"{address}/api/v1/me", headers=auth, timeout=30).status_code for _ in range(20)]
    assert answers == [200] * 20


def test_writers_in_different_processes_never_clash(address: str) -> None:
    with httpx.Client(base_url=address, timeout=30) as c:
        auth = _login(c, "admin")

    def create(i: int) -> httpx.Response:
        body = {"code": f"PROD-{i}", "name_zh": f"部门{i}", "name_en": f"Dept {i}"}
        return httpx.post(f"{address}/api/v1/departments", headers=auth, json=body, timeout=60)

    def same_key(_i: int) -> httpx.Response:
        body = {"code": "PROD-ONCE", "name_zh": "一次", "name_en": "Once"}
        headers = {**auth, "Idempotency-Key": "prod-layout-once"}
        return httpx.post(f"{address}/api/v1/departments", headers=headers, json=body, timeout=60)

    with ThreadPoolExecutor(max_workers=12) as pool:
        distinct = list(pool.map(create, range(12)))
        twins = list(pool.map(same_key, range(12)))
    assert [r.status_code for r in distinct] == [201] * 12
    assert [r.status_code for r in twins] == [201] * 12
    assert len({r.json()["id"] for r in twins}) == 1


def test_a_forecast_waits_for_a_worker_and_the_worker_runs_it(address: str, demo_url: str) -> None:
    with httpx.Client(base_url=address, timeout=60) as c:
        auth = _login(c, "hr")
        periods = c.get("/api/v1/periods", headers=auth, params={"limit": 200}).json()["data"]
        quarter = min((p for p in periods if p["kind"] == "quarter" and p["end_date"] > "2026-12-31"),
                      key=lambda p: p["start_date"])  # fmt: skip
        job = c.post("/api/v1/forecasts", headers=auth, json={"period_id": quarter["id"]})
        assert job.status_code in (200, 201, 202), job.text
        fid = job.json()["id"]
        assert c.get(f"/api/v1/forecasts/{fid}", headers=auth).json()["status"] == "queued"  # no API process runs it
        worker = kpilot("worker", "--once", env=service_env(demo_url, **LAYOUT), stdout=subprocess.PIPE,
                        stderr=subprocess.STDOUT)  # fmt: skip
        out, _ = worker.communicate(timeout=600)
        assert worker.returncode == 0, out.decode()[-2000:]
        done = c.get(f"/api/v1/forecasts/{fid}", headers=auth).json()
    assert done["status"] == "done", done


def _api_processes() -> list[int]:
    """The processes of the `kpilot serve --workers` this module started (a child of this test process; other
    children, such as a browser, are told apart by their command line)."""
    import os

    for pid in _children(os.getpid()):
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        if b"serve" in argv and b"--workers" in argv:
            return _children(pid)
    return []
