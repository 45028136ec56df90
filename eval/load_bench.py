"""`kpilot eval load`: the service under an open-loop load, as an operator would probe it.

Starts a real `kpilot serve` (SQLite: one process; PostgreSQL: several `--workers`) on a free loopback port
with a fresh copy of the demo company, and drives it from this process with an open-loop generator
(eval/load_gen.py): the read mix (GET /me/plan, /employees, /kpi-assignments) and the write mix (sales CSV
imports, weight approvals, goal drafts) at each rate; then an overload well past the ceiling, the time until
the service answers normally again, and the 503s' latency. Writes eval/results/load_<db>.md.
"""

from __future__ import annotations

import asyncio
import itertools
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from eval.load_gen import Request, Run, open_loop, quantile, recovery_time
from eval.service_proc import served, server_errors

RESULTS_DIR = Path(__file__).resolve().parent / "results"
USERS = ("admin", "hr", "manager", "employee")


@dataclass
class Ctx:
    """What the mixes need: logins and a few ids of the demo company."""

    auth: dict[str, dict[str, str]]
    shop_code: str
    proposals: list[tuple[int, str]]
    department_id: int
    period_id: int


def context(base: str) -> Ctx:
    """Log the demo users in and read the ids the write mix uses."""
    with httpx.Client(base_url=base, timeout=30) as c:
        auth = {}
        for user in USERS:
            r = c.post("/api/v1/auth/token", data={"username": user, "password": "kpilot-demo"})
            r.raise_for_status()
            auth[user] = {"Authorization": f"Bearer {r.json()['access_token']}"}
        shop = c.get("/api/v1/shops", headers=auth["hr"]).json()["data"][0]["code"]
        props = c.get("/api/v1/weight-proposals", headers=auth["hr"]).json()["data"]
        proposals = [(int(p["id"]), f'"{p["version"]}"') for p in props] or [(1, '"1"')]
        drafts = c.get("/api/v1/goal-drafts", headers=auth["manager"]).json()["data"]
        plan = c.get("/api/v1/me/plan", headers=auth["employee"]).json()
    department_id = int(drafts[0]["department_id"]) if drafts else 1
    period_id = int(drafts[0]["period_id"]) if drafts else int(plan.get("period", {}).get("id", 1))
    return Ctx(auth, shop, proposals, department_id, period_id)


def read_mix(ctx: Ctx) -> Callable[[int], tuple[str, Request]]:
    """GET /me/plan, /employees, /kpi-assignments in turn."""
    reqs = [
        ("plan", ("GET", "/api/v1/me/plan", {"headers": ctx.auth["employee"]})),
        ("employees", ("GET", "/api/v1/employees", {"headers": ctx.auth["hr"]})),
        ("assignments", ("GET", "/api/v1/kpi-assignments", {"headers": ctx.auth["manager"]})),
    ]
    return lambda i: (reqs[i % 3][0], reqs[i % 3][1])


def _sales_csv(shop: str, i: int) -> bytes:
    days = [f"2026-0{1 + (i % 9)}-{d:02d}" for d in range(1, 29)]
    rows = [f"{shop},{ds},{10_000 + (i * 37 + k) % 5000}" for k, ds in enumerate(days)]
    return ("shop_code,ds,sales\n" + "\n".join(rows) + "\n").encode()


def write_mix(ctx: Ctx) -> Callable[[int], tuple[str, Request]]:
    """A sales CSV import (28 rows), a weight approval (the first wins, the rest are refused), a goal draft (every
    other one drafted anew)."""
    cycle = itertools.cycle(ctx.proposals)

    def make(i: int) -> tuple[str, Request]:
        if i % 3 == 0:
            files = {"file": (f"sales-{i}.csv", _sales_csv(ctx.shop_code, i), "text/csv")}
            return "import", ("POST", "/api/v1/imports/sales", {"headers": ctx.auth["admin"], "files": files})
        if i % 3 == 1:
            pid, version = next(cycle)
            headers = {**ctx.auth["hr"], "If-Match": version}
            return "approve", ("POST", f"/api/v1/weight-proposals/{pid}/approve", {"headers": headers, "json": {}})
        # Every other draft asks anew (`again`): the cascade runs; the rest get the open identical draft back.
        body = {"department_id": ctx.department_id, "period_id": ctx.period_id, "lang": "zh", "again": i % 6 == 2}
        return "draft", ("POST", "/api/v1/goal-drafts", {"headers": ctx.auth["manager"], "json": body})

    return make


def row(db: str, workers: int, mix: str, run: Run) -> dict[str, Any]:
    """One table row of a run."""
    ms = [s.latency_s * 1000 for s in run.served]
    return {
        "db": db,
        "workers": workers,
        "mix": mix,
        "rate": run.rate,
        "sent": len(run.samples),
        "served": len(ms),
        "shed_503": run.shed,
        "errors": run.errors,
        "p50_ms": quantile(ms, 0.5),
        "p95_ms": quantile(ms, 0.95),
        "p99_ms": quantile(ms, 0.99),
        "goodput": run.goodput,
        "client_lag_s": run.send_lag_s,
        "client_cpu_s": run.client_cpu_s,
    }


