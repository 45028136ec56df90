"""Webhooks and SMTP as an attacker with the admin's channel form would use them: internal targets (loopback,
metadata, private ranges, odd IP encodings, user-info URLs) are refused on save and before every send unless
named in KPILOT_WEBHOOK_ALLOW; redirects are not followed; a remote answer never reaches errors or logs; and
no value saved (or left in the table from before) stops housekeeping, start-up or /health's honesty."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, select

from api.app import create_app
from core.clock import get_clock
from core.db import session_scope
from core.tables import AuditEvent, Company, NotificationChannel, NotificationSent
from tests.conftest import make_settings
from workflows.process import outbound
from workflows.process.notify import run_notify

SECRET_BODY = b"INTERNAL-ONLY-DATA: db_password=hunter2"
LOOPBACK = frozenset({"127.0.0.1"})


@contextmanager
def listener(status: int = 200, body: bytes = b'{"errcode": 0}', location: str = "") -> Iterator[tuple[str, list[str]]]:
    """A loopback HTTP server answering every POST/GET with `status`, `body` (and a Location), recording hits."""
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            hits.append(f"{self.command} {self.path}")
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            self.send_response(status)
            if location:
                self.send_header("Location", location)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = _answer  # noqa: N815 - http.server's naming

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - quiet tests
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", hits
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def _put(c: TestClient, admin: dict[str, str], channels: list[dict[str, object]]):
    version = c.get("/api/v1/notification-channels", headers=admin).json()["version"]
    return c.put(
        "/api/v1/notification-channels", json={"channels": channels}, headers={**admin, "If-Match": f'"{version}"'}
    )


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("http://127.0.0.1:8000/hook", "outbound_private"),
        ("http://169.254.169.254/latest/meta-data/", "outbound_private"),
        ("http://10.1.2.3/hook", "outbound_private"),
        ("http://192.168.0.10/hook", "outbound_private"),
        ("http://172.16.0.1/hook", "outbound_private"),
        ("http://100.64.0.1/hook", "outbound_private"),
        ("http://224.0.0.1/hook", "outbound_private"),
        ("http://0.0.0.0/hook", "outbound_private"),
        ("http://[::1]/hook", "outbound_private"),
        ("http://[::ffff:127.0.0.1]/hook", "outbound_private"),
        ("http://0x7f000001/hook", "outbound_odd_ip"),
        ("http://2130706433/hook", "outbound_odd_ip"),
        ("http://0177.0.0.1/hook", "outbound_odd_ip"),
        ("http://127.1/hook", "outbound_odd_ip"),
        ("http://localhost/hook", "outbound_bad_host"),
        ("http://qyapi.weixin.qq.com@127.0.0.1/hook", "outbound_userinfo"),
        ("http://example.com:80abc/hook", "outbound_bad_port"),
        ("http://exa mple.com/hook", "outbound_control_chars"),
        ("gopher://example.com/", "outbound_bad_url"),
    ],
)
def test_internal_webhook_targets_are_refused_on_save(client, tokens, url: str, code: str) -> None:
    r = _put(client, tokens["admin"], [{"kind": "wecom", "secret": url}])
    assert r.status_code == 422, r.text
    assert [e.get("code") for e in r.json()["errors"]] == [code]


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"smtp_host": "127.0.0.1"}, "outbound_private"),
        ({"smtp_from": "kpilot@shop.example\r\nBcc: all@rival.example"}, "outbound_header_crlf"),
        ({"smtp_from": "not-an-address"}, "outbound_bad_sender"),
    ],
)
def test_bad_smtp_settings_are_refused_on_save(client, tokens, fields: dict[str, str], code: str) -> None:
    channel = {"kind": "email", "smtp_host": "198.51.100.25", "smtp_port": 25, "smtp_from": "kpilot@shop.example"}
    r = _put(client, tokens["admin"], [{**channel, "smtp_to": ["team@shop.example"], **fields}])
    assert r.status_code == 422, r.text
    assert [e.get("code") for e in r.json()["errors"]] == [code]


def test_a_name_resolving_to_loopback_is_refused_before_sending() -> None:
    # The name passed the syntax check (say, an attacker's DNS name); what it resolves to decides.
    target = outbound.Target(host="localhost", port=8000, scheme="http")
    with pytest.raises(outbound.TargetRefused) as refused:
        outbound.resolve(target, frozenset())
    assert refused.value.code == "outbound_private"
    assert outbound.resolve(target, frozenset({"localhost"})) in ("127.0.0.1", "::1")  # named in the allow list


@pytest.fixture
def allowed(demo_url: str) -> Iterator[TestClient]:
    settings = make_settings(demo_url, webhook_allow="127.0.0.1")
    with TestClient(create_app(settings), raise_server_exceptions=False) as c:
        yield c


def _sent_errors(url: str, channel_id: int) -> list[str]:
    with session_scope(url, write=False) as s:
        rows = s.execute(select(NotificationSent.error).where(NotificationSent.channel_id == channel_id)).scalars()
        return list(rows)


def _channel_id(url: str, kind: str) -> int:
    with session_scope(url, write=False) as s:
        return int(s.execute(select(NotificationChannel.id).where(NotificationChannel.kind == kind)).scalar_one())


def test_a_redirect_to_an_internal_target_is_not_followed(allowed, tokens, demo_url, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    with (
        listener(200, SECRET_BODY) as (inside, inside_hits),
        listener(302, b"", location=f"{inside}/admin/secrets") as (hook, hook_hits),
    ):
        r = _put(allowed, tokens["admin"], [{"kind": "wecom", "secret": f"{hook}/send?key=K"}])
        assert r.status_code == 200, r.text
        test = allowed.post("/api/v1/notification-channels/wecom/test", headers=tokens["admin"]).json()
        run = run_notify(demo_url, get_clock(), allow=LOOPBACK)
    assert hook_hits and not inside_hits  # the robot was asked; the internal target never was
    assert test["ok"] is False and "302" in test["detail"] and "redirects are not followed" in test["detail"]
    assert run.failed >= 1 and run.sent == 0
    assert all("302" in e for e in _sent_errors(demo_url, _channel_id(demo_url, "wecom")))


def test_a_remote_answer_never_reaches_errors_logs_or_pages(allowed, tokens, demo_url, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    for status in (500, 200):  # an error page, and a "success" that is not a robot's JSON
        with listener(status, SECRET_BODY) as (hook, hits):
            assert _put(allowed, tokens["admin"], [{"kind": "dingtalk", "secret": f"{hook}/robot"}]).status_code == 200
            test = allowed.post("/api/v1/notification-channels/dingtalk/test", headers=tokens["admin"])
            run_notify(demo_url, get_clock(), allow=LOOPBACK)
        assert hits and test.status_code == 200 and test.json()["ok"] is False
        assert str(status) in test.json()["detail"]
        assert b"INTERNAL" not in test.content and "hunter2" not in caplog.text
        assert not any("INTERNAL" in e for e in _sent_errors(demo_url, _channel_id(demo_url, "dingtalk")))


def test_loopback_is_refused_at_send_time_unless_allowed(client, tokens, demo_url) -> None:
    with listener() as (hook, hits):
        with session_scope(demo_url) as s:  # a row saved before the checks existed
            company = s.execute(select(Company.id)).scalars().first()
            s.add(NotificationChannel(company_id=company, kind="feishu", enabled=True, settings={}, secret=f"{hook}\n"))
        refused = client.post("/api/v1/notification-channels/feishu/test", headers=tokens["admin"]).json()
        assert refused["ok"] is False and "not a public address" in refused["detail"] and not hits
        with session_scope(demo_url) as s:
            s.delete(s.execute(select(NotificationChannel).where(NotificationChannel.kind == "feishu")).scalar_one())


def test_a_working_channel_gets_the_test_message_audited_and_only_admins_may_send_it(allowed, tokens) -> None:
    with listener() as (hook, hits):
        assert _put(allowed, tokens["admin"], [{"kind": "wecom", "secret": f"{hook}/send?key=OK"}]).status_code == 200
        assert allowed.post("/api/v1/notification-channels/wecom/test", headers=tokens["hr"]).status_code == 403
        r = allowed.post("/api/v1/notification-channels/wecom/test", headers=tokens["admin"])
        assert r.status_code == 200 and r.json() == {"kind": "wecom", "ok": True, "detail": "delivered"}
        assert len(hits) == 1
    assert allowed.post("/api/v1/notification-channels/email/test", headers=tokens["admin"]).status_code == 404


def test_values_stored_before_validation_never_stop_start_up_or_housekeeping(demo_url: str) -> None:
    with session_scope(demo_url) as s:
        company = s.execute(select(Company.id)).scalars().first()
        s.execute(delete(NotificationSent))
        s.execute(delete(NotificationChannel))
        s.add(NotificationChannel(company_id=company, kind="wecom", enabled=True, settings={}, secret="http://x:a b\n"))
        bad_mail = {"smtp_host": "mail.example", "smtp_port": "25x", "smtp_from": "a@b.c\r\nBcc: x@y.z"}
        s.add(NotificationChannel(company_id=company, kind="email", enabled=True, settings=bad_mail, secret="\n"))
    settings = make_settings(demo_url, housekeeping_interval_s=3600)
    app = create_app(settings)
    with TestClient(app, raise_server_exceptions=False) as c:  # start-up runs housekeeping once
        health = c.get("/api/v1/health").json()
        assert health["status"] == "ok" and health["background"]["housekeeping"] == "ok"
        app.state.background["housekeeping"].stop()
        dead = c.get("/api/v1/health").json()
        assert dead["status"] == "degraded" and dead["background"]["housekeeping"] == "dead"
    with session_scope(demo_url, write=False) as s:
        statuses = set(s.execute(select(NotificationSent.status)).scalars())
        runs = s.execute(select(AuditEvent).where(AuditEvent.action == "notify")).scalars().all()
    assert statuses == {"failed"} and runs  # caught, recorded, retried at the next run


def test_kpilot_notify_reports_a_bad_stored_channel_without_a_traceback(demo_url: str, monkeypatch) -> None:
    from typer.testing import CliRunner

    from cli.main import app

    monkeypatch.setenv("KPILOT_DATABASE_URL", demo_url)
    monkeypatch.setenv("KPILOT_DEMO", "1")
    monkeypatch.setenv("KPILOT_WEBHOOK_ALLOW", "127.0.0.1")
    bad_mail = {"smtp_host": "mail.example", "smtp_port": 25, "smtp_from": "a@b.c\r\nBcc: x@y.z", "smtp_to": ["t@b.c"]}
    with listener(500, SECRET_BODY) as (hook, hits):
        with session_scope(demo_url) as s:  # rows saved before the checks existed
            s.execute(delete(NotificationSent))
            s.execute(delete(NotificationChannel))
            company = s.execute(select(Company.id)).scalars().first()
            s.add(NotificationChannel(company_id=company, kind="wecom", enabled=True, settings={}, secret=f"{hook}\n"))
            s.add(NotificationChannel(company_id=company, kind="email", enabled=True, settings=bad_mail, secret="\n"))
        result = CliRunner().invoke(app, ["notify"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 1 and "failed" in result.output and hits
    assert "Traceback" not in result.output and "INTERNAL" not in result.output
    errors = [e for kind in ("wecom", "email") for e in _sent_errors(demo_url, _channel_id(demo_url, kind))]
    assert errors and not any("INTERNAL" in e or "hunter2" in e for e in errors)
