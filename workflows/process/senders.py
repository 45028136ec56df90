"""Delivery to where people already are: an SMTP server, or the group robot of WeCom, DingTalk or Feishu, each
in its own JSON message format (and DingTalk's / Feishu's signature when a signing secret is set)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import smtplib
import urllib.error
import urllib.request
from datetime import datetime
from email.message import EmailMessage
from typing import Any
from urllib.parse import quote_plus

TIMEOUT_S = 10.0


class DeliveryFailed(Exception):
    """A message could not be delivered; the text says why (it is logged with the attempt)."""


def robot_payload(kind: str, text: str, *, sign_secret: str = "", now: datetime) -> tuple[dict[str, Any], str]:
    """(JSON body, query string to append) of a text message for the `kind` robot, signed when asked."""
    if kind == "wecom":
        return {"msgtype": "text", "text": {"content": text}}, ""
    if kind == "dingtalk":
        query = ""
        if sign_secret:
            ts = str(int(now.timestamp() * 1000))
            digest = hmac.new(sign_secret.encode(), f"{ts}\n{sign_secret}".encode(), hashlib.sha256).digest()
            query = f"timestamp={ts}&sign={quote_plus(base64.b64encode(digest).decode())}"
        return {"msgtype": "text", "text": {"content": text}}, query
    if kind == "feishu":
        body: dict[str, Any] = {"msg_type": "text", "content": {"text": text}}
        if sign_secret:
            ts = str(int(now.timestamp()))
            digest = hmac.new(f"{ts}\n{sign_secret}".encode(), b"", hashlib.sha256).digest()
            body = {"timestamp": ts, "sign": base64.b64encode(digest).decode(), **body}
        return body, ""
    raise ValueError(f"unknown robot kind {kind!r}")


def post_robot(kind: str, url: str, text: str, *, sign_secret: str = "", now: datetime) -> None:
    """POST one text message to a group robot's webhook; DeliveryFailed unless it answers success."""
    body, query = robot_payload(kind, text, sign_secret=sign_secret, now=now)
    if query:
        url = f"{url}{'&' if '?' in url else '?'}{query}"
    req = urllib.request.Request(
        url,
        data=json.dumps(body, ensure_ascii=False).encode("utf-8"),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(req, timeout=TIMEOUT_S) as resp:  # noqa: S310 - an admin-configured http(s) URL
            raw = resp.read(100_000)
    except (urllib.error.URLError, OSError) as exc:
        raise DeliveryFailed(f"{kind} webhook unreachable: {exc}") from exc
    try:
        answer = json.loads(raw or b"{}")
    except ValueError as exc:
        raise DeliveryFailed(f"{kind} webhook answered non-JSON: {raw[:200]!r}") from exc
    # WeCom and DingTalk answer {"errcode": 0}; Feishu {"code": 0} (older robots {"StatusCode": 0}).
    code = answer.get("errcode", answer.get("code", answer.get("StatusCode", 0))) if isinstance(answer, dict) else -1
    if code != 0:
        raise DeliveryFailed(f"{kind} webhook refused the message: {str(answer)[:300]}")


def send_email(settings: dict[str, Any], password: str, subject: str, text: str) -> None:
    """Send one plain-text e-mail through the configured SMTP server; DeliveryFailed on any SMTP error."""
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = settings["smtp_from"]
    msg["To"] = ", ".join(settings["smtp_to"])
    msg.set_content(text, charset="utf-8")
    try:
        with smtplib.SMTP(settings["smtp_host"], int(settings["smtp_port"]), timeout=TIMEOUT_S) as smtp:
            if settings.get("smtp_starttls"):
                smtp.starttls()
            if settings.get("smtp_username") and password:
                smtp.login(settings["smtp_username"], password)
            smtp.send_message(msg)
    except (smtplib.SMTPException, OSError) as exc:
        raise DeliveryFailed(f"SMTP {settings['smtp_host']}:{settings['smtp_port']} failed: {exc}") from exc
