"""A real kpilot server on a loopback port and Debian's Chromium driven by Playwright.

`playwright install` cannot download browsers here: the tests launch the system Chromium
(`apt-get install chromium`, done by .ci/run). Without it the tests skip locally and fail in CI.
"""

import contextlib
import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.conftest import make_settings

if TYPE_CHECKING:  # Playwright is imported when a browser starts (the tests skip without Chromium)
    from playwright.sync_api import Browser, Page

CHROMIUM = os.environ.get("KPILOT_CHROMIUM", "/usr/bin/chromium")
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


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def web_app(demo_url: str):
    """The app on this module's copy of the demo company (no calendar thread; drafts do not start forecasts)."""
    from api.app import create_app

    return create_app(make_settings(demo_url, housekeeping_interval_s=0, draft_forecast=False))


@pytest.fixture(scope="module")
def base_url(web_app) -> Iterator[str]:
    """Serve the app with uvicorn in a thread on a free loopback port."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(web_app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the test server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@contextlib.contextmanager
def _real_clock() -> Iterator[None]:
    """Start the Playwright driver and Chromium without libfaketime (CI runs the suite once more under
    `faketime`): the browser is the user's machine, only the server's clock is under test."""
    faked = {k: os.environ.pop(k) for k in list(os.environ) if k == "LD_PRELOAD" or k.startswith("FAKETIME")}
    try:
        yield
    finally:
        os.environ.update(faked)


@pytest.fixture(scope="session")
def browser() -> "Iterator[Browser]":
    """Debian's Chromium, headless."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: `apt-get install -y chromium` (see .ci/run)")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with _real_clock():
        pw = sync_playwright().start()
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield b
    b.close()
    pw.stop()


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the tests keep their screenshots (KPILOT_WEB_SCREENSHOTS overrides the pytest temp dir)."""
    where = os.environ.get("KPILOT_WEB_SCREENSHOTS")
    path = Path(where) if where else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


def _expected(message: str) -> bool:
    # The browser logs every 4xx answer it receives (401 before login, 403 in the CSRF test, 422 of a refused
    # request); the pages show those to the user. JavaScript errors and 5xx answers still fail the test.
    return message.startswith("Failed to load resource: the server responded with a status of 4")


@pytest.fixture
def page(browser: "Browser", base_url: str) -> "Iterator[Page]":
    """A fresh browser context (no cookies) and page; console errors other than 401s fail the test."""
    context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900}, locale="zh-CN")
    context.set_default_timeout(30_000)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(f"page error: {exc}"))
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" and not _expected(m.text) else None)
    yield pg
    context.close()
    assert errors == [], errors


def login(page: "Page", user: str, password: str = "kpilot-demo") -> None:
    """Log in through the login form and wait for the app's menu."""
    page.goto("/")
    page.fill("#username", user)
    page.fill("#password", password)
    page.click("#login-submit")
    page.wait_for_selector("#logout")


def api(page: "Page", path: str) -> Any:
    """GET an API path with the page's own session cookie (what the page itself may see): its JSON body."""
    r = page.request.get(f"/api/v1{path}")
    assert r.ok, f"{path}: {r.status} {r.text()}"
    return r.json()
