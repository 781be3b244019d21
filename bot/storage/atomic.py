"""What makes a change atomic on both databases: upserts, a member's row lock, retries.

SQLite serialises writers itself (every command that writes begins IMMEDIATE, see
`bot.storage.engine`); PostgreSQL runs them side by side under READ COMMITTED, so a
find-then-insert or a read-then-write needs one of these to stay correct there.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import Member

#: PostgreSQL's serialization_failure and deadlock_detected: the transaction may simply rerun.
_RETRYABLE_SQLSTATES = frozenset({"40001", "40P01"})


def upsert(db: AsyncSession, table: Any) -> Any:
    """`INSERT` for the session's dialect, with `on_conflict_do_nothing`/`_do_update`."""
    dialect = db.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


async def lock_member(db: AsyncSession, workspace_id: int, user_id: str) -> None:
    """Hold a member's row until the transaction ends, so their changes run one at a time.

    Totals, the day's 24 h cap, the last log /undo removes and the day's check-in are
    all read-then-write: two commands of one member must not interleave. On SQLite the
    IMMEDIATE transaction already holds the database's only write lock.
    """
    if db.get_bind().dialect.name != "postgresql":
        return
    await db.execute(
        select(Member.id)
        .where(Member.workspace_id == workspace_id, Member.user_id == user_id)
        .with_for_update()
    )


def is_transient(error: DBAPIError) -> bool:
    """A conflict with another transaction that rerunning the command resolves."""
    if isinstance(error, IntegrityError):
        # Two first contacts inserting the same row: the rerun finds it.
        return True
    if isinstance(error, OperationalError) and "database is locked" in str(error.orig):
        return True
    state = getattr(error.orig, "sqlstate", None) or getattr(error.orig, "pgcode", None)
    return state in _RETRYABLE_SQLSTATES


def is_unreachable(error: BaseException) -> bool:
    """The database itself is gone (network down, server restarting), not a conflict."""
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return True
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError):  # refused, reset, unreachable
            return True
        # asyncpg's ConnectionDoesNotExistError and its kin, without importing asyncpg.
        if type(current).__name__ in _CONNECTION_LOST:
            return True
        orig = getattr(current, "orig", None)
        current = orig if isinstance(orig, BaseException) else current.__cause__
    return False


_CONNECTION_LOST = frozenset(
    {"ConnectionDoesNotExistError", "CannotConnectNowError", "ConnectionFailureError"}
)
