"""`kpilot eval web`: load time of the web app's main pages on the demo company, in Chromium.

A real server (uvicorn in a subprocess, the demo company in a fresh SQLite file) and Debian's Chromium
driven by Playwright. For each page: the first load in a new browser context (empty cache, logged in
through the API) and the warm load (the same page again, assets cached), both measured from navigation
until the page's main content is on screen.
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

RESULTS = Path(__file__).parent / "results"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DEMO_PASSWORD = "kpilot-demo"  # noqa: S105 - the demo's documented password

# (role, page, the selector that shows the page's main content)
PAGES = [
    ("employee", "login", "#login-submit"),
    ("employee", "plan", "#score-total"),
    ("manager", "team", "[data-employee]"),
    ("manager", "drafts?id=1", "[data-scorecard]"),
    ("hr", "weights", "#approve, #decision"),
    ("hr", "grades", "#grades-total"),
    ("hr", "anomalies", "#an-period"),
    ("hr", "audit", "#audit-verdict"),
    ("admin", "admin", ".tree"),
]


@dataclass(frozen=True)
class Timing:
    role: str
    page: str
    first_ms: float
    warm_ms: float
    requests_first: int


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(db_url: str, port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    """The demo app in a uvicorn subprocess (the eval harness never imports the HTTP adapter)."""
    cmd = [
        sys.executable,
        "-m",
        "uvicorn",
        "--factory",
        "api.app:create_app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    cmd += ["--log-level", "warning"]
    run_env = {
        **os.environ,
        **env,
        "KPILOT_DEMO": "1",
        "KPILOT_DATABASE_URL": db_url,
        "KPILOT_HOUSEKEEPING_INTERVAL_S": "0",
    }
    return subprocess.Popen(cmd, env=run_env)


def _wait_up(port: int, proc: subprocess.Popen[bytes], timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with code {proc.returncode}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError("the server did not start in time")


def _measure(browser, base: str, role: str, page_path: str, ready: str, warm_runs: int) -> Timing:  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=base, viewport={"width": 1280, "height": 900})
    try:
        if page_path != "login":
            r = context.request.post("/api/v1/auth/session", form={"username": role, "password": DEMO_PASSWORD})
            assert r.ok, f"login as {role} failed: {r.status}"
        page = context.new_page()
        requests: list[str] = []
        page.on("request", lambda req: requests.append(req.url))
        url = "/" if page_path == "login" else f"/#/{page_path}"
        t0 = time.perf_counter()
        page.goto(url)
        page.wait_for_selector(ready, timeout=120_000)
        first = (time.perf_counter() - t0) * 1000
        n_first = len(requests)
        warm = []
        for _ in range(warm_runs):
            page.goto("about:blank")
            t0 = time.perf_counter()
            page.goto(url)
            page.wait_for_selector(ready, timeout=120_000)
            warm.append((time.perf_counter() - t0) * 1000)
        return Timing(role, page_path, first, statistics.median(warm), n_first)
    finally:
        context.close()


def run_web_bench(
    *,
    chromium: str = "/usr/bin/chromium",
    today: str = "2026-11-18T10:00:00+08:00",
    warm_runs: int = 3,
    say: Callable[[str], None] = lambda _m: None,
) -> list[Timing]:
    """Load the demo company, serve it, and time every main page in Chromium."""
    from playwright.sync_api import sync_playwright

    from core.clock import clock_for
    from core.migrate import upgrade
    from core.settings import Settings
    from demo.load import load_demo_company

    env = {"KPILOT_TODAY": today}
    with tempfile.TemporaryDirectory(prefix="kpilot-web-") as tmp:
        db_url = f"sqlite:///{Path(tmp) / 'demo.db'}"
        say(f"loading the demo company into {db_url}")
        upgrade(db_url)
        clock = clock_for(Settings(demo=True, database_url=db_url, today=today))
        load_demo_company(db_url, clock=clock)
        port = _free_port()
        proc = _serve(db_url, port, env)
        try:
            _wait_up(port, proc)
            base = f"http://127.0.0.1:{port}"
            say(f"serving on {base}; launching {chromium}")
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
                out = []
                for role, page_path, ready in PAGES:
                    say(f"{role}: {page_path}")
                    out.append(_measure(browser, base, role, page_path, ready, warm_runs))
                browser.close()
            return out
        finally:
            proc.terminate()
            proc.wait(timeout=30)


def write_results(rows: list[Timing], *, warm_runs: int, today: str, load: tuple[float, ...] = ()) -> str:
    """The markdown table, also written to eval/results/web_load.md."""
    cpu = f"{os.cpu_count()} CPU(s)" + (f", load average {load[0]:.1f} when it started" if load else "")
    lines = [
        "# Web app: page load time on the demo company (Chromium, headless)",
        "",
        f"Demo company (150 people) as of {today}, SQLite, one uvicorn worker on 127.0.0.1. `first`: a new",
        "browser context (empty cache) from navigation until the page's main content is shown; `warm`: the",
        f"same page loaded again with its assets cached, median of {warm_runs}. Measured by `kpilot eval web`",
        f"on a machine with {cpu}.",
        "",
        "| role | page | first load (ms) | warm load (ms) | requests (first) |",
        "|---|---|---:|---:|---:|",
    ]
    lines += [f"| {r.role} | {r.page} | {r.first_ms:.0f} | {r.warm_ms:.0f} | {r.requests_first} |" for r in rows]
    text = "\n".join(lines) + "\n"
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "web_load.md").write_text(text, encoding="utf-8")
    return text
