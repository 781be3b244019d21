"""SIGKILL the delivering process mid fan-out, restart it: every message arrives once.

The kill lands while the platform has created a message but not yet answered,
the worst moment: the row is still pending, so the restarted process sends it
again with the same nonce, and the fake platform (like Discord with
`enforce_nonce`) hands back the original instead of creating a second one.
"""

from __future__ import annotations

import asyncio
import signal
from datetime import UTC, datetime

import pytest

from bot.scheduling import outbox
from bot.scheduling.locks import AlreadyRunning, ProcessLock, sqlite_lock_path
from tests.conftest import Database
from tests.fakes.delivery_server import (
    FakeDeliveryServer,
    FakeMessage,
    expected_contents,
    seed_reminders,
    start_delivery,
)

#: DeliveryWorker's default number of sends in flight per process.
IN_FLIGHT = 8
COUNT = 120
KILL_AT = 50
DUE = datetime(2020, 1, 6, 9, 0, tzinfo=UTC)  # long past: everything is due


@pytest.mark.slow
async def test_sigkill_halfway_then_restart_delivers_each_message_once(
    own_database: Database,
) -> None:
    database = own_database
    await seed_reminders(database.sessions, COUNT, DUE)
    reached, release = asyncio.Event(), asyncio.Event()

    async def hang_on_the_fiftieth(message: FakeMessage) -> None:
        if len(server.stats.created) == KILL_AT:
            reached.set()
            await release.wait()  # created on the platform, answer never arrives

    server = FakeDeliveryServer(limit_per_s=None, after_create=hang_on_the_fiftieth)
    api = await server.start()
    processes = []
    try:
        first = await start_delivery(database.url, api, rate=400)
        processes.append(first)
        await asyncio.wait_for(reached.wait(), timeout=60)
        first.send_signal(signal.SIGKILL)
        assert await first.wait() == -signal.SIGKILL
        release.set()

        second = await start_delivery(database.url, api, rate=400)
        processes.append(second)
        _, stderr = await asyncio.wait_for(second.communicate(), timeout=60)
        assert second.returncode == 0, stderr.decode()
    finally:
        await reap(processes)
        await server.close()

    contents = server.stats.per_content()
    assert set(contents) == expected_contents(COUNT)  # nothing lost
    assert max(contents.values()) == 1  # nothing twice
    # The message in flight at the kill was sent again and recognised by its nonce;
    # so may be the others the worker had in flight (created, not yet marked sent).
    assert 1 <= server.stats.nonce_replays <= IN_FLIGHT
    async with database.sessions() as session:
        assert await outbox.status_counts(session) == {
            "pending": 0,
            "sent": COUNT,
            "dead": 0,
            "expired": 0,
            "cancelled": 0,
        }


@pytest.mark.slow
async def test_transient_failures_are_retried_until_delivered(own_database: Database) -> None:
    database = own_database
    await seed_reminders(database.sessions, 30, DUE)
    server = FakeDeliveryServer(limit_per_s=None, fail_next=3)
    api = await server.start()
    processes = []
    try:
        process = await start_delivery(database.url, api, rate=400)
        processes.append(process)
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
        assert process.returncode == 0, stderr.decode()
    finally:
        await reap(processes)
        await server.close()
    assert server.stats.server_errors == 3
    assert set(server.stats.per_content()) == expected_contents(30)
    assert server.stats.duplicates() == 0


async def test_a_second_process_on_one_sqlite_database_refuses_to_start(
    own_database: Database,
) -> None:
    database = own_database
    path = sqlite_lock_path(database.url)
    if path is None:
        assert database.backend == "postgres"
        return
    holder = ProcessLock(path)
    holder.acquire()
    try:
        with pytest.raises(AlreadyRunning, match="another pathbot process"):
            ProcessLock(path).acquire()
        process = await start_delivery(database.url, "http://127.0.0.1:9/api/v10", rate=1)
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
        assert process.returncode == 1
        assert stderr.decode().count("\n") == 1
        assert "SQLite serves one process" in stderr.decode()
    finally:
        holder.release()
    again = ProcessLock(path)
    again.acquire()  # free again once the holder let go
    again.release()


async def reap(processes: list[asyncio.subprocess.Process]) -> None:
    """Kill what a failed test left running, so it can't hold the database's lock."""
    for process in processes:
        if process.returncode is None:
            process.kill()
            await process.wait()
