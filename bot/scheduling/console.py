"""Scheduled messages for the console chat, which has no background worker of its own.

The console calls `due_messages` between commands: the scheduler runs once at
that instant and whatever is due for console workspaces is delivered and
returned for printing, through the same outbox as every platform.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from bot.clock import FakeClock
from bot.scheduling.delivery import DeliveryWorker
from bot.scheduling.planning import ScheduleConfig
from bot.scheduling.senders import RecordingSender
from bot.scheduling.simulate import Delivered, tick
from bot.services.context import Core
from bot.storage.models import Workspace
from bot.storage.outbox import OutboxMessage


async def due_messages(
    core: Core, now: datetime | None = None, config: ScheduleConfig | None = None
) -> list[Delivered]:
    """Enqueue what is due at `now` (default: the core's clock) and deliver the console's share."""
    now = now or core.clock.now()
    sender = RecordingSender(platform="console")
    worker = DeliveryWorker(core.sessions, {"console": sender}, FakeClock(now))
    await tick(core, worker, now, config)
    if not sender.sent:
        return []
    keys = [sent.idempotency_key for sent in sender.sent]
    async with core.sessions() as db:
        rows = await db.execute(
            select(OutboxMessage, Workspace.external_id)
            .join(Workspace, Workspace.id == OutboxMessage.workspace_id)
            .where(OutboxMessage.idempotency_key.in_(keys))
        )
        by_key = {row.idempotency_key: (row, external) for row, external in rows.all()}
    # Printed in the order they went out, which only the sender knows.
    return [
        Delivered.of(*by_key[sent.idempotency_key], now, sent.reply.text()) for sent in sender.sent
    ]
