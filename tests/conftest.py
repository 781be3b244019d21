"""Shared fixtures: a migrated database on SQLite and on PostgreSQL.

`database` is parametrized over both backends. The schema is created once per
session per backend (with the real migrations); each test gets a fresh engine
on emptied tables. PostgreSQL runs in a uniquely named database created from
PATHBOT_TEST_POSTGRES_URL and dropped at the end, so engineers sharing the
server never touch each other's tables.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.storage import migrate
from bot.storage.base import Base
from bot.storage.engine import make_engine, make_sessions

POSTGRES_ENV = "PATHBOT_TEST_POSTGRES_URL"


@dataclass(frozen=True)
class Database:
    """A migrated, empty database for one test."""

    backend: str
    url: str
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]


def _migrate(url: str) -> None:
    async def go() -> None:
        engine = make_engine(url)
        try:
            await migrate.upgrade(engine)
        finally:
            await engine.dispose()

    asyncio.run(go())


def _admin(url: str, statement: str) -> None:
    async def go() -> None:
        engine = make_engine(url, isolation_level="AUTOCOMMIT")
        try:
            async with engine.connect() as connection:
                await connection.execute(text(statement))
        finally:
            await engine.dispose()

    asyncio.run(go())


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A migrated SQLite file for the whole session."""
    path: Path = tmp_path_factory.mktemp("db") / "pathbot.db"
    url = f"sqlite+aiosqlite:///{path}"
    _migrate(url)
    return url


@pytest.fixture(scope="session")
def postgres_server_url() -> str:
    """PATHBOT_TEST_POSTGRES_URL, or skip."""
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        pytest.skip(
            f"{POSTGRES_ENV} is not set (e.g. postgresql+asyncpg://postgres@127.0.0.1/test)"
        )
    return url


@pytest.fixture(scope="session")
def postgres_url(postgres_server_url: str) -> Iterator[str]:
    """A uniquely named, migrated PostgreSQL database, dropped after the session."""
    name = f"pathbot_test_{uuid.uuid4().hex[:12]}"
    _admin(postgres_server_url, f'CREATE DATABASE "{name}"')
    url = make_url(postgres_server_url).set(database=name).render_as_string(hide_password=False)
    try:
        _migrate(url)
        yield url
    finally:
        _admin(postgres_server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def _empty(engine: AsyncEngine, backend: str) -> None:
    tables = [table.name for table in reversed(Base.metadata.sorted_tables)]
    async with engine.begin() as connection:
        if backend == "postgres":
            await connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                await connection.execute(text(f"DELETE FROM {table}"))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def database(request: pytest.FixtureRequest) -> AsyncIterator[Database]:
    """A migrated, emptied database on each backend (PostgreSQL skipped when unset)."""
    backend: str = request.param
    url: str = request.getfixturevalue(f"{backend}_url")
    engine = make_engine(url)
    await _empty(engine, backend)
    try:
        yield Database(backend, url, engine, make_sessions(engine))
    finally:
        await engine.dispose()
