"""Each member's latest day with a check-in or a log, kept on their row as they happen
(`members.last_active_on`), so who-is-slipping reads one column, not every log."""

from __future__ import annotations

from datetime import date

from sqlalchemy import case, func, select, union_all, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import CheckIn, HourLog, Member


async def touch(db: AsyncSession, member_id: int, day: date) -> None:
    """`day` had activity: the latest day moves to it if it is later (one atomic UPDATE,
    so a log and a check-in at the same moment cannot undo each other)."""
    later = (Member.last_active_on.is_(None)) | (Member.last_active_on < day)
    await db.execute(
        update(Member)
        .where(Member.id == member_id)
        .values(last_active_on=case((later, day), else_=Member.last_active_on))
        .execution_options(synchronize_session=False)
    )


async def recount(db: AsyncSession, member_id: int) -> None:
    """After activity was removed (/undo): the latest day left, read from the rows."""
    activity = union_all(
        select(CheckIn.local_date.label("day")).where(CheckIn.member_id == member_id),
        select(HourLog.local_date.label("day")).where(HourLog.member_id == member_id),
    ).subquery()
    latest = select(func.max(activity.c.day)).scalar_subquery()
    await db.execute(
        update(Member)
        .where(Member.id == member_id)
        .values(last_active_on=latest)
        .execution_options(synchronize_session=False)
    )
