"""Alembic environment: runs on a connection handed over by bot.storage.migrate.

Run through `pathbot db …` (or start-up), never the bare `alembic` command: the
connection comes from pathbot's own async engine.
"""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection

# Imported for their side effect: every table, the outbox's too, on Base.metadata.
import bot.storage.models
import bot.storage.outbox  # noqa: F401
from bot.storage.base import Base

target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite can only alter tables by copying them; batch mode does that for us.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def _run_from_url(url: str) -> None:
    from bot.storage.engine import make_engine

    async def go() -> None:
        engine = make_engine(url)
        async with engine.begin() as connection:
            await connection.run_sync(_run)
        await engine.dispose()

    asyncio.run(go())


connection = context.config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    url = context.config.get_main_option("sqlalchemy.url")
    if not url:
        raise SystemExit("use `pathbot db upgrade` (it passes the database connection)")
    _run_from_url(url)
