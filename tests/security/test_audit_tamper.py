"""A database writer without the audit key cannot fake the log: re-chaining after an edit, truncating the newest
events and fixing the head, or stripping signatures are all detected; rotation keeps old events verifiable."""

from collections.abc import Iterator
from pathlib import Path
from typing import Literal

import pytest
from sqlalchemy import delete, select, update
from typer.testing import CliRunner

from core.db import session_scope
from core.keys import AuditKeys, audit_keys_for, bind_audit_keys, env_audit_keys
from core.migrate import upgrade
from core.security import Caller
from core.tables import AuditEvent, AuditHead
from tests.conftest import TEST_AUDIT_KEY, _dispose, fresh_db_url
from workflows.shared.audit import GENESIS, ChainReport, event_hash, record, seal, verify_chain

ACTOR = Caller(user_id=1, username="hr", role="hr", employee_id=None)
NEW_KEY = "rotated-audit-key-0123456789-abcdefghijklmnop"


@pytest.fixture
def chained(backend: str, tmp_path: Path) -> Iterator[str]:
    url = fresh_db_url(backend, tmp_path, "tamper")
    upgrade(url)
    for i in range(6):
        with session_scope(url) as s:
            record(s, actor=ACTOR, action="update", entity="kpi_assignment", entity_id=i, after={"weight": 10 + i})
    yield url
    _dispose(url)  # each case has a database of its own: give its pooled connections back


def _verify(url: str, keys: AuditKeys | None | Literal["env"] = "env") -> ChainReport:
    with session_scope(url, write=False) as s:
        if keys != "env":
            bind_audit_keys(s, keys)
        return verify_chain(s)


def _rechain_all(url: str) -> None:
    """What a writer without the key can do: edit one event, then recompute every hash and the head."""
    with session_scope(url) as s:
        events = s.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars().all()
        events[1].after = {"weight": 99}
        for i, ev in enumerate(events):
            ev.hash = f"{i:064d}"  # placeholders first, so the unique index never clashes while rewriting
        s.flush()
        prev = GENESIS
        for ev in events:
            ev.prev_hash = prev
            ev.hash = event_hash(prev, ev)
            prev = ev.hash
        s.execute(update(AuditHead).where(AuditHead.id == 1).values(last_hash=prev, count=len(events)))


def test_signed_chain_verifies(chained: str) -> None:
    report = _verify(chained)
    assert report.ok and report.signed and report.checked == 6


def test_rechained_edit_is_detected_with_the_key_only(chained: str) -> None:
    _rechain_all(chained)
    assert _verify(chained, keys=None).ok  # a plain hash chain cannot see it: that is why the key exists
    report = _verify(chained)
    assert not report.ok and any("without the audit key" in p for p in report.problems), report.problems


def test_truncation_with_a_fixed_head_is_detected(chained: str) -> None:
    with session_scope(chained) as s:
        events = s.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars().all()
        keep = events[:4]
        s.execute(delete(AuditEvent).where(AuditEvent.id.in_([e.id for e in events[4:]])))
        s.execute(update(AuditHead).where(AuditHead.id == 1).values(last_hash=keep[-1].hash, count=len(keep)))
    assert _verify(chained, keys=None).ok
    report = _verify(chained)
    assert not report.ok and any("truncated" in p for p in report.problems), report.problems


def test_stripped_signatures_are_detected(chained: str) -> None:
    with session_scope(chained) as s:
        s.execute(update(AuditEvent).values(key_id=None, mac=None))
        s.execute(update(AuditHead).values(key_id=None, mac=None))
    report = _verify(chained)
    assert not report.ok and any("not signed" in p for p in report.problems)


def test_rotation_old_key_verifies_then_seal_moves_everything_to_the_new_key(chained: str) -> None:
    rotated = audit_keys_for(NEW_KEY, TEST_AUDIT_KEY, "")
    assert _verify(chained, keys=rotated).ok  # old events still verify with the old key listed
    assert not _verify(chained, keys=audit_keys_for(NEW_KEY, "", "")).ok  # and not without it
    with session_scope(chained) as s:
        assert seal(bind_audit_keys(s, rotated), actor=None) == 6
    assert _verify(chained, keys=audit_keys_for(NEW_KEY, "", "")).ok


def test_seal_refuses_a_tampered_chain(chained: str) -> None:
    _rechain_all(chained)
    from core.errors import Conflict

    with session_scope(chained) as s, pytest.raises(Conflict):
        seal(bind_audit_keys(s, env_audit_keys()), actor=None)


def test_the_key_is_derived_from_a_real_secret_when_not_given() -> None:
    secret = "s" * 40
    derived = audit_keys_for("", "", secret)
    given = audit_keys_for(secret, "", "")
    assert derived is not None and given is not None and derived.current_id != given.current_id
    assert audit_keys_for("", "", "change-me") is None


def test_cli_verify_reads_only_the_database_url_and_the_audit_key(chained: str, monkeypatch) -> None:
    from cli.main import app

    monkeypatch.setenv("KPILOT_DATABASE_URL", chained)
    monkeypatch.delenv("KPILOT_DEMO", raising=False)
    monkeypatch.delenv("KPILOT_SECRET_KEY", raising=False)
    ok = CliRunner().invoke(app, ["audit", "verify"])
    assert ok.exit_code == 0 and "6 events verified (hashes and signatures checked)" in ok.output, ok.output
    _rechain_all(chained)
    broken = CliRunner().invoke(app, ["audit", "verify"])
    assert broken.exit_code == 1 and "BROKEN" in broken.output
