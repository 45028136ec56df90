"""The audit chain detects an edited event, a deleted event and a deleted newest event."""

from pathlib import Path

import pytest
from sqlalchemy import delete, select, update

from core.db import session_scope
from core.migrate import upgrade
from core.security import Caller
from core.tables import AuditEvent
from tests.conftest import fresh_db_url
from workflows.shared.audit import record, verify_chain

ACTOR = Caller(user_id=1, username="hr", role="hr", employee_id=None)


@pytest.fixture
def chained(backend: str, tmp_path: Path) -> str:
    url = fresh_db_url(backend, tmp_path, "audit")
    upgrade(url)
    for i in range(5):
        with session_scope(url) as s:
            record(
                s,
                actor=ACTOR,
                action="update",
                entity="kpi_assignment",
                entity_id=i,
                before={"weight": 30.0, "name": "转化率"},
                after={"weight": 30.0 + i},
            )
    return url


def _verify(url: str):
    with session_scope(url, write=False) as s:
        return verify_chain(s)


def test_untouched_chain_verifies(chained: str) -> None:
    report = _verify(chained)
    assert report.ok and report.checked == 5


def test_edited_event_is_detected(chained: str) -> None:
    with session_scope(chained) as s:
        third = s.execute(select(AuditEvent.id).order_by(AuditEvent.id).offset(2).limit(1)).scalar_one()
        s.execute(update(AuditEvent).where(AuditEvent.id == third).values(after={"weight": 99.0}))
    report = _verify(chained)
    assert not report.ok
    assert any(f"event {third}" in p and "edited" in p for p in report.problems)


def test_deleted_middle_event_is_detected(chained: str) -> None:
    with session_scope(chained) as s:
        second = s.execute(select(AuditEvent.id).order_by(AuditEvent.id).offset(1).limit(1)).scalar_one()
        s.execute(delete(AuditEvent).where(AuditEvent.id == second))
    assert not _verify(chained).ok


def test_deleted_newest_event_is_detected(chained: str) -> None:
    with session_scope(chained) as s:
        last = s.execute(select(AuditEvent.id).order_by(AuditEvent.id.desc())).scalars().first()
        s.execute(delete(AuditEvent).where(AuditEvent.id == last))
    report = _verify(chained)
    assert not report.ok and report.checked == 4


def test_cli_audit_verify_exit_codes(chained: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from cli.main import app
    from core.settings import get_settings

    monkeypatch.setenv("KPILOT_DATABASE_URL", chained)
    monkeypatch.setenv("KPILOT_DEMO", "1")
    get_settings.cache_clear()
    try:
        ok = CliRunner().invoke(app, ["audit", "verify"])
        assert ok.exit_code == 0 and "5 events verified" in ok.output
        with session_scope(chained) as s:
            s.execute(update(AuditEvent).where(AuditEvent.id == 1).values(actor="mallory"))
        broken = CliRunner().invoke(app, ["audit", "verify"])
        assert broken.exit_code == 1 and "BROKEN" in broken.output
    finally:
        get_settings.cache_clear()
