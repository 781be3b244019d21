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
import shutil
import uuid
from collections.abc import AsyncIterator, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.caller import Caller, Platform
from bot.clock import FakeClock
from bot.commands.dispatcher import Dispatcher
from bot.config import DEFAULT_CURRICULUM
from bot.curriculum.loader import load_curriculum
from bot.curriculum.models import Curriculum
from bot.replies import Reply
from bot.services.context import Core
from bot.storage import migrate
from bot.storage.base import Base
from bot.storage.engine import make_engine, make_sessions

POSTGRES_ENV = "PATHBOT_TEST_POSTGRES_URL"


@pytest.fixture(autouse=True)
def _no_ask_warm_up(monkeypatch: pytest.MonkeyPatch) -> None:
    """`pathbot run` builds the /ask index in the background at start (~15 s of CPU);
    the tests that serve a platform have no use for it. tests/integration/
    test_rag_warm_up.py turns it on."""
    monkeypatch.setenv("PATHBOT_ASK_WARM_UP", "false")


@pytest.fixture(autouse=True)
def _any_free_http_port(monkeypatch: pytest.MonkeyPatch) -> None:
    """`pathbot run` serves /healthz and /metrics; in tests on a port the OS picks."""
    monkeypatch.setenv("PATHBOT_HTTP_PORT", "0")


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

    _run_isolated(go())


def _admin(url: str, statement: str) -> None:
    async def go() -> None:
        engine = make_engine(url, isolation_level="AUTOCOMMIT")
        try:
            async with engine.connect() as connection:
                await connection.execute(text(statement))
        finally:
            await engine.dispose()

    _run_isolated(go())


def _run_isolated(work: Coroutine[Any, Any, None]) -> None:
    # Session fixtures may be first requested from inside a running event loop
    # (a test's), so set-up runs its own loop in a worker thread.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, work).result()


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
    """Delete every row of every table but alembic_version, other engineers' tables too."""
    async with engine.begin() as connection:
        present = set(await connection.run_sync(lambda sync: inspect(sync).get_table_names()))
        known = [table.name for table in reversed(Base.metadata.sorted_tables)]
        # Tables this session's models don't know (another feature's) may point at ours.
        tables = sorted(present - set(known) - {"alembic_version"}) + [
            name for name in known if name in present
        ]
        if not tables:
            return
        if backend == "postgres":
            quoted = ", ".join(f'"{name}"' for name in tables)
            await connection.execute(text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                await connection.execute(text(f'DELETE FROM "{table}"'))


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


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def own_database(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    """Like `database`, but on SQLite a migrated file of this test's own.

    For tests that take the SQLite single-process lock or start `pathbot`
    processes: a process that outlives a failed test then cannot lock every
    later test out of the shared session file.
    """
    backend: str = request.param
    url: str = request.getfixturevalue(f"{backend}_url")
    if backend == "sqlite":
        own = tmp_path / "own.db"
        shutil.copyfile(make_url(url).database or "", own)
        url = f"sqlite+aiosqlite:///{own}"
    engine = make_engine(url)
    await _empty(engine, backend)
    try:
        yield Database(backend, url, engine, make_sessions(engine))
    finally:
        await engine.dispose()


@pytest.fixture(scope="session")
def shipped_curriculum() -> Curriculum:
    """The repository's default 16-week path."""
    return load_curriculum(DEFAULT_CURRICULUM)


@dataclass
class Bot:
    """The core over a test database, with a clock that only moves when told."""

    database: Database
    clock: FakeClock
    core: Core
    dispatcher: Dispatcher

    async def say(self, caller: Caller, line: str) -> Reply:
        return await self.dispatcher.handle(caller, line)

    async def snapshot(self) -> dict[str, list[tuple[object, ...]]]:
        """Every row of every table, to prove a refusal changed nothing."""
        rows: dict[str, list[tuple[object, ...]]] = {}
        async with self.database.engine.connect() as connection:
            for table in Base.metadata.sorted_tables:
                result = await connection.execute(table.select().order_by(*table.primary_key))
                rows[table.name] = [tuple(row) for row in result]
        return rows


@pytest.fixture
def pathbot(database: Database, shipped_curriculum: Curriculum) -> Bot:
    """A Dispatcher on both backends; the clock starts Wed 2027-01-06 12:00 UTC."""
    clock = FakeClock(datetime(2027, 1, 6, 12, tzinfo=UTC))
    core = Core(database.sessions, clock, shipped_curriculum)
    return Bot(database, clock, core, Dispatcher(core))


def caller_for(user: str, workspace: str = "w1", *, admin: bool = False) -> Caller:
    """A console caller, for tests."""
    return Caller(Platform.CONSOLE, workspace, user, user.title(), is_platform_admin=admin)
