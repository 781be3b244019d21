"""The migrations build exactly the schema the models describe, and undo cleanly."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection, make_url

from bot.storage import migrate
from bot.storage.base import Base
from bot.storage.engine import make_engine
from tests.conftest import _admin


def _diff(connection: Connection) -> list[object]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


async def _round_trip(url: str) -> None:
    engine = make_engine(url)
    try:
        await migrate.upgrade(engine)
        assert await migrate.current_revision(engine) == migrate.head_revision()
        async with engine.connect() as connection:
            assert await connection.run_sync(_diff) == []
        await migrate.downgrade(engine, "base")
        assert await migrate.current_revision(engine) is None
        async with engine.connect() as connection:
            assert await connection.run_sync(_tables) <= {"alembic_version"}
        await migrate.upgrade(engine)
        async with engine.connect() as connection:
            assert await connection.run_sync(_diff) == []
            assert "members" in await connection.run_sync(_tables)
    finally:
        await engine.dispose()


async def test_round_trip_on_sqlite(tmp_path: Path) -> None:
    await _round_trip(f"sqlite+aiosqlite:///{tmp_path / 'm.db'}")


async def test_round_trip_on_postgres(postgres_server_url: str) -> None:
    name = f"pathbot_mig_{uuid.uuid4().hex[:12]}"
    # _admin runs its own event loop; keep it off this one.
    await asyncio.to_thread(_admin, postgres_server_url, f'CREATE DATABASE "{name}"')
    try:
        url = make_url(postgres_server_url).set(database=name).render_as_string(False)
        await _round_trip(url)
    finally:
        await asyncio.to_thread(
            _admin, postgres_server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
        )


async def test_migrated_postgres_is_accepted(postgres_url: str) -> None:
    engine = make_engine(postgres_url)
    try:
        await migrate.prepare(engine, postgres_url)  # migrated: passes
    finally:
        await engine.dispose()


async def test_unmigrated_postgres_names_the_command(postgres_server_url: str) -> None:
    name = f"pathbot_mig_{uuid.uuid4().hex[:12]}"
    await asyncio.to_thread(_admin, postgres_server_url, f'CREATE DATABASE "{name}"')
    url = make_url(postgres_server_url).set(database=name).render_as_string(False)
    engine = make_engine(url)
    try:
        with pytest.raises(migrate.DatabaseNotReady, match="pathbot db upgrade"):
            await migrate.prepare(engine, url)
    finally:
        await engine.dispose()
        await asyncio.to_thread(
            _admin, postgres_server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
        )


async def test_sqlite_is_migrated_on_start(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'new' / 'pathbot.db'}"
    engine = make_engine(url)
    try:
        await migrate.prepare(engine, url)
        assert await migrate.current_revision(engine) == migrate.head_revision()
    finally:
        await engine.dispose()
