"""PostgreSQL going away and coming back mid-run, through a proxy the test cuts.

Commands answer one friendly line while it is down; nothing is lost or sent twice;
the bot recovers without a restart.
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from bot.clock import FakeClock
from bot.commands.dispatcher import Dispatcher
from bot.curriculum.models import Curriculum
from bot.scheduling.delivery import DeliveryWorker
from bot.scheduling.jobs import enqueue_due
from bot.scheduling.senders import RecordingSender
from bot.services.context import Core
from bot.storage.engine import make_engine, make_sessions
from bot.storage.models import HourLog
from bot.storage.outbox import OutboxMessage
from tests.conftest import Database, caller_for
from tests.fakes.tcp_proxy import running_proxy


async def test_commands_and_deliveries_survive_the_database_going_away(
    database: Database, shipped_curriculum: Curriculum
) -> None:
    if database.backend != "postgres":
        pytest.skip("a network between the bot and its database is PostgreSQL's")
    url = make_url(database.url)
    ada = caller_for("ada")
    clock = FakeClock(datetime(2027, 1, 4, 12, tzinfo=UTC))
    sender = RecordingSender()
    async with running_proxy(url.host or "127.0.0.1", url.port or 5432) as proxy:
        through = url.set(host="127.0.0.1", port=proxy.port)
        engine = make_engine(through.render_as_string(hide_password=False))
        try:
            core = Core(make_sessions(engine), clock, shipped_curriculum)
            dispatcher = Dispatcher(core)
            assert (await dispatcher.handle(ada, "/join 2027-01-04 UTC 09:00")).ok
            async with core.sessions() as db, db.begin():
                queued = await enqueue_due(db, core, clock.now())  # her 09:00 reminder
            assert (await dispatcher.handle(ada, "/log 1h")).ok

            proxy.cut()
            down = await dispatcher.handle(ada, "/log 2h")
            stop = asyncio.Event()
            worker = DeliveryWorker(core.sessions, {"console": sender}, clock, poll_interval_s=0.05)
            delivering = asyncio.create_task(worker.run(stop))
            await asyncio.sleep(0.5)  # the worker keeps trying against a dead database
            sent_while_down = len(sender.sent)

            proxy.restore()
            back = await dispatcher.handle(ada, "/log 30m")
            for _ in range(100):
                if sender.sent:
                    break
                await asyncio.sleep(0.05)
            stop.set()
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(delivering, timeout=10)
        finally:
            await engine.dispose()

    assert not down.ok
    assert down.lines == ["I can't reach my database right now: please try again in a minute"]
    assert back.ok, back
    assert queued == 1  # today's reminder
    assert sent_while_down == 0
    assert len(sender.sent) == 1  # delivered once, after the database came back
    async with database.sessions() as db:
        assert await db.scalar(select(func.sum(HourLog.minutes))) == 90  # 1h + 30m, not 2h
        statuses = list(await db.scalars(select(OutboxMessage.status)))
    assert statuses == ["sent"]
