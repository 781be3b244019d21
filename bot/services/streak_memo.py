"""Each member's streak through their last active day, kept on their row.

`members.streak_days` is the streak counted through `members.streak_through`, and is
trusted only while that day is still the member's `last_active_on`: a check-in, a
log or an undo works it out again (the member's lock is held, see Dispatcher), and
whatever changes a streak's inputs after the fact (a pause, a new start or pace, the
workspace's freezes) forgets it. Readers that find it forgotten work the streak out
from the logs, as before it was kept. So who-is-slipping reads a column for the
10,000 members who were active yesterday instead of three weeks of their logs.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from bot.services.context import Core
from bot.services.streaks import active_dates_by_member, compute_streaks
from bot.services.timeline import calendar_for
from bot.storage.models import Member, Workspace


async def refresh(db: AsyncSession, core: Core, member: Member) -> int | None:
    """Work the streak out through the member's last active day and keep it; returns it
    (None without any activity)."""
    # last_active.touch moves the day with an UPDATE, so the loaded row may be behind.
    last = await db.scalar(select(Member.last_active_on).where(Member.id == member.id))
    set_committed_value(member, "last_active_on", last)
    if last is None:
        forget(member)
        return None
    freezes = await db.scalar(
        select(Workspace.streak_freezes_per_week).where(Workspace.id == member.workspace_id)
    )
    dates = (await active_dates_by_member(db, [member.id]))[member.id]
    calendar = calendar_for(member, core.curriculum, last)
    streak = compute_streaks(calendar, last, dates, freezes or 0, member.counts_from).current
    member.streak_days = streak
    member.streak_through = last
    return streak


def forget(member: Member) -> None:
    """The member's streak inputs changed (a pause, a start, a pace): read it from the
    logs until their next activity keeps it again."""
    member.streak_through = None


async def forget_workspace(db: AsyncSession, workspace_id: int) -> None:
    """The workspace's freezes changed, and with them every member's past streak."""
    await db.execute(
        update(Member)
        .where(Member.workspace_id == workspace_id)
        .values(streak_through=None)
        .execution_options(synchronize_session="fetch")
    )
