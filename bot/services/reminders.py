"""What the scheduler asks the core: who is due a reminder, and the weekly summary.

Plain results (dataclasses and replies), no platform code: the scheduler turns
them into outbox rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload
from sqlalchemy.sql import ColumnElement

from bot.curriculum.planner_models import DayStatus
from bot.replies import Reply, ReplyField
from bot.services.context import Core
from bot.services.hours import hours_text
from bot.services.leaderboard import Period, board, render
from bot.services.plan import member_day_plan, render_day
from bot.services.progress import days_text, member_progress, pace
from bot.services.streaks import active_dates_by_member
from bot.services.timeline import calendar_for
from bot.storage.models import Member, MemberStatus, Workspace


@dataclass(frozen=True)
class DueMember:
    member_id: int
    user_id: str
    display_name: str
    timezone: str
    reminder_time: time
    #: The member's local date the reminder is for (part of the outbox key).
    local_date: date
    #: They want the evening nudge (when the workspace sends one).
    nudges: bool = True
    #: Today's reminder put off until then (/snooze), if it was.
    snoozed_until: datetime | None = None


def dm_recipients(workspace_id: int) -> tuple[ColumnElement[bool], ...]:
    """Members who get scheduled DMs: active, and their DMs not known to fail (or off)."""
    return (
        Member.workspace_id == workspace_id,
        Member.status == MemberStatus.ACTIVE.value,
        Member.dm_off_reason.is_(None),
    )


async def members_due_reminder(db: AsyncSession, core: Core, workspace_id: int) -> list[DueMember]:
    """Active members on an active path day who have not checked in or logged today.

    Every such member is returned whatever their reminder time; the scheduler
    compares `reminder_time` with their local clock.
    """
    members = list(
        await db.scalars(
            select(Member).where(*dm_recipients(workspace_id)).options(selectinload(Member.pauses))
        )
    )
    todays = {member.id: core.local_today(member.timezone) for member in members}
    earliest = min(todays.values(), default=None)
    dates = await active_dates_by_member(db, [m.id for m in members], since=earliest)
    due = []
    for member in members:
        today = todays[member.id]
        status, _ = calendar_for(member, core.curriculum, today).locate(today)
        if status is not DayStatus.ACTIVE or today in dates[member.id]:
            continue
        if not member.reminder_days & (1 << today.weekday()):
            continue  # not one of the days they chose (/settings days)
        due.append(
            DueMember(
                member.id,
                member.user_id,
                member.display_name,
                member.timezone,
                member.reminder_time,
                today,
                member.nudges,
                member.snoozed_until if member.snooze_date == today else None,
            )
        )
    return due


async def reminder_day(db: AsyncSession, core: Core, member_id: int) -> Reply | None:
    """The member's plan for today as their reminder shows it (their own week target)."""
    member = await db.scalar(
        select(Member).where(Member.id == member_id).options(selectinload(Member.pauses))
    )
    return None if member is None else render_day(member_day_plan(core, member), core, None, member)


async def last_week_leaderboard(db: AsyncSession, core: Core, workspace: Workspace) -> Reply:
    return render(await board(db, core, workspace, Period.LAST))


async def weekly_summary(db: AsyncSession, core: Core, member_id: int) -> Reply | None:
    """Hours against the week's target, the streak and what next week holds."""
    member = await db.scalar(
        select(Member).where(Member.id == member_id).options(selectinload(Member.pauses))
    )
    if member is None:
        return None
    workspace = await db.get(Workspace, member.workspace_id)
    assert workspace is not None  # a member's workspace is a foreign key
    result = await member_progress(db, core, member, workspace)
    lines = [pace(result)]
    if result.week is not None and result.week < len(core.curriculum.weeks()):
        upcoming = core.curriculum.week(result.week + 1)
        lines.append(f"Next: week {upcoming.number}, {upcoming.title} ({upcoming.hours}).")
    return Reply(
        title=f"Your week {result.week or '-'} in review",
        lines=lines,
        fields=[
            ReplyField(
                name="Hours",
                value=f"{hours_text(result.week_minutes)} / {result.week_target or '-'}",
            ),
            ReplyField(name="Streak", value=days_text(result.streaks.current)),
            ReplyField(name="Total", value=hours_text(result.total_minutes)),
        ],
    )
