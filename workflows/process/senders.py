"""Delivery to where people already are: an SMTP server, or the group robot of WeCom, DingTalk or Feishu, each
in its own JSON message format (and DingTalk's / Feishu's signature when a signing secret is set). Every send
goes through `outbound` (public addresses only, no redirects, short timeouts) and fails as DeliveryFailed."""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import json
import smtplib
from datetime import datetime
from email.message import EmailMessage
from typing import Any
from urllib.parse import quote_plus

from workflows.process import outbound
from workflows.process.outbound import Allow


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


def _robot_answer(kind: str, status: int, raw: bytes) -> None:
    # Only the status and the robot's numeric code are reported: a remote answer never reaches logs or pages.
    if not 200 <= status < 300:
        extra = " (redirects are not followed)" if 300 <= status < 400 else ""
        raise DeliveryFailed(f"{kind} webhook answered HTTP {status}{extra}")
    try:
        answer = json.loads(raw or b"{}")
    except ValueError as exc:
        raise DeliveryFailed(f"{kind} webhook answered HTTP {status} with a body that is not JSON") from exc
    # WeCom and DingTalk answer {"errcode": 0}; Feishu {"code": 0} (older robots {"StatusCode": 0}).
    code = answer.get("errcode", answer.get("code", answer.get("StatusCode", 0))) if isinstance(answer, dict) else -1
    if code != 0:
        shown = code if isinstance(code, int) and not isinstance(code, bool) else "not 0"
        raise DeliveryFailed(f"{kind} webhook refused the message: error code {shown}")


def post_robot(kind: str, url: str, text: str, *, sign_secret: str = "", now: datetime, allow: Allow) -> None:
    """POST one text message to a group robot's webhook; DeliveryFailed unless it answers success."""
    body, query = robot_payload(kind, text, sign_secret=sign_secret, now=now)
    if query:
        url = f"{url}{'&' if '?' in url else '?'}{query}"
    try:
        target = outbound.parse_webhook(url, allow)
        ip = outbound.resolve(target, allow)
    except outbound.TargetRefused as exc:
        raise DeliveryFailed(f"{kind} webhook refused by kpilot: {exc}") from exc
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    try:
        status, raw = outbound.post(target, ip, data, {"Content-Type": "application/json; charset=utf-8"})
    except (OSError, http.client.HTTPException) as exc:
        raise DeliveryFailed(f"{kind} webhook unreachable ({type(exc).__name__})") from exc
    _robot_answer(kind, status, raw)


def send_email(settings: dict[str, Any], password: str, subject: str, text: str, *, allow: Allow) -> None:
    """Send one plain-text e-mail through the configured SMTP server; DeliveryFailed on any SMTP error."""
    try:
        target = outbound.parse_smtp(settings, allow)
        ip = outbound.resolve(target, allow)
        msg = EmailMessage()
        msg["Subject"] = subject
        msg["From"] = settings["smtp_from"]
        msg["To"] = ", ".join(settings["smtp_to"])
        msg.set_content(text, charset="utf-8")
    except (outbound.TargetRefused, ValueError, TypeError, KeyError) as exc:
        raise DeliveryFailed(f"e-mail channel refused by kpilot: {exc}") from exc
    where = f"SMTP {target.host}:{target.port}"
    try:
        with smtplib.SMTP(timeout=outbound.TIMEOUT_S) as smtp:
            smtp.connect(ip, target.port)
            smtp._host = target.host  # type: ignore[attr-defined] # STARTTLS checks the certificate for the name
            if settings.get("smtp_starttls"):
                smtp.starttls()
            if settings.get("smtp_username") and password:
                smtp.login(settings["smtp_username"], password)
            smtp.send_message(msg)
    except smtplib.SMTPResponseException as exc:  # the server's code only, never its text
        raise DeliveryFailed(f"{where} answered {exc.smtp_code}") from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise DeliveryFailed(f"{where} failed ({type(exc).__name__})") from exc
