"""Alembic, driven from code so `pathbot db …` works from any directory.

Migrations run on a connection of the async engine (`run_sync`), which env.py
picks up from `config.attributes`; the same path serves the CLI, start-up and
the tests.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.storage.engine import is_sqlite

#: migrations/ sits next to the `bot` package in the repository (and the editable install).
MIGRATIONS_DIR = Path(__file__).resolve().parent.parent.parent / "migrations"


class DatabaseNotReady(RuntimeError):
    """The database is behind the code; its message names the command to run."""


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    await _run(engine, lambda config: command.upgrade(config, revision))


async def downgrade(engine: AsyncEngine, revision: str = "-1") -> None:
    await _run(engine, lambda config: command.downgrade(config, revision))


async def current_revision(engine: AsyncEngine) -> str | None:
    async with engine.connect() as connection:
        return await connection.run_sync(_current)


async def prepare(engine: AsyncEngine, url: str) -> None:
    """What start-up does: migrate SQLite; refuse a PostgreSQL database that is behind."""
    if is_sqlite(url):
        await upgrade(engine)
        return
    current, head = await current_revision(engine), head_revision()
    if current != head:
        state = "not migrated" if current is None else f"at revision {current}, not {head}"
        raise DatabaseNotReady(f"the database is {state}: run `pathbot db upgrade` first")


def _current(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


async def _run(engine: AsyncEngine, action: Callable[[Config], None]) -> None:
    def in_sync(connection: Connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        action(config)

    if engine.dialect.name != "sqlite":
        async with engine.begin() as connection:
            await connection.run_sync(in_sync)
        return
    # SQLite changes a table by copying it to a new one and dropping the old (Alembic's
    # batch mode); with foreign keys on, that DROP would cascade and delete every row
    # pointing at it (a downgrade of `members` would take the hour logs with it). The
    # pragma is ignored inside a transaction, so it is set before the migration's.
    async with engine.connect() as connection:
        await connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        await connection.commit()
        try:
            async with connection.begin():
                await connection.run_sync(in_sync)
        finally:
            await connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            await connection.commit()
