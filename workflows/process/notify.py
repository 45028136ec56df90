"""Deliver reminders, new alerts and pending approvals to the company's channels, each message once.

Flow of `notify` (run by housekeeping after the calendar, and by `kpilot notify`):
1. gather what is due today: open tasks due within the reminder window, ongoing early-warning alerts,
   weight proposals waiting for HR;
2. for every enabled channel and message, claim the (channel, message key) row in the sent log and commit the
   claim before sending, so two workers never send the same message and a crash never sends it twice;
3. send, and record "sent" or "failed" (a failed message is tried again next run).
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from datetime import date
from typing import Literal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.clock import Clock, clock_of
from core.db import session_scope
from core.tables import (
    CoachingAlert,
    Department,
    Employee,
    NotificationChannel,
    NotificationSent,
    WeightProposal,
)
from workflows.process.outbound import Allow
from workflows.process.reminders import due_tasks, reminder_text
from workflows.process.schemas import NotifyRun
from workflows.process.senders import DeliveryFailed, post_robot, send_email
from workflows.shared import audit, common

REMINDER_DAYS = 3
log = logging.getLogger("kpilot.notify")
Lang = Literal["zh", "en"]


@dataclass(frozen=True)
class Message:
    """One thing to tell people, in both languages; `key` identifies it in the sent log."""

    key: str
    topic: str  # reminder / alert / approval
    zh: str
    en: str

    def text(self, lang: str) -> str:
        """The message in `lang`."""
        return self.zh if lang == "zh" else self.en


def _names(session: Session, ids: set[int]) -> dict[int, tuple[str, str]]:
    rows = session.execute(select(Employee.id, Employee.name_zh, Employee.name_en).where(Employee.id.in_(ids)))
    return {i: (zh, en) for i, zh, en in rows.all()}


def gather(session: Session, today: date, reminder_days: int = REMINDER_DAYS) -> list[Message]:
    """Everything worth telling today: upcoming deadlines, ongoing alerts, pending approvals."""
    tasks = [t for t in due_tasks(session, today, reminder_days) if t.due_date >= today]
    alerts = list(session.execute(select(CoachingAlert).where(CoachingAlert.ongoing.is_(True))).scalars())
    names = _names(session, {t.employee_id for t in tasks} | {a.employee_id for a in alerts})
    out = []
    for t in tasks:
        zh, en = names.get(t.employee_id, ("", ""))
        left = (t.due_date - today).days
        out.append(
            Message(
                key=f"reminder:task:{t.id}:{t.due_date.isoformat()}",
                topic="reminder",
                zh=f"【kpilot 提醒】{zh}：{reminder_text(t.title, left, 'zh')}（进度 {t.progress}%）",
                en=f"[kpilot reminder] {en}: {reminder_text(t.title, left, 'en')} ({t.progress}% done)",
            )
        )
    for a in alerts:
        zh, en = names.get(a.employee_id, ("", ""))
        out.append(
            Message(
                key=f"alert:{a.id}",
                topic="alert",
                zh=f"【kpilot 预警】{zh}：{a.explanation_zh}",
                en=f"[kpilot alert] {en}: {a.explanation_en}",
            )
        )
    pending = session.execute(
        select(WeightProposal, Department)
        .join(Department, Department.id == WeightProposal.department_id)
        .where(WeightProposal.status == "pending")
        .order_by(WeightProposal.id)
    ).all()
    for p, dept in pending:
        out.append(
            Message(
                key=f"approval:weight_proposal:{p.id}",
                topic="approval",
                zh=f"【kpilot 待审批】{dept.name_zh} 自 {p.effective_period} 起的指标权重建议 #{p.id} 等待 HR 审批",
                en=f"[kpilot approval] Weight proposal #{p.id} for {dept.name_en} from {p.effective_period} awaits HR",
            )
        )
    for key, zh, en in cycle_messages(session, today):
        out.append(Message(key=key, topic="reminder", zh=zh, en=en))
    return out


def cycle_messages(session: Session, today: date) -> list[tuple[str, str, str]]:
    """Review-cycle notices: results published, reminders to the late (at most one per person per day), missing
    weekly check-ins (one per person and week)."""
    from workflows.cycles.checkins import missing_messages
    from workflows.cycles.cockpit import published_messages, reminder_messages

    return published_messages(session) + reminder_messages(session, today) + missing_messages(session, today)


def _claim(session: Session, channel: NotificationChannel, msg: Message) -> NotificationSent | None:
    """The sent-log row to send under, committed as "sending"; None when it was sent (or is being sent) already."""
    now = clock_of(session).now()
    row = session.execute(
        select(NotificationSent).where(
            NotificationSent.channel_id == channel.id, NotificationSent.dedupe_key == msg.key
        )
    ).scalar_one_or_none()
    if row is not None:
        if row.status != "failed":
            return None
        row.status, row.attempts, row.sent_at = "sending", row.attempts + 1, now
    else:
        row = NotificationSent(
            channel_id=channel.id,
            dedupe_key=msg.key,
            topic=msg.topic,
            status="sending",
            attempts=1,
            error="",
            sent_at=now,
        )
        session.add(row)
    try:
        common.commit(session, session.flush)  # the claim stands on its own: one transaction per message
    except IntegrityError:  # another worker claimed it first
        session.rollback()
        return None
    return row


def deliver(channel: NotificationChannel, msg: Message, now_clock: Clock, allow: Allow) -> None:
    """Send one message through one channel (DeliveryFailed on failure, whatever was stored)."""
    secret, _, sign = channel.secret.partition("\n")
    lang = channel.settings.get("language", "zh")
    if channel.kind == "email":
        subject = {
            "reminder": ("kpilot 提醒", "kpilot reminder"),
            "alert": ("kpilot 预警", "kpilot alert"),
            "test": ("kpilot 测试消息", "kpilot test message"),
        }.get(msg.topic, ("kpilot 待审批", "kpilot approval"))
        send_email(channel.settings, secret, subject[0] if lang == "zh" else subject[1], msg.text(lang), allow=allow)
    else:
        post_robot(channel.kind, secret, msg.text(lang), sign_secret=sign, now=now_clock.now(), allow=allow)


def _deliver_claimed(
    row: NotificationSent, channel: NotificationChannel, msg: Message, clock: Clock, allow: Allow
) -> str:
    """Send a claimed message and record how it went on its claim ("sent" or "failed")."""
    try:
        deliver(channel, msg, clock, allow)
        row.status, row.error = "sent", ""
    except DeliveryFailed as exc:
        row.status, row.error = "failed", str(exc)[:2000]
        log.warning("notify: %s via %s failed: %s", msg.key, channel.kind, exc)
    return row.status


def notify(session: Session, *, allow: Allow = frozenset(), reminder_days: int = REMINDER_DAYS) -> NotifyRun:
    """Send today's messages to every enabled channel, each once (commits as it goes); `allow` names the
    internal hosts channels may reach (KPILOT_WEBHOOK_ALLOW)."""
    clock = clock_of(session)
    channels = list(session.execute(select(NotificationChannel).where(NotificationChannel.enabled.is_(True))).scalars())
    counts = {"sent": 0, "failed": 0, "skipped": 0}
    by_topic: dict[str, int] = {}
    if not channels:
        return NotifyRun(sent=0, failed=0, skipped=0, by_topic={})
    messages = gather(session, clock.today(), reminder_days)
    for channel in channels:
        for msg in messages:
            row = _claim(session, channel, msg)
            if row is None:
                counts["skipped"] += 1
                continue
            status = common.commit(session, functools.partial(_deliver_claimed, row, channel, msg, clock, allow))
            counts[status] += 1
            if status == "sent":
                by_topic[msg.topic] = by_topic.get(msg.topic, 0) + 1
    if counts["sent"] or counts["failed"]:
        common.commit(
            session,
            lambda: audit.record(
                session,
                actor=None,
                action="notify",
                entity="notification",
                entity_id=clock.today().isoformat(),
                after={**counts, "by_topic": by_topic},
            ),
        )
    return NotifyRun(**counts, by_topic=by_topic)


def run_notify(
    url: str, clock: Clock | None = None, *, allow: Allow = frozenset(), reminder_days: int = REMINDER_DAYS
) -> NotifyRun:
    """`notify` in its own unit of work (the housekeeping step and `kpilot notify`)."""
    with session_scope(url, clock=clock) as session:
        return notify(session, allow=allow, reminder_days=reminder_days)
