"""Two processes on one PostgreSQL database: no message is sent twice, one leader schedules."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from bot.scheduling import outbox
from bot.scheduling.locks import LeaderLock
from bot.storage.engine import make_engine
from tests.conftest import Database
from tests.fakes.delivery_server import (
    FakeDeliveryServer,
    expected_contents,
    seed_reminders,
    start_delivery,
)

COUNT = 400
DUE = datetime(2020, 1, 6, 9, 0, tzinfo=UTC)


@pytest.mark.postgres
@pytest.mark.slow
async def test_two_delivering_processes_never_send_a_message_twice(database: Database) -> None:
    if database.backend != "postgres":
        pytest.skip("several processes are a PostgreSQL deployment; SQLite refuses a second")
    await seed_reminders(database.sessions, COUNT, DUE)
    server = FakeDeliveryServer(limit_per_s=None)
    api = await server.start()
    try:
        processes = [await start_delivery(database.url, api, rate=300) for _ in range(2)]
        results = await asyncio.wait_for(
            asyncio.gather(*(process.communicate() for process in processes)), timeout=90
        )
    finally:
        await server.close()
    for process, (_, stderr) in zip(processes, results, strict=True):
        assert process.returncode == 0, stderr.decode()
    assert set(server.stats.per_content()) == expected_contents(COUNT)
    assert server.stats.duplicates() == 0
    # Not even a replayed nonce: SKIP LOCKED kept the two apart.
    assert server.stats.nonce_replays == 0
    async with database.sessions() as session:
        assert (await outbox.status_counts(session))["sent"] == COUNT


@pytest.mark.postgres
async def test_one_leader_at_a_time_and_a_dead_leader_is_replaced(database: Database) -> None:
    if database.backend != "postgres":
        pytest.skip("the advisory lock is PostgreSQL's")
    first_engine, second_engine = make_engine(database.url), make_engine(database.url)
    first, second = LeaderLock(first_engine, key=4242), LeaderLock(second_engine, key=4242)
    try:
        assert await first.try_acquire()
        assert await first.try_acquire()  # still ours
        assert not await second.try_acquire()
        # The leader's process "dies": its backend goes away without unlocking.
        async with database.engine.connect() as admin:
            await admin.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_locks"
                    " WHERE locktype = 'advisory' AND objid = 4242 AND granted"
                )
            )
        # Termination is asynchronous: poll (bounded) until PostgreSQL has dropped the lock.
        for _ in range(100):
            if await second.try_acquire():
                break
            await asyncio.sleep(0.05)
        assert second.held
        # The old leader notices its connection is gone and does not lead any more.
        assert not await first.try_acquire()
        assert not await LeaderLock(database.engine, key=4242).try_acquire()
    finally:
        await second.release()
        await first.release()
        await first_engine.dispose()
        await second_engine.dispose()
