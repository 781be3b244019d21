"""Remembered DM channels: opening one is rate limited (Discord 40003, Slack Tier 3),
so each is opened once and kept in the database rather than in a process's memory."""

from __future__ import annotations

from typing import Protocol

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.storage.atomic import upsert
from bot.storage.models.dm_channels import DmChannel


class DmChannelStore(Protocol):
    """What an adapter needs: a member's remembered DM channel, and remembering one."""

    async def get(self, user_id: str) -> str | None: ...

    async def put(self, user_id: str, channel_id: str) -> None: ...


class DmChannels:
    """One platform's remembered DM channels, for its adapter."""

    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], platform: str, clock: Clock
    ) -> None:
        self._sessions = sessions
        self._platform = platform
        self._clock = clock

    async def get(self, user_id: str) -> str | None:
        async with self._sessions() as db:
            return await db.scalar(
                select(DmChannel.channel_id).where(
                    DmChannel.platform == self._platform, DmChannel.user_id == user_id
                )
            )

    async def put(self, user_id: str, channel_id: str) -> None:
        async with self._sessions() as db, db.begin():
            values = {
                "platform": self._platform,
                "user_id": user_id,
                "channel_id": channel_id,
                "opened_at": self._clock.now(),
            }
            await db.execute(
                upsert(db, DmChannel)
                .values(**values)
                .on_conflict_do_update(
                    index_elements=["platform", "user_id"], set_={"channel_id": channel_id}
                )
            )
