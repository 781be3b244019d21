"""Has this platform request been handled already? (Slack retries what it thinks timed out.)

Slack redelivers an event with the same `event_id` (and `X-Slack-Retry-Num`), and a
signed request replayed inside its five-minute window carries the same `trigger_id`.
The first to insert its key wins; kept in the database, so two processes on one
PostgreSQL agree; keys older than an hour are dropped (Slack retries for ~5 minutes).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.atomic import upsert
from bot.storage.models import SeenRequest

KEEP = timedelta(hours=1)


async def first_time(db: AsyncSession, key: str, now: datetime) -> bool:
    await db.execute(delete(SeenRequest).where(SeenRequest.seen_at < now - KEEP))
    result = await db.execute(
        upsert(db, SeenRequest)
        .values(key=key[:200], seen_at=now)
        .on_conflict_do_nothing(index_elements=["key"])
    )
    return bool(getattr(result, "rowcount", 0))
