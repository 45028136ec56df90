"""Database engine and sessions: embedded SQLite by default, PostgreSQL via DATABASE_URL.

Bounded everywhere: a request waits at most `POOL_TIMEOUT_S` for a pooled connection and, on SQLite, at most
`WRITE_WAIT_S` for its turn to write; past that it gets `Busy` (503 + Retry-After), never a hang or a 500.
SQLite allows one writer per file, so the writers of this process queue on one in-process lock (fair, no
polling) before `BEGIN IMMEDIATE`; the busy timeout then only arbitrates between processes.
"""

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from core.clock import Clock
from core.errors import Busy, coded

# More connections than the API lets requests run at once (api/app.py LoadShedder, 16 by default) plus the job
# worker and the calendar thread: a request never waits on the pool for a connection held by a request that
# waits on it. No overflow: a process never opens more than POOL_SIZE, so N API processes need at most
# N x POOL_SIZE PostgreSQL connections (measured: with 24 + 8 overflow, three processes under overload ran
# PostgreSQL's default limit of 100 out and 40 requests failed with "connection failed").
POOL_SIZE = 20
MAX_OVERFLOW = 0
POOL_TIMEOUT_S = 5.0
WRITE_WAIT_S = 20.0
SQLITE_BUSY_TIMEOUT_MS = 30_000
IDLE_IN_TRANSACTION_MS = 120_000


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # Foreign keys are off by default in SQLite; WAL lets readers run while a writer commits.
    # The driver's own transaction handling is switched off so that `_WriteGate`/`_begin_deferred` decide how
    # to begin.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cur.close()


def _sqlite_begin_deferred(conn: Any) -> None:
    conn.exec_driver_sql("BEGIN")


class _WriteGate:
    """One writing transaction at a time per SQLite file in this process.

    A writer takes the write lock up front (`BEGIN IMMEDIATE`): a deferred transaction that read first and
    then tries to write fails at once with "database is locked" when another writer got there between the
    two. Before that it queues on a lock here, so fifty concurrent writers wait their turn instead of
    spinning in SQLite's busy handler until some give up with "database is locked"."""

    def __init__(self, wait_s: float) -> None:
        self.wait_s = wait_s
        self._lock = threading.Lock()
        self._holder: int | None = None  # id() of the DBAPI connection inside the write transaction

    def begin(self, conn: Any) -> None:
        if not self._lock.acquire(timeout=self.wait_s):
            raise coded(
                Busy(f"The database is busy with other writes (waited {self.wait_s:.0f} s); retry shortly."),
                "busy.database_locked",
            )
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            self._lock.release()
            raise
        self._holder = id(conn.connection.dbapi_connection)

    def end(self, conn: Any) -> None:
        self.release(conn.connection.dbapi_connection)

    def release(self, dbapi_conn: Any, *_args: Any) -> None:
        if self._holder is not None and self._holder == id(dbapi_conn):
            self._holder = None
            self._lock.release()


def _sqlite_engine(url: str, write: bool) -> Engine:
    path = url.split("///", 1)[-1]
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
        pool_size=POOL_SIZE,
        max_overflow=MAX_OVERFLOW,
        pool_timeout=POOL_TIMEOUT_S,
    )
    event.listen(engine, "connect", _sqlite_pragmas)
    if not write:
        event.listen(engine, "begin", _sqlite_begin_deferred)
        return engine
    gate = _WriteGate(WRITE_WAIT_S)
    event.listen(engine, "begin", gate.begin)
    event.listen(engine, "commit", gate.end)
    event.listen(engine, "rollback", gate.end)
    event.listen(engine.pool, "checkin", gate.release)  # a connection returned mid-transaction frees the turn
    event.listen(engine.pool, "close", gate.release)
    return engine


@cache  # never evict: an evicted engine would leak its pooled connections
def get_engine(url: str, write: bool = False) -> Engine:
    """One engine per database URL (and, on SQLite, per read/write mode); creates an SQLite file's folder."""
    if url.startswith("sqlite"):
        return _sqlite_engine(url, write)
    if write:
        return get_engine(url, write=False)
    engine = create_engine(
        url, pool_pre_ping=True, pool_size=POOL_SIZE, max_overflow=MAX_OVERFLOW, pool_timeout=POOL_TIMEOUT_S
    )
    event.listen(engine, "connect", _postgres_session)
    return engine


def _postgres_session(dbapi_conn: Any, _record: Any) -> None:
    # A session a stuck or crashed handler left open must not sit "idle in transaction" holding locks for ever.
    cur = dbapi_conn.cursor()
    cur.execute(f"SET idle_in_transaction_session_timeout = {IDLE_IN_TRANSACTION_MS}")
    cur.close()
    dbapi_conn.commit()


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
