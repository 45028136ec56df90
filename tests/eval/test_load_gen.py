"""The load client sends what the benchmark means to send (JSON, multipart, headers) and counts a missing answer
as status 0, against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from eval.load_gen import open_loop, send_once
from tests.aio import run_own_loop

SEEN: list[dict[str, Any]] = []
RELEASE = threading.Event()


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass

    def _answer(self, code: int) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        SEEN.append(
            {
                "method": self.command,
                "path": self.path,
                "headers": {k.lower(): v for k, v in self.headers.items()},
                "body": body,
            }
        )
        if self.path.startswith("/hang"):
            RELEASE.wait(timeout=10)
        self.send_response(code)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def do_GET(self) -> None:  # noqa: N802
        self._answer(200)

    def do_POST(self) -> None:  # noqa: N802
        self._answer(201)


@pytest.fixture
def server() -> Iterator[str]:
    SEEN.clear()
    RELEASE.clear()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    RELEASE.set()
    httpd.shutdown()
    httpd.server_close()


def test_json_multipart_and_headers_arrive_as_sent(server: str) -> None:
    auth = {"Authorization": "Bearer t"}
    posted = run_own_loop(lambda: send_once(server, ("POST", "/api/x?a=1", {"headers": auth, "json": {"k": "值"}}), 5))
    files = {"file": ("s.csv", b"shop_code,ds,sales\nA,2026-01-01,5\n", "text/csv")}
    uploaded = run_own_loop(lambda: send_once(server, ("POST", "/api/up", {"headers": auth, "files": files}), 5))
    assert (posted, uploaded) == (201, 201)
    first, second = SEEN
    assert first["path"] == "/api/x?a=1" and first["headers"]["authorization"] == "Bearer t"
    assert json.loads(first["body"]) == {"k": "值"}
    assert second["headers"]["content-type"].startswith("multipart/form-data; boundary=")
    assert b"shop_code,ds,sales\nA,2026-01-01,5\n" in second["body"]


def test_no_answer_in_time_is_status_zero(server: str) -> None:
    assert run_own_loop(lambda: send_once(server, ("GET", "/hang", {}), 0.5)) == 0


def test_open_loop_sends_every_request_and_records_each_answer(server: str) -> None:
    run = run_own_loop(lambda: open_loop(server, lambda i: ("get", ("GET", f"/n/{i}", {})), rate=50, duration_s=0.4))
    assert sorted(s.status for s in run.samples) == [200] * 20
    assert sorted(int(s["path"].rsplit("/", 1)[1]) for s in SEEN) == list(range(20))
