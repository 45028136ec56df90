"""Alembic environment: the URL comes from the caller (`core.migrate`), never from a file."""

from alembic import context
from sqlalchemy import pool

from core.db import get_engine
from core.tables import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_offline() -> None:
    """Emit SQL without a connection (`alembic upgrade --sql`)."""
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run against the live database; batch mode lets SQLite alter tables."""
    url = config.get_main_option("sqlalchemy.url")
    connectable = config.attributes.get("connection") or get_engine(url, write=True)
    _ = pool  # engines are shared with the app; no separate pool
    with connectable.connect() as connection:
        context.configure(
            connection=connection, target_metadata=target_metadata, render_as_batch=True, compare_type=True
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
