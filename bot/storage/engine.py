"""Async engines and sessions for SQLite (aiosqlite) and PostgreSQL (asyncpg)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Connection, event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def make_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """An async engine; on SQLite, foreign keys (and so cascades) are switched on."""
    if is_sqlite(url):
        database = make_url(url).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
    if not is_sqlite(url):
        # A connection the server (or the network) dropped is found at checkout and
        # replaced, so the bot recovers by itself when the database comes back.
        kwargs.setdefault("pool_pre_ping", True)
    engine = create_async_engine(url, **kwargs)
    if is_sqlite(url):
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        event.listen(engine.sync_engine, "begin", _sqlite_begin)
    return engine


#: Execution option: `True` begins a SQLite transaction IMMEDIATE, taking the database's
#: write lock before its first read (see `_sqlite_begin`).
SQLITE_IMMEDIATE = "pathbot_sqlite_immediate"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    # WAL lets the scheduler read while a command writes.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    """A command that writes reads and writes as one unit; everything else as before.

    The driver's own handling sends BEGIN only before the first write, so reads run
    outside the transaction: two /undo could both read the same last log. A command
    that writes (the dispatcher asks) begins IMMEDIATE instead and queues for SQLite's
    single write lock (up to the driver's 5 s busy timeout) before it reads. Other
    transactions keep the driver's way, which never holds a lock across a read: the
    delivery worker sends inside its transaction, and must not block commands meanwhile.
    """
    immediate = bool(connection.get_execution_options().get(SQLITE_IMMEDIATE, False))
    driver = connection.connection.dbapi_connection
    assert driver is not None  # a connection that begins is checked out
    wanted = None if immediate else ""
    if driver.isolation_level != wanted:
        driver.isolation_level = wanted
    if immediate:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)
