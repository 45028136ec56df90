"""`kpilot audit seal` after tampering: an attacker edits an event, re-chains the log and strips the signatures
from the events and the head, hoping the operator's next seal signs the forgery. The seal refuses a chain that
lost signatures it once had, and signs only events written before any key existed (and says how many)."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select, update
from typer.testing import CliRunner

from core.db import session_scope
from core.errors import Conflict
from core.keys import bind_audit_keys, env_audit_keys
from core.migrate import upgrade
from core.security import Caller
from core.tables import AuditEvent, AuditHead
from tests.conftest import _dispose, fresh_db_url
from tests.security.test_audit_tamper import _rechain_all
from workflows.shared.audit import record, seal, verify_chain

ACTOR = Caller(user_id=1, username="hr", role="hr", employee_id=None)


def _write(url: str, n: int, keyed: bool) -> None:
    for i in range(n):
        with session_scope(url) as s:
            bind_audit_keys(s, env_audit_keys() if keyed else None)
            record(s, actor=ACTOR, action="update", entity="kpi_assignment", entity_id=i, after={"weight": i})


@pytest.fixture
def url(backend: str, tmp_path: Path) -> Iterator[str]:
    url = fresh_db_url(backend, tmp_path, "seal")
    upgrade(url)
    yield url
    _dispose(url)  # each case has a database of its own: give its pooled connections back


def _strip(url: str, *, head: bool = True, events: str = "all") -> None:
    with session_scope(url) as s:
        stmt = update(AuditEvent).values(key_id=None, mac=None)
        if events == "last":
            last = s.execute(select(AuditEvent.id).order_by(AuditEvent.id.desc())).scalars().first()
            stmt = stmt.where(AuditEvent.id == last)
        s.execute(stmt)
        if head:
            s.execute(update(AuditHead).values(key_id=None, mac=None))


def _seal(url: str) -> int:
    with session_scope(url) as s:
        return seal(bind_audit_keys(s, env_audit_keys()), actor=None)


def test_a_rechained_log_with_every_signature_stripped_is_not_sealed(url: str) -> None:
    _write(url, 5, keyed=True)
    _rechain_all(url)
    _strip(url)
    with pytest.raises(Conflict, match="lost signatures it once had"):
        _seal(url)
    with session_scope(url, write=False) as s:
        bind_audit_keys(s, env_audit_keys())
        assert not verify_chain(s).ok  # still reported, not blessed


@pytest.mark.parametrize(("head", "events"), [(False, "last"), (True, "none")])
def test_an_event_or_the_head_that_lost_its_signature_blocks_the_seal(url: str, head: bool, events: str) -> None:
    _write(url, 4, keyed=True)
    _strip(url, head=head, events=events)
    with pytest.raises(Conflict, match="lost signatures"):
        _seal(url)


def test_events_from_before_any_key_are_signed_and_counted(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    _write(url, 3, keyed=False)  # a demo without an audit key
    _write(url, 2, keyed=True)  # then a key was configured
    from cli.main import app

    monkeypatch.setenv("KPILOT_DATABASE_URL", url)
    monkeypatch.setenv("KPILOT_SECRET_KEY", "a-real-secret-key-for-the-seal-test-0123456789")
    result = CliRunner().invoke(app, ["audit", "seal"])
    assert result.exit_code == 0, result.output
    assert "3 event(s) signed with the current key, 3 of them for the first time" in result.output
    with session_scope(url, write=False) as s:
        bind_audit_keys(s, env_audit_keys())
        assert verify_chain(s).ok
