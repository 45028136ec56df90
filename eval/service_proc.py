"""A real `kpilot serve` for benchmarks and tests: its environment (the demo company, the clock pinned to the demo's
day, no proxies, the offline model), start on a free loopback port, wait until healthy, stop; and the causes of
the errors its log shows."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
PINNED_TODAY = "2026-11-18T10:00:00+08:00"


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def service_env(url: str, **extra: str) -> dict[str, str]:
    """The environment of a demo service on `url` (clock pinned to the demo's day, no proxies, offline LLM)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KPILOT_")}
    env.update(
        {
            "PYTHONPATH": str(ROOT),
            "KPILOT_DEMO": "1",
            "KPILOT_DATABASE_URL": url,
            "KPILOT_TODAY": os.environ.get("KPILOT_TODAY", PINNED_TODAY),
            "KPILOT_LLM_PROVIDER": "offline",
            "NO_PROXY": "127.0.0.1,localhost",
        }
    )
    env.update(extra)
    return env


def kpilot(*args: str, env: dict[str, str], **popen: Any) -> subprocess.Popen[bytes]:
    """Start `kpilot ARGS` with this interpreter."""
    code = "from cli.main import app; app()"
    return subprocess.Popen([sys.executable, "-c", code, *args], env=env, cwd=ROOT, **popen)


def prepare_demo(url: str) -> None:
    """Migrate `url` and load the demo company into it (`kpilot demo --no-serve`)."""
    proc = kpilot("demo", "--no-serve", env=service_env(url), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, err = proc.communicate(timeout=900)
    if proc.returncode != 0:
        raise RuntimeError(f"kpilot demo failed: {err.decode()[-2000:]}")


@contextmanager
def served(url: str, env: dict[str, str], *, workers: int = 1, log: Path | None = None) -> Iterator[str]:
    """A running `kpilot serve` on a free port (its output to `log`, if given); yields its base URL and stops it
    afterwards."""
    port = free_port()
    out = log.open("wb") if log is not None else subprocess.DEVNULL
    proc = kpilot(
        "serve", "--port", str(port), "--workers", str(workers),
        env=service_env(url, **env), stdout=out, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(base, proc)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        if log is not None:
            out.close()  # type: ignore[union-attr]


def server_errors(log: Path) -> dict[str, int]:
    """What the server logged as unexpected, by exception (the last line of each traceback: `Type: message`,
    cut at 80 characters), so an error count in the table has its causes beside it."""
    counts: dict[str, int] = {}
    lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
    for i, line in enumerate(lines):
        if line.startswith("Traceback (most recent call last)"):
            end = next((j for j in range(i + 1, len(lines)) if not lines[j].startswith((" ", "\t"))), None)
            if end is not None:
                cause = lines[end][:80]
                counts[cause] = counts.get(cause, 0) + 1
    return counts


def wait_healthy(base: str, proc: subprocess.Popen[bytes], limit_s: float = 120.0) -> None:
    """Wait until /health answers 200."""
    start = time.perf_counter()
    while time.perf_counter() - start < limit_s:
        if proc.poll() is not None:
            raise RuntimeError(f"kpilot serve exited with {proc.returncode}")
        try:
            if httpx.get(f"{base}/api/v1/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError("kpilot serve did not become healthy")
