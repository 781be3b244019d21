"""Each member's latest day with a check-in or a log, kept on their row as they happen
(`members.last_active_on`), so who-is-slipping reads one column, not every log."""

from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, case, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from bot.storage.models import CheckIn, HourLog, Member


async def touch(db: AsyncSession, member: Member, day: date) -> None:
    """`day` had activity: the latest day moves to it if it is later (one atomic UPDATE,
    so a log and a check-in at the same moment cannot undo each other). The loaded
    member is left holding the day the row now has."""
    later = (Member.last_active_on.is_(None)) | (Member.last_active_on < day)
    latest = await db.scalar(
        update(Member)
        .where(Member.id == member.id)
        .values(last_active_on=case((later, day), else_=Member.last_active_on))
        .returning(Member.last_active_on)
        .execution_options(synchronize_session=False)
    )
    set_committed_value(member, "last_active_on", latest)


def latest_day() -> ColumnElement[date | None]:
    """Each member's latest day with a check-in or a log, read from the rows: an
    expression on `members` (two correlated maxima, which SQLite can do where a
    correlated UNION in FROM it cannot)."""
    last_log = (
        select(func.max(HourLog.local_date)).where(HourLog.member_id == Member.id).scalar_subquery()
    )
    last_check = (
        select(func.max(CheckIn.local_date)).where(CheckIn.member_id == Member.id).scalar_subquery()
    )
    return case(
        (last_log.is_(None), last_check),
        ((last_check.is_(None)) | (last_log > last_check), last_log),
        else_=last_check,
    )


async def recount(db: AsyncSession, member: Member) -> None:
    """After activity was removed (/undo): the latest day left, read from the rows (and
    left on the loaded member)."""
    latest = await db.scalar(
        update(Member)
        .where(Member.id == member.id)
        .values(last_active_on=latest_day())
        .returning(Member.last_active_on)
        .execution_options(synchronize_session=False)
    )
    set_committed_value(member, "last_active_on", latest)