def bench(
    url: str, db: str, *, workers: int, rates: tuple[float, ...], duration_s: float, progress: Callable[[str], None]
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The read and write mixes at each rate, then an overload and the recovery after it."""
    rows: list[dict[str, Any]] = []
    env = {"KPILOT_DRAFT_FORECAST": "0", "KPILOT_HOUSEKEEPING_INTERVAL_S": "0"}
    log = Path(tempfile.mkdtemp(prefix="kpilot-load-log-")) / f"serve-{db}.log"
    with served(url, env, workers=workers, log=log) as base:
        ctx = context(base)
        for mix, make in (("read", read_mix(ctx)), ("write", write_mix(ctx))):
            for rate in rates:
                run = asyncio.run(open_loop(base, make, rate=rate, duration_s=duration_s))
                rows.append(row(db, workers, mix, run))
                progress(f"{db} x{workers} {mix} {rate:g}/s: " + _fmt(rows[-1]))
                time.sleep(2)  # let the previous run's stragglers finish
        over = overload(base, ctx, rate=2 * max(rates), duration_s=duration_s)
        rows.append(row(db, workers, "read overload", over[0]))
        progress(f"{db} x{workers} overload: {_fmt(rows[-1])}; recovery {over[1]['recovery_s']:.2f} s")
    over[1]["server_errors"] = server_errors(log)
    return rows, over[1]


def overload(base: str, ctx: Ctx, *, rate: float, duration_s: float) -> tuple[Run, dict[str, Any]]:
    """The read mix at `rate`, then the time until GET /me/plan is answered normally again."""

    async def both() -> tuple[Run, float]:
        load = asyncio.create_task(open_loop(base, read_mix(ctx), rate=rate, duration_s=duration_s, timeout_s=30))
        await asyncio.sleep(duration_s)  # the overload's last request is due now: time recovery from here
        probe = ("GET", "/api/v1/me/plan", {"headers": ctx.auth["employee"]})
        recovered = await recovery_time(base, probe)
        return await load, recovered

    run, recovered = asyncio.run(both())
    shed_ms = [s.latency_s * 1000 for s in run.samples if s.status == 503]
    return run, {
        "rate": rate,
        "recovery_s": recovered,
        "shed_p50_ms": quantile(shed_ms, 0.5),
        "shed_p99_ms": quantile(shed_ms, 0.99),
        "shed_max_ms": max(shed_ms) if shed_ms else float("nan"),
    }


def verdict(rows: list[dict[str, Any]], extra: dict[str, Any], db: str) -> list[str]:
    """The issue's goals, checked on these runs: p99 <= 250 ms with no errors at 20 req/s (each mix), overload
    answered by 503 within 1 s, recovery under 5 s."""
    out = []
    for r in rows:
        if r["rate"] == 20 and r["mix"] in ("read", "write"):
            ok = r["p99_ms"] <= 250 and r["errors"] == 0 and r["shed_503"] == 0
            out.append(
                f"- {r['mix']} mix at 20 req/s: p99 {r['p99_ms']:.0f} ms, {r['errors']} errors, {r['shed_503']} shed "
                f"(goal p99 <= 250 ms, 0 errors{' on SQLite' if db == 'sqlite' else ''}): {'met' if ok else 'NOT met'}"
            )
    shed_ok = extra["shed_max_ms"] <= 1000
    out.append(
        f"- overload at {extra['rate']:g} req/s: every 503 within {extra['shed_max_ms']:.0f} ms (goal <= 1000 ms): "
        f"{'met' if shed_ok else 'NOT met'}"
    )
    out.append(
        f"- recovery after the overload: {extra['recovery_s']:.2f} s (goal < 5 s): "
        f"{'met' if extra['recovery_s'] < 5 else 'NOT met'}"
    )
    return out


def _fmt(r: dict[str, Any]) -> str:
    return (
        f"p50 {r['p50_ms']:.0f} ms, p95 {r['p95_ms']:.0f}, p99 {r['p99_ms']:.0f}, "
        f"served {r['served']}/{r['sent']}, 503 {r['shed_503']}, errors {r['errors']}, {r['goodput']:.1f}/s"
    )


def table(rows: list[dict[str, Any]], extra: dict[str, dict[str, Any]], title: str, notes: list[str]) -> str:
    """The markdown report of the runs."""
    out = [f"# {title}", "", *notes, ""]
    out.append(
        "| db | API workers | mix | offered req/s | sent | served | 503 shed | errors | p50 ms | p95 ms | p99 ms "
        "| served/s | client lag s | client CPU s |"
    )
    out.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        out.append(
            f"| {r['db']} | {r['workers']} | {r['mix']} | {r['rate']:g} | {r['sent']} | {r['served']} | "
            f"{r['shed_503']} | {r['errors']} | {r['p50_ms']:.0f} | {r['p95_ms']:.0f} | {r['p99_ms']:.0f} | "
            f"{r['goodput']:.1f} | {r['client_lag_s']:.2f} | {r['client_cpu_s']:.1f} |"
        )
    out += [
        "",
        "| db | ceiling (most served/s, read mix runs) | overload req/s | recovery s | 503 p50 ms | 503 p99 ms "
        "| 503 max ms |",
        "|---|---|---|---|---|---|---|",
    ]
    for db, e in extra.items():
        # The most served per second in a read run at a set rate (the overload's late answers do not count);
        # "at least" when that run was served in full (the ceiling lies above the highest rate tried).
        best = max((r for r in rows if r["db"] == db and r["mix"] == "read"), key=lambda r: r["goodput"])
        full = best["served"] == best["sent"] and best["errors"] == 0
        ceiling = f"{'>= ' if full else ''}{best['goodput']:.1f}"
        out.append(
            f"| {db} | {ceiling} | {e['rate']:g} | {e['recovery_s']:.2f} | {e['shed_p50_ms']:.0f} | "
            f"{e['shed_p99_ms']:.0f} | {e['shed_max_ms']:.0f} |"
        )
    return "\n".join(out) + "\n"
