"""Known people on one platform, read and written for its adapter."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.storage.atomic import upsert
from bot.storage.models.known_people import KnownPerson


@dataclass(frozen=True, slots=True)
class Known:
    display_name: str
    is_admin: bool
    timezone: str | None
    refreshed_at: datetime


class KnownPeople:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], platform: str) -> None:
        self._sessions = sessions
        self._platform = platform

    async def get(self, workspace: str, user_id: str) -> Known | None:
        async with self._sessions() as db:
            row = await db.get(KnownPerson, (self._platform, workspace, user_id))
            if row is None:
                return None
            return Known(row.display_name, row.is_admin, row.timezone, row.refreshed_at)

    async def put(self, workspace: str, user_id: str, known: Known) -> None:
        values = {
            "display_name": known.display_name[:200],
            "is_admin": known.is_admin,
            "timezone": known.timezone,
            "refreshed_at": known.refreshed_at,
        }
        async with self._sessions() as db, db.begin():
            await db.execute(
                upsert(db, KnownPerson)
                .values(platform=self._platform, workspace=workspace, user_id=user_id, **values)
                .on_conflict_do_update(
                    index_elements=["platform", "workspace", "user_id"], set_=values
                )
            )
