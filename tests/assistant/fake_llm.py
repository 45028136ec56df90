"""A real HTTP server on 127.0.0.1 speaking the OpenAI chat-completions wire format, with scripted faults."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

ANSWERS = {
    "zh": {
        "objective": "部门按期达成公司目标，并持续改进。",
        "definition": "本岗位按期达成该指标的目标，并持续改进。",
    },
    "en": {
        "objective": "The department delivers its share of the company goals on time.",
        "definition": "Meet this KPI's target on time and keep improving it.",
    },
}


def _codes(user_text: str) -> list[str]:
    start = user_text.index("KPIs (code")
    block = user_text[start:].split("<<<DATA", 1)[1].split("DATA>>>", 1)[0]
    return [line.split("|")[0].strip() for line in block.strip().splitlines() if "|" in line]


def answer_for(body: dict[str, Any], *, lang_override: str | None = None, extra: str = "") -> dict[str, Any]:
    """A schema-valid answer for a cascade prompt, in the language the system message asks for."""
    system = body["messages"][0]["content"]
    user = body["messages"][1]["content"]
    lang = "zh" if "简体中文" in system else "en"
    lang = lang_override or lang
    texts = ANSWERS[lang]
    out: dict[str, Any] = {"definitions": [{"code": c, "text": texts["definition"] + extra} for c in _codes(user)]}
    schema = body.get("response_format", {}).get("json_schema", {}).get("schema", {})
    if "objective" in schema.get("properties", {}):
        out["objective"] = texts["objective"]
    return out


class FakeLLM:
    """Scripted behaviours consumed one per request; `default` when the script is empty."""

    def __init__(self) -> None:
        self.script: list[str] = []
        self.default = "valid"
        self.requests: list[dict[str, Any]] = []
        self.delay_s = 0.0
        self.retry_after = "0"  # the Retry-After header of "rate_limit" answers
        self.lock = threading.Lock()
        self.release = threading.Event()  # "hold" answers wait for it (at most 30 s)
        self.held = threading.Semaphore(0)  # one release per request that started holding

    def next_behaviour(self) -> str:
        with self.lock:
            return self.script.pop(0) if self.script else self.default


def _completion(body: dict[str, Any], content: str, finish: str = "stop") -> dict[str, Any]:
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": 1_790_000_000,  # any fixed instant: the wire format needs one, nothing reads it
        "model": body.get("model", "test-model"),
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content, "refusal": None},
                "finish_reason": finish,
                "logprobs": None,
            }
        ],
        "usage": {"prompt_tokens": 100, "completion_tokens": 40, "total_tokens": 140},
    }


MALFORMED_REPLIES: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "no_choices": lambda c: {**c, "choices": []},
    "empty_body": lambda c: {},
    "choices_not_a_list": lambda c: {**c, "choices": "none"},
    "message_wrong_type": lambda c: {**c, "choices": [{"index": 0, "message": 42, "finish_reason": "stop"}]},
    "empty_content": lambda c: c,
}


def make_handler(state: FakeLLM) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # keep test output clean
            pass

        def _send(
            self, code: int, payload: Any, headers: dict[str, str] | None = None, raw: bytes | None = None
        ) -> None:
            data = raw if raw is not None else json.dumps(payload).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(data)

        def do_POST(self) -> None:  # noqa: N802
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
            state.requests.append({"path": self.path, "body": body})
            if self.path != "/v1/chat/completions":
                return self._send(404, {"error": {"message": "not found"}})
            mode = state.next_behaviour()
            if mode == "rate_limit":
                return self._send(
                    429,
                    {"error": {"message": "slow down", "type": "rate_limit"}},
                    headers={"Retry-After": state.retry_after},
                )
            if mode == "error500":
                return self._send(500, {"error": {"message": "boom", "type": "server_error"}})
            if mode == "slow":
                time.sleep(state.delay_s or 3.0)
            if mode == "hold":  # answer only when the test says so
                state.held.release()
                state.release.wait(timeout=30)
            if mode in MALFORMED_REPLIES:  # a 200 that is not a usable chat completion at all
                return self._send(200, MALFORMED_REPLIES[mode](_completion(body, "")))
            try:
                good = json.dumps(answer_for(body), ensure_ascii=False)
            except ValueError:  # not a cascade prompt: this fake has no answer for it
                return self._send(400, {"error": {"message": "this fake answers cascade prompts only"}})
            content = {
                "valid": good,
                "slow": good,
                "hold": good,
                "malformed": "{definitions: [oops",
                "truncated": good[: len(good) // 2],
                "wrong_schema": json.dumps({"foo": 1, "bar": ["x"]}),
                "wrong_language": json.dumps(
                    answer_for(body, lang_override=("en" if "简体中文" in body["messages"][0]["content"] else "zh")),
                    ensure_ascii=False,
                ),
                "bad_numbers": json.dumps(answer_for(body, extra=" 987654"), ensure_ascii=False),
            }[mode]
            finish = "length" if mode == "truncated" else "stop"
            return self._send(200, _completion(body, content, finish))

    return Handler


class FakeLLMServer:
    """Runs FakeLLM on a random free port of 127.0.0.1 in a daemon thread."""

    def __init__(self) -> None:
        self.state = FakeLLM()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(self.state))
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def __enter__(self) -> FakeLLMServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)
