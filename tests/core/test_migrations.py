"""Migrations go from empty to head and back down, on every configured backend."""

from pathlib import Path

from sqlalchemy import inspect

from core.db import get_engine
from core.migrate import current_revision, downgrade, head_revision, upgrade
from core.tables import Base
from tests.conftest import fresh_db_url


def test_upgrade_to_head_then_down_to_base(backend: str, tmp_path: Path) -> None:
    url = fresh_db_url(backend, tmp_path, "migtest")
    upgrade(url)
    assert current_revision(url) == head_revision(url)
    tables = set(inspect(get_engine(url)).get_table_names())
    assert set(Base.metadata.tables) <= tables, set(Base.metadata.tables) - tables
    downgrade(url, "base")
    assert current_revision(url) is None
    assert set(inspect(get_engine(url)).get_table_names()) <= {"alembic_version"}
    upgrade(url)  # and up again: downgrade left nothing behind that blocks a re-run
    assert current_revision(url) == head_revision(url)


def test_models_match_migrations(backend: str, tmp_path: Path) -> None:
    """The ORM tables and the migrated schema agree (no change left out of a migration)."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    url = fresh_db_url(backend, tmp_path, "migdiff")
    upgrade(url)
    with get_engine(url).connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []
