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

from collections.abc import Collection
from datetime import date

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.curriculum.models import Curriculum
from bot.services.context import Core
from bot.services.streaks import active_dates_by_member, compute_streaks
from bot.services.timeline import calendar_for
from bot.storage.models import Member, Workspace


async def refresh(db: AsyncSession, core: Core, member: Member) -> int | None:
    """Work the streak out through the member's last active day and keep it; returns it
    (None without any activity)."""
    # The loaded member's day is the row's: bot.services.last_active keeps it so.
    last = member.last_active_on
    if last is None:
        forget(member)
        return None
    workspace = await db.get(Workspace, member.workspace_id)  # the command's, loaded
    assert workspace is not None  # a member's workspace goes only with the member
    dates = (await active_dates_by_member(db, [member.id]))[member.id]
    streak = through_last_day(member, core.curriculum, workspace.streak_freezes_per_week, dates)
    member.streak_days = streak
    member.streak_through = last
    return streak


def through_last_day(
    member: Member, curriculum: Curriculum, freezes: int, dates: Collection[date]
) -> int:
    """The member's streak through their last active day, from all their active dates:
    what is kept, and what the kept one is checked against (bot.services.integrity)."""
    last = member.last_active_on
    assert last is not None
    calendar = calendar_for(member, curriculum, last)
    return compute_streaks(calendar, last, dates, freezes, member.counts_from).current


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
