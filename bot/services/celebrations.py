"""Milestones worth a cheer in the cohort channel: a path week's hours reached, a month
done, the capstone week done, a streak of 7 or 30 days. Recorded as they happen (a log,
a check-in) for members who allow it (/settings celebrate), at most one per member per
day; the scheduler posts the day's in one message to the daily channel in the evening."""

from __future__ import annotations

from datetime import date, time

from sqlalchemy.ext.asyncio import AsyncSession

from bot.replies import Reply
from bot.services.context import Core
from bot.services.hours import hours_text
from bot.services.plan import week_minutes
from bot.services.timeline import calendar_for, path_week_of
from bot.storage.atomic import upsert
from bot.storage.models import Celebration, Member
from bot.text import neutralize_mentions

#: When the day's milestones are posted, in the workspace's zone.
POST_TIME = time(20, 0)
STREAKS = (30, 7)


def set_celebrate(member: Member, on: bool) -> Reply:
    member.celebrate = on
    state = "posted in the cohort channel" if on else "kept to yourself"
    return Reply(title=f"Milestones {state}", lines=["/settings celebrate on|off"])


async def after_log(db: AsyncSession, core: Core, member: Member, day: date, minutes: int) -> None:
    """A log of `minutes` on `day`: its path week's hours reached, or a streak."""
    week = path_week_of(
        calendar_for(member, core.curriculum, core.local_today(member.timezone)), day
    )
    if week is not None:
        week_total = await week_minutes(db, member.id, week)
        target = member.weekly_goal_minutes or round(core.curriculum.week(week).hours.min * 60)
        if week_total - minutes < target <= week_total:
            await _record(db, member, day, *_week_milestone(core, week, target))
            return
    await after_activity(db, core, member, day)


async def after_activity(db: AsyncSession, core: Core, member: Member, day: date) -> None:
    """A check-in or a log on `day`: a streak of 7 or 30 days reached today."""
    today = core.local_today(member.timezone)
    if day != today or not member.celebrate:
        return
    # The check-in or log has just kept the streak through today (streak_memo).
    streak = member.streak_days if member.streak_through == today else None
    if streak in STREAKS:
        await _record(db, member, day, f"streak-{streak}", f"is on a {streak}-day streak")


def _week_milestone(core: Core, week: int, target: int) -> tuple[str, str]:
    if week == len(core.curriculum.weeks()):
        return "capstone", "finished the capstone week"
    month = core.curriculum.month_of(week)
    if month.weeks[-1].number == week:
        return f"month-{month.number}", f"finished month {month.number}: {month.title}"
    return f"week-{week}", f"reached week {week}'s {hours_text(target)}"


async def _record(db: AsyncSession, member: Member, day: date, milestone: str, text: str) -> None:
    if not member.celebrate:
        return
    await db.execute(
        upsert(db, Celebration)
        .values(
            workspace_id=member.workspace_id,
            member_id=member.id,
            local_date=day,
            milestone=milestone,
            text=text[:200],
        )
        .on_conflict_do_nothing(index_elements=["member_id", "local_date"])
    )


def post(workspace_day: date, names_and_texts: list[tuple[str, str]]) -> Reply:
    return Reply(
        title=f"🎉 Milestones today ({workspace_day:%A %d %b})",
        lines=[f"{neutralize_mentions(name)} {text}" for name, text in names_and_texts],
        ephemeral=False,
    )
