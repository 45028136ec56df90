"""Notification channels (admin, secrets never echoed) and delivery to real loopback servers: WeCom, DingTalk and
Feishu robots each in their own JSON format (signed when a secret is set), e-mail through aiosmtpd; nothing is
sent twice, a failure is recorded and retried."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import date, timedelta
from urllib.parse import parse_qs, unquote_plus, urlsplit

from sqlalchemy import select

from core.clock import get_clock
from core.db import session_scope
from core.tables import KpiAssignment, NotificationSent, Period
from tests.api.helpers import org_snapshot
from tests.process.conftest import LOOPBACK_ALLOWED
from tests.process.servers import smtp_server, webhook_server
from workflows.process.notify import run_notify

TODAY = date(2026, 11, 18)
DING_SECRET = "SECdingtalk-signing-secret-0001"
FEISHU_SECRET = "feishu-signing-secret-0002"


def _put(client, tokens, body, version):
    return client.put(
        "/api/v1/notification-channels", json=body, headers={**tokens["admin"], "If-Match": f'"{version}"'}
    )


def _task_due_in_two_days(client, tokens, demo_url) -> str:
    emp = org_snapshot(demo_url)["users"]["employee"][1]
    with session_scope(demo_url, write=False) as s:
        aid = (
            s.execute(
                select(KpiAssignment.id)
                .join(Period, Period.id == KpiAssignment.period_id)
                .where(KpiAssignment.employee_id == emp, Period.kind == "month", Period.start_date <= TODAY)
                .where(Period.end_date >= TODAY)
            )
            .scalars()
            .first()
        )
    r = client.post(
        f"/api/v1/kpi-assignments/{aid}/tasks",
        json={"title": "新品运营计划", "due_date": (TODAY + timedelta(days=2)).isoformat()},
        headers=tokens["employee"],
    )
    assert r.status_code == 201, r.text
    return "新品运营计划"


def test_only_admins_configure_channels_and_secrets_stay_hidden(client, tokens) -> None:
    for user in ("hr", "manager", "employee"):
        assert client.get("/api/v1/notification-channels", headers=tokens[user]).status_code == 403
    got = client.get("/api/v1/notification-channels", headers=tokens["admin"])
    assert got.status_code == 200 and got.json() == {"channels": [], "version": 0} and got.headers["ETag"] == '"0"'
    body = {"channels": [{"kind": "wecom", "secret": "http://127.0.0.1:9/cgi-bin/webhook/send?key=TOPSECRET"}]}
    assert client.put("/api/v1/notification-channels", json=body, headers=tokens["admin"]).status_code == 428
    incomplete = _put(client, tokens, {"channels": [{"kind": "email", "smtp_host": "127.0.0.1"}]}, 0)
    assert incomplete.status_code == 422 and {e["loc"][-1] for e in incomplete.json()["errors"]} >= {"smtp_to"}
    bad_url = _put(client, tokens, {"channels": [{"kind": "feishu", "secret": "file:///etc/passwd"}]}, 0)
    assert bad_url.status_code == 422
    ok = _put(client, tokens, body, 0)
    assert ok.status_code == 200, ok.text
    assert "TOPSECRET" not in ok.text and ok.json()["channels"][0]["secret_set"] is True
    assert ok.json()["channels"][0]["webhook_host"] == "127.0.0.1" and ok.headers["ETag"] == '"1"'
    assert _put(client, tokens, body, 0).status_code == 412  # stale version
    # Leaving the secret out keeps it; the kind left out of a PUT is switched off.
    kept = _put(client, tokens, {"channels": [{"kind": "wecom", "enabled": False}]}, 1)
    assert kept.json()["channels"][0]["secret_set"] is True and kept.json()["channels"][0]["enabled"] is False
    assert "TOPSECRET" not in client.get("/api/v1/notification-channels", headers=tokens["admin"]).text


def test_every_channel_gets_each_message_once_in_its_format(client, tokens, demo_url) -> None:
    title = _task_due_in_two_days(client, tokens, demo_url)
    assert client.post("/api/v1/alerts/run", headers=tokens["hr"]).status_code == 200
    version = client.get("/api/v1/notification-channels", headers=tokens["admin"]).json()["version"]
    with (
        webhook_server() as (wecom_url, wecom),
        webhook_server() as (ding_url, ding),
        webhook_server({"code": 0, "msg": "success"}) as (feishu_url, feishu),
        smtp_server() as (port, smtp),
    ):
        channels = [
            {"kind": "wecom", "secret": f"{wecom_url}/cgi-bin/webhook/send?key=K1"},
            {"kind": "dingtalk", "secret": f"{ding_url}/robot/send?access_token=T1", "sign_secret": DING_SECRET},
            {
                "kind": "feishu",
                "secret": f"{feishu_url}/open-apis/bot/v2/hook/H1",
                "sign_secret": FEISHU_SECRET,
                "language": "en",
            },
            {
                "kind": "email",
                "smtp_host": "127.0.0.1",
                "smtp_port": port,
                "smtp_from": "kpilot@shop.example",
                "smtp_to": ["team@shop.example"],
            },
        ]
        r = _put(client, tokens, {"channels": channels}, version)
        assert r.status_code == 200, r.text
        assert DING_SECRET not in r.text and FEISHU_SECRET not in r.text
        first = run_notify(demo_url, get_clock(), allow=LOOPBACK_ALLOWED)
        assert first.failed == 0 and first.sent > 0
        n = len(wecom.posts)
        assert n == len(ding.posts) == len(feishu.posts) == len(smtp.mails) == first.sent // 4
        assert first.by_topic["reminder"] >= 4 and first.by_topic.get("alert", 0) >= 4

        # WeCom: msgtype text; the zh reminder reads as people expect.
        assert all(p[1]["msgtype"] == "text" for p in wecom.posts)
        assert any(f"距离{title}截止还有 2 天" in p[1]["text"]["content"] for p in wecom.posts)
        # DingTalk: the same JSON plus timestamp & sign in the URL, signed with the secret.
        path, body = ding.posts[0]
        q = parse_qs(urlsplit(path).query)
        ts, sign = q["timestamp"][0], q["sign"][0]
        want = hmac.new(DING_SECRET.encode(), f"{ts}\n{DING_SECRET}".encode(), hashlib.sha256).digest()
        assert base64.b64decode(unquote_plus(sign) if "%" in sign else sign) == want and body["msgtype"] == "text"
        assert q["access_token"] == ["T1"]
        # Feishu: msg_type / content.text, timestamp and sign in the body; English as configured.
        fb = feishu.posts[0][1]
        key = f"{fb['timestamp']}\n{FEISHU_SECRET}".encode()
        assert base64.b64decode(fb["sign"]) == hmac.new(key, b"", hashlib.sha256).digest()
        assert fb["msg_type"] == "text"
        assert any(f"2 days left until {title} is due" in p[1]["content"]["text"] for p in feishu.posts)
        # E-mail: one message per item, UTF-8 subject and body.
        assert smtp.mails[0]["To"] == "team@shop.example" and "kpilot" in str(smtp.mails[0]["Subject"])

        again = run_notify(demo_url, get_clock(), allow=LOOPBACK_ALLOWED)
        assert (again.sent, again.failed, again.skipped) == (0, 0, first.sent)
        assert len(wecom.posts) == len(ding.posts) == len(feishu.posts) == len(smtp.mails) == n


def test_a_refused_message_is_recorded_and_retried(client, tokens, demo_url) -> None:
    _task_due_in_two_days(client, tokens, demo_url)  # a new task: a message no channel has sent yet
    version = client.get("/api/v1/notification-channels", headers=tokens["admin"]).json()["version"]
    with webhook_server({"errcode": 93000, "errmsg": "invalid webhook url"}) as (url, got):
        r = _put(client, tokens, {"channels": [{"kind": "wecom", "secret": f"{url}/send?key=BAD"}]}, version)
        assert r.status_code == 200
        run = run_notify(demo_url, get_clock(), allow=LOOPBACK_ALLOWED)
    with session_scope(demo_url, write=False) as s:
        failed = list(s.execute(select(NotificationSent).where(NotificationSent.status == "failed")).scalars())
    assert run.failed == len(failed) == len(got.posts) >= 1 and run.sent == 0
    assert "93000" in failed[0].error
    with webhook_server() as (url2, got2):
        version = client.get("/api/v1/notification-channels", headers=tokens["admin"]).json()["version"]
        _put(client, tokens, {"channels": [{"kind": "wecom", "secret": f"{url2}/send?key=GOOD"}]}, version)
        retry = run_notify(demo_url, get_clock(), allow=LOOPBACK_ALLOWED)
    assert retry.sent == len(failed) == len(got2.posts) and retry.failed == 0
    with session_scope(demo_url, write=False) as s:
        attempts = {
            r.attempts
            for r in s.execute(
                select(NotificationSent).where(NotificationSent.id.in_([f.id for f in failed]))
            ).scalars()
        }
    assert attempts == {2}
