"""Database engine and sessions: embedded SQLite by default, PostgreSQL via DATABASE_URL."""

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from core.clock import Clock


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # Foreign keys are off by default in SQLite; WAL lets readers run while a writer commits.
    # The driver's own transaction handling is switched off so that `_sqlite_begin` decides how to begin.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.close()


def _sqlite_begin_deferred(conn: Any) -> None:
    conn.exec_driver_sql("BEGIN")


def _sqlite_begin_immediate(conn: Any) -> None:
    # A writer takes the write lock up front: a deferred transaction that read first and then tries to
    # write fails at once with "database is locked" when another writer got there between the two.
    conn.exec_driver_sql("BEGIN IMMEDIATE")


@cache  # never evict: an evicted engine would leak its pooled connections
def get_engine(url: str, write: bool = False) -> Engine:
    """One engine per database URL (and, on SQLite, per read/write mode); creates an SQLite file's folder."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin_immediate if write else _sqlite_begin_deferred)
        return engine
    if write:
        return get_engine(url, write=False)
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


def session_factory(url: str, write: bool = False, clock: Clock | None = None) -> sessionmaker[Session]:
    """A session factory bound to the engine of `url`; `write=True` for sessions that will write.

    Sessions carry `clock` (see `core.clock.clock_of`), so a unit of work reads one time throughout."""
    info = {"clock": clock} if clock is not None else {}
    return sessionmaker(bind=get_engine(url, write), expire_on_commit=False, info=info)


@contextmanager
def session_scope(url: str, write: bool = True, clock: Clock | None = None) -> Iterator[Session]:
    """A session that commits on success and rolls back on any error."""
    session = session_factory(url, write, clock)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
