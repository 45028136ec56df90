"""The fault run: kill a `kpilot worker` in the middle of a forecast job; the job must finish on another worker
(or be reported failed with its reason), never stay `running`. Writes eval/results/load_fault.md."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable
from typing import Any

import httpx
from sqlalchemy import create_engine, text

from eval.service_proc import kpilot, served, service_env

LEASE_S = 10
KILL_AFTER_S = 1.0  # into the job; the demo's full-history forecast takes longer than this


def _job_row(url: str, forecast_job_id: int) -> dict[str, Any] | None:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            for row in conn.execute(text("SELECT id, status, worker, attempts, error, payload FROM job ORDER BY id")):
                payload = row.payload if isinstance(row.payload, dict) else __import__("json").loads(row.payload)
                if int(payload.get("forecast_job_id", -1)) == forecast_job_id:
                    return dict(row._mapping)
    finally:
        engine.dispose()
    return None


def fault_run(url: str, db: str, progress: Callable[[str], None], *, limit_s: float = 600.0) -> dict[str, Any]:
    """Two workers, one forecast job; SIGKILL the worker that claimed it KILL_AFTER_S into the fit; follow the job."""
    env = {"KPILOT_JOBS_EMBEDDED": "0", "KPILOT_JOBS_LEASE_S": str(LEASE_S)}
    workers = [
        kpilot("worker", env=service_env(url, **env), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(2)
    ]
    try:
        with served(url, env) as base, httpx.Client(base_url=base, timeout=30) as c:
            token = c.post("/api/v1/auth/token", data={"username": "hr", "password": "kpilot-demo"}).json()
            auth = {"Authorization": f"Bearer {token['access_token']}"}
            period = _next_period(c, auth)
            job = c.post("/api/v1/forecasts", headers=auth, json={"period_id": period}).json()
            fid = int(job["id"])
            row = _wait(lambda: (r := _job_row(url, fid)) and r["status"] == "running" and r, 120)
            time.sleep(KILL_AFTER_S)
            pid = int(str(row["worker"]).split(":")[1])
            os.kill(pid, signal.SIGKILL)
            killed = time.perf_counter()
            at_kill = c.get(f"/api/v1/forecasts/{fid}", headers=auth).json()["status"]
            if at_kill != "running":  # the job ended before the kill: this run tested nothing
                raise RuntimeError(f"forecast {fid} was already {at_kill} when its worker was killed")
            progress(f"fault run ({db}): killed worker {row['worker']} during forecast {fid}")
            final = _wait(lambda: (j := c.get(f"/api/v1/forecasts/{fid}", headers=auth).json())["status"]
                          in ("done", "failed") and j, limit_s)  # fmt: skip
            settled = time.perf_counter() - killed
            after = _job_row(url, fid) or {}
    finally:
        for w in workers:
            if w.poll() is None:
                w.terminate()
                w.wait(timeout=30)
    return {
        "db": db,
        "lease_s": LEASE_S,
        "killed_worker": row["worker"],
        "forecast_status_at_kill": at_kill,
        "finished_by": after.get("worker"),
        "attempts": after.get("attempts"),
        "queue_status": after.get("status"),
        "forecast_status": final["status"],
        "message": (final.get("message") or "")[:160],
        "queue_note": (after.get("error") or "")[:160],
        "seconds_from_kill_to_settled": round(settled, 1),
    }


def _next_period(c: httpx.Client, auth: dict[str, str]) -> int:
    periods = c.get("/api/v1/periods", headers=auth, params={"limit": 200}).json()["data"]
    quarters = [p for p in periods if p.get("kind") == "quarter" and p["end_date"] > "2026-11-18"]
    return int(sorted(quarters, key=lambda p: p["start_date"])[0]["id"])


def _wait(check: Callable[[], Any], limit_s: float) -> Any:
    start = time.perf_counter()
    while time.perf_counter() - start < limit_s:
        got = check()
        if got:
            return got
        time.sleep(0.3)
    raise TimeoutError(f"gave up after {limit_s:.0f} s")


def fault_table(results: list[dict[str, Any]]) -> str:
    """The markdown report of the fault runs."""
    keys = list(results[0])
    out = ["# Fault run: a worker killed (SIGKILL) during a forecast job", "",
           f"Command: `kpilot eval load --db {results[0]['db']} --fault-only` (also part of `kpilot eval load`). "
           "Two `kpilot worker` "
           "processes, the API with KPILOT_JOBS_EMBEDDED=0; the worker that claimed the job is killed "
           f"{KILL_AFTER_S:g} s into it.",
           "", "| " + " | ".join(keys) + " |", "|" + "---|" * len(keys)]  # fmt: skip
    for r in results:
        out.append("| " + " | ".join(str(r[k]).replace("|", "/") for k in keys) + " |")
    return "\n".join(out) + "\n"
