"""The company's notification channels (admin): e-mail over SMTP and the group robots of WeCom, DingTalk and
Feishu. Secrets (SMTP password, webhook URL with its key, signing secret) are stored but never returned."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.clock import clock_of
from core.errors import InvalidInput, NotFound, PreconditionFailed, coded
from core.security import Caller
from core.tables import Company, Employee, NotificationChannel
from workflows.process import outbound
from workflows.process.outbound import Allow
from workflows.process.schemas import ChannelIn, ChannelPublic, ChannelsIn, ChannelsPublic
from workflows.process.senders import DeliveryFailed
from workflows.shared import audit, common

SMTP_FIELDS = ("smtp_host", "smtp_port", "smtp_from", "smtp_to", "smtp_username", "smtp_starttls")


def company_id_of(session: Session, caller: Caller | None) -> int:
    """The caller's company (an admin without an employee record: the first company)."""
    if caller is not None and caller.employee_id is not None:
        emp = session.get(Employee, caller.employee_id)
        if emp is not None:
            return emp.company_id
    first = session.execute(select(Company.id).order_by(Company.id)).scalars().first()
    if first is None:
        raise coded(NotFound("No company is set up yet."), "org.no_company")
    return int(first)


def _split_secret(stored: str) -> tuple[str, str]:
    # Stored as "secret\nsign_secret": one write-only column for both.
    secret, _, sign = stored.partition("\n")
    return secret, sign


def to_public(ch: NotificationChannel) -> ChannelPublic:
    """A channel as admins see it: settings, and only whether each secret is set."""
    secret, sign = _split_secret(ch.secret)
    s = ch.settings
    webhook_host = urlsplit(secret).hostname if ch.kind != "email" and secret else None
    return ChannelPublic(
        kind=ch.kind,  # type: ignore[arg-type]
        enabled=ch.enabled,
        language=s.get("language", "zh"),
        smtp_host=s.get("smtp_host"),
        smtp_port=s.get("smtp_port"),
        smtp_from=s.get("smtp_from"),
        smtp_to=list(s.get("smtp_to") or []),
        smtp_username=s.get("smtp_username"),
        smtp_starttls=bool(s.get("smtp_starttls")),
        secret_set=bool(secret),
        sign_secret_set=bool(sign),
        webhook_host=webhook_host,
        version=ch.version,
    )


def _rows(session: Session, company_id: int) -> list[NotificationChannel]:
    stmt = select(NotificationChannel).where(NotificationChannel.company_id == company_id)
    return list(session.execute(stmt.order_by(NotificationChannel.kind)).scalars())


def _collection_version(session: Session, company_id: int) -> int:
    stmt = select(func.coalesce(func.max(NotificationChannel.version), 0)).where(
        NotificationChannel.company_id == company_id
    )
    return int(session.execute(stmt).scalar_one())


def get_channels(session: Session, caller: Caller) -> ChannelsPublic:
    """Every channel of the caller's company and the version to send back with PUT."""
    cid = company_id_of(session, caller)
    rows = _rows(session, cid)
    return ChannelsPublic(channels=[to_public(c) for c in rows], version=_collection_version(session, cid))


def _check(ch: ChannelIn, settings: dict[str, Any], secret: str, allow: Allow) -> list[dict[str, object]]:
    """Every problem of an enabled channel, found with the parser the sender uses (outbound.py)."""
    errors: list[dict[str, object]] = []
    if not ch.enabled:
        return errors
    if ch.kind == "email":
        for name in ("smtp_host", "smtp_port", "smtp_from", "smtp_to"):
            if not settings.get(name):
                errors.append(
                    {"loc": ["body", "channels", ch.kind, name], "msg": "required for an enabled e-mail channel"}
                )
        if errors:
            return errors
    try:
        if ch.kind == "email":
            outbound.resolve(outbound.parse_smtp(settings, allow), allow)
        else:
            outbound.resolve(outbound.parse_webhook(secret, allow), allow)
    except outbound.TargetRefused as exc:
        field = "smtp_host" if ch.kind == "email" else "secret"
        if exc.code in ("outbound_header_crlf", "outbound_bad_sender"):
            field = "smtp_from"
        errors.append({"loc": ["body", "channels", ch.kind, field], "msg": str(exc), "code": exc.code})
    return errors


