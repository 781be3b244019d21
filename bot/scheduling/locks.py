"""Who may schedule: one process on SQLite, one leader among many on PostgreSQL."""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

log = logging.getLogger(__name__)

#: The advisory lock key of the scheduler leader ("path" in ASCII).
LEADER_KEY = 0x70617468


class AlreadyRunning(RuntimeError):
    """Another process holds the SQLite database; the message says what to do."""


def sqlite_lock_path(url: str | URL) -> Path | None:
    """The lock file beside an SQLite database file; None for other databases."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database + ".lock").resolve()


def acquire_sqlite_lock(engine: AsyncEngine) -> ProcessLock | None:
    """Take the single-process lock of an SQLite database (raises `AlreadyRunning` if
    another process holds it); None for other databases, which need no such lock."""
    path = sqlite_lock_path(engine.url)
    if path is None:
        return None
    lock = ProcessLock(path)
    lock.acquire()
    return lock


class ProcessLock:
    """An exclusive flock: the OS drops it when the process dies, even on SIGKILL."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise AlreadyRunning(
                f"another pathbot process is already using this SQLite database "
                f"(lock {self.path}); SQLite serves one process: stop the other one, "
                f"or use PostgreSQL to run several"
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


class LeaderLock:
    """A PostgreSQL session-level advisory lock on a connection of its own.

    Whoever holds it runs the scheduler. If the holder dies its connection
    closes, PostgreSQL drops the lock, and the next `try_acquire` elsewhere wins.
    """

    def __init__(self, engine: AsyncEngine, key: int = LEADER_KEY) -> None:
        self._engine = engine
        self._key = key
        self._connection: AsyncConnection | None = None

    @property
    def held(self) -> bool:
        return self._connection is not None

    async def try_acquire(self) -> bool:
        """True while this process leads; checks a held lock's connection is still alive."""
        if self._connection is not None:
            try:
                await self._connection.execute(text("SELECT 1"))
                await self._connection.commit()
                return True
            except (DBAPIError, OperationalError):
                log.warning("lost the scheduler lock's connection; leadership given up")
                await self._drop()
        connection = await self._engine.connect()
        try:
            got = await connection.scalar(
                text("SELECT pg_try_advisory_lock(:key)"), {"key": self._key}
            )
            # The lock outlives the transaction; don't sit idle inside one.
            await connection.commit()
        except BaseException:
            await connection.close()
            raise
        if got:
            self._connection = connection
            return True
        await connection.close()
        return False

    async def release(self) -> None:
        if self._connection is not None:
            try:
                await self._connection.execute(
                    text("SELECT pg_advisory_unlock(:key)"), {"key": self._key}
                )
                await self._connection.commit()
            finally:
                await self._drop()

    async def _drop(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            with contextlib.suppress(DBAPIError, OperationalError):
                await connection.close()


class AlwaysLeader:
    """SQLite: the process lock already makes this process the only one."""

    @property
    def held(self) -> bool:
        return True

    async def try_acquire(self) -> bool:
        return True

    async def release(self) -> None:
        return None
