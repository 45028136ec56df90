"""Real loopback servers for delivery tests: an aiosmtpd SMTP server and an http.server webhook receiver."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Received:
    """What a loopback server got."""

    posts: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # (path with query, JSON body)
    mails: list[Message] = field(default_factory=list)


@contextmanager
def webhook_server(answer: dict[str, Any] | None = None, status: int = 200) -> Iterator[tuple[str, Received]]:
    """An HTTP server on 127.0.0.1 that records JSON POSTs and answers `answer` (default: WeCom's success)."""
    got = Received()
    body = json.dumps(answer if answer is not None else {"errcode": 0, "errmsg": "ok"}).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            length = int(self.headers.get("Content-Length", "0"))
            got.posts.append((self.path, json.loads(self.rfile.read(length).decode("utf-8"))))
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - quiet tests
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", got
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@contextmanager
def smtp_server() -> Iterator[tuple[int, Received]]:
    """An aiosmtpd SMTP server on 127.0.0.1 (a free port) that keeps every message it receives."""
    import socket

    from aiosmtpd.controller import Controller

    got = Received()

    class Keep:
        async def handle_DATA(self, server: object, session: object, envelope: Any) -> str:  # noqa: N802 - aiosmtpd API
            got.mails.append(message_from_bytes(envelope.original_content or envelope.content))
            return "250 Message accepted for delivery"

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    controller = Controller(Keep(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, got
    finally:
        controller.stop()