def _one_line(ch: ChannelIn, secret: str, sign: str) -> list[dict[str, object]]:
    errors: list[dict[str, object]] = []
    for name, value in (("secret", secret), ("sign_secret", sign)):
        if any(c in value for c in "\r\n\0"):
            errors.append({"loc": ["body", "channels", ch.kind, name], "msg": "must be one line", "code": "one_line"})
    return errors


@common.use_case
def put_channels(
    session: Session, caller: Caller, data: ChannelsIn, if_match: str | None, allow: Allow = frozenset()
) -> ChannelsPublic:
    """Replace the company's channels (If-Match on the collection version; audited without secrets; commits)."""
    expected = common.parse_if_match(if_match)
    cid = company_id_of(session, caller)
    current = _collection_version(session, cid)
    if expected != current:
        raise coded(
            PreconditionFailed(f"The channels changed since you read them (your version {expected}); GET them again."),
            "stale_version",
            thing="notification_channels",
        )
    kinds = [c.kind for c in data.channels]
    if len(set(kinds)) != len(kinds):
        raise coded(
            InvalidInput(
                "Each channel kind may appear once.", [{"loc": ["body", "channels"], "msg": "duplicate kind"}]
            ),
            "channels.duplicate_kind",
        )
    existing = {c.kind: c for c in _rows(session, cid)}
    before = {k: to_public(c).model_dump() for k, c in existing.items()}
    errors: list[dict[str, object]] = []
    new_version = current + 1
    for ch in data.channels:
        row = existing.get(ch.kind)
        old_secret, old_sign = _split_secret(row.secret) if row else ("", "")
        secret = old_secret if ch.secret is None else ch.secret
        sign = old_sign if ch.sign_secret is None else ch.sign_secret
        errors += _one_line(ch, secret, sign)
        settings = {k: getattr(ch, k) for k in SMTP_FIELDS if getattr(ch, k) is not None}
        settings["language"] = ch.language
        errors += _check(ch, settings, secret, allow)
        if row is None:
            row = NotificationChannel(company_id=cid, kind=ch.kind)
            session.add(row)
        row.enabled, row.settings, row.secret, row.version = ch.enabled, settings, f"{secret}\n{sign}", new_version
    if errors:
        session.rollback()
        raise coded(
            InvalidInput("Some channels are incomplete or unsafe; nothing was saved.", errors),
            "channel_invalid",
            "部分通知渠道设置不完整或不安全，未保存任何更改。",
        )
    for kind, row in existing.items():  # channels left out of the PUT are switched off, not deleted
        if kind not in kinds:
            row.enabled, row.version = False, new_version
    session.flush()
    after = {c.kind: to_public(c).model_dump() for c in _rows(session, cid)}
    audit.record(
        session,
        actor=caller,
        action="update",
        entity="notification_channels",
        entity_id=cid,
        before=before,
        after=after,
    )
    return get_channels(session, caller)


@common.use_case
def send_test(session: Session, caller: Caller, kind: str, allow: Allow) -> dict[str, object]:
    """Send a test message through one saved channel now: whether it arrived, or why not (audited, commits)."""
    from workflows.process.notify import Message, deliver  # notify imports nothing of this module

    cid = company_id_of(session, caller)
    row = next((c for c in _rows(session, cid) if c.kind == kind), None)
    if row is None:
        raise coded(NotFound(f"No {kind} channel is set up; save it first."), "channels.not_set_up", kind=kind)
    msg = Message(
        key="test",
        topic="test",
        zh="【kpilot 测试】这是一条测试消息：通知渠道已连通。",
        en="[kpilot test] This is a test message: the notification channel works.",
    )
    try:
        deliver(row, msg, clock_of(session), allow)
        ok, detail = True, "delivered"
    except DeliveryFailed as exc:
        ok, detail = False, str(exc)
    audit.record(
        session, actor=caller, action="test_send", entity="notification_channel", entity_id=row.id, after={"ok": ok}
    )
    return {"kind": kind, "ok": ok, "detail": detail}
