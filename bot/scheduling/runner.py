"""Scheduling inside `pathbot run`: the every-minute job and the delivery worker.

Adapters wrap their serving loop in `scheduling(...)`:

    async with scheduling(core, engine, {"discord": sender}):
        await serve_forever()
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from datetime import UTC

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.scheduling.delivery import DeliveryWorker
from bot.scheduling.failures import act_on
from bot.scheduling.jobs import enqueue_due
from bot.scheduling.locks import AlwaysLeader, LeaderLock, acquire_sqlite_lock
from bot.scheduling.planning import ScheduleConfig
from bot.scheduling.ratelimit import TokenBucket
from bot.scheduling.retry import RetryPolicy
from bot.scheduling.senders import Sender
from bot.services.context import Core

log = logging.getLogger(__name__)

#: Requests per second per platform: under Discord's global 50/s, Slack's ~1/s per channel
#: bursts (chat.postMessage's special tier allows short bursts over many channels).
DEFAULT_RATES = {"discord": 45.0, "slack": 10.0, "console": 1000.0}
#: How long stopping waits for the delivery loops to finish the rows they hold, inside a
#: 10 s SIGTERM budget. A send still running then is cancelled: its row stays pending and
#: is sent again, with the same idempotency key, by the next process.
STOP_GRACE_S = 7.0


@dataclass
class Scheduling:
    """What is running; `tick()` runs the scheduler job once (when this process leads)."""

    core: Core
    worker: DeliveryWorker
    leader: LeaderLock | AlwaysLeader
    config: ScheduleConfig
    rates: Mapping[str, float] | None = None

    def connect(self, platform: str, sender: Sender, rate_per_s: float | None = None) -> None:
        """Start delivering a platform that connected after scheduling began, at its
        default rate or at `rate_per_s` (this process's share of the platform's budget)."""
        rates = {**(self.rates or {}), **({platform: rate_per_s} if rate_per_s else {})}
        limiter = make_limiters([platform], rates)[platform]
        self.worker.add_sender(platform, sender, limiter)
        log.info(
            "delivering %s at up to %g messages a second",
            platform,
            limiter.rate,
            extra={"fields": {"platform": platform, "rate_per_s": limiter.rate}},
        )

    async def tick(self) -> int:
        if not await self.leader.try_acquire():
            return 0
        now = self.core.clock.now()
        async with self.core.sessions() as db, db.begin():
            enqueued = await enqueue_due(db, self.core, now, self.config)
        if enqueued:
            log.info("scheduler: %s message(s) enqueued", enqueued)
        return enqueued


def make_limiters(
    platforms: list[str], rates: Mapping[str, float] | None
) -> dict[str, TokenBucket]:
    chosen = {**DEFAULT_RATES, **(rates or {})}
    return {platform: TokenBucket(chosen.get(platform, 10.0)) for platform in platforms}


@asynccontextmanager
async def scheduling(
    core: Core,
    engine: AsyncEngine,
    senders: Mapping[str, Sender],
    *,
    config: ScheduleConfig | None = None,
    rates: Mapping[str, float] | None = None,
    policy: RetryPolicy | None = None,
    tick_seconds: float = 60.0,
) -> AsyncIterator[Scheduling]:
    """Run the scheduler job and the delivery worker for the life of the block.

    Raises `AlreadyRunning` on SQLite when another process has the database.
    """
    process_lock = acquire_sqlite_lock(engine)
    leader: LeaderLock | AlwaysLeader = AlwaysLeader() if process_lock else LeaderLock(engine)
    worker = DeliveryWorker(
        core.sessions,
        senders,
        core.clock,
        limiters=make_limiters(list(senders), rates),
        policy=policy,
        metrics=core.metrics,
        on_failure=act_on,
    )
    state = Scheduling(core, worker, leader, config or ScheduleConfig(), rates)
    stop = asyncio.Event()
    scheduler = AsyncIOScheduler(timezone=UTC)

    async def job() -> None:
        try:
            await state.tick()
        except Exception:
            # One bad minute must not stop the next one; the next run catches up.
            log.exception("scheduler run failed")

    scheduler.add_job(
        job,
        IntervalTrigger(seconds=tick_seconds),
        coalesce=True,
        max_instances=1,
        misfire_grace_time=int(tick_seconds),
    )
    delivery = asyncio.create_task(worker.run(stop), name="outbox-delivery")
    try:
        await job()
        scheduler.start()
        role = "leader" if leader.held else "follower"
        log.info(
            "scheduler %s: %s",
            role,
            "this process queues the scheduled messages"
            if leader.held
            else "another process queues; this one delivers and takes over if it goes",
            extra={"fields": {"scheduler": role}},
        )
        yield state
    finally:
        stop.set()
        if scheduler.running:  # not yet, when stopped (SIGTERM) during the first run
            scheduler.shutdown(wait=False)
        # Let each delivery loop finish the row it holds (and commit its outcome) rather
        # than cancel it mid-transaction: a cancelled SQLite rollback can leave the
        # connection's worker waiting forever, and a finished send needs no resend.
        try:
            await asyncio.wait_for(asyncio.shield(delivery), timeout=STOP_GRACE_S)
        except TimeoutError:
            delivery.cancel()
            with suppress(asyncio.CancelledError):
                await delivery
        await leader.release()
        if process_lock is not None:
            process_lock.release()
