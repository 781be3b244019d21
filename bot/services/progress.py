"""/progress: hours against the plan, streaks and how far along the path a member is."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.curriculum.models import Curriculum
from bot.curriculum.planner_calendar import PathCalendar
from bot.curriculum.planner_models import DayStatus
from bot.replies import ProgressCard, Reply, ReplyField
from bot.services.context import Core
from bot.services.hours import hours_text
from bot.services.plan import target_text, week_minutes
from bot.services.streaks import StreakStats, active_dates_by_member, compute_streaks
from bot.services.timeline import calendar_for, current_week
from bot.storage.models import HourLog, Member, Workspace

#: Within this much of the plan counts as on track.
ON_TRACK_MINUTES = 60
#: Days the progress card's heat-strip shows.
RECENT_DAYS = 28


@dataclass(frozen=True)
class Progress:
    today: date
    start: date
    status: DayStatus
    #: The path day (1..total_days) today is or interrupts, None outside the path.
    day: int | None
    total_days: int
    week: int | None
    week_minutes: int
    week_target: str | None
    #: The week's target range in minutes: the member's goal, else the path week's.
    week_target_minutes: tuple[int, int] | None
    total_minutes: int
    percent: int
    expected_minutes: int
    streaks: StreakStats
    #: Minutes logged on each of the last RECENT_DAYS days (oldest first, ending today);
    #: -1 for a day with a check-in and no hours.
    recent: list[int]


def expected_minutes(
    curriculum: Curriculum,
    calendar: PathCalendar,
    today: date,
    goal: int | None = None,
    counts_from: date | None = None,
) -> int:
    """Minutes the plan expects by the end of yesterday (each week's lower bound, or the
    member's own weekly `goal` in minutes); from `counts_from` on only, for a late
    joiner keeping the cohort's pace."""
    expected = _expected_by(curriculum, calendar, today, goal)
    if counts_from is not None and counts_from > calendar.start:
        expected -= _expected_by(curriculum, calendar, min(counts_from, today), goal)
    return max(expected, 0)


def _expected_by(
    curriculum: Curriculum, calendar: PathCalendar, today: date, goal: int | None
) -> int:
    status, day = calendar.locate(today)
    if status is DayStatus.NOT_STARTED:
        return 0
    days_done = curriculum.total_days if day is None else day - 1
    total = 0.0
    for week in curriculum.weeks():
        first = (week.number - 1) * 7
        share = min(max(days_done - first, 0), 7) / 7
        total += (goal if goal is not None else week.hours.min * 60) * share
    return round(total)


async def member_progress(
    db: AsyncSession, core: Core, member: Member, workspace: Workspace
) -> Progress:
    today = core.local_today(member.timezone)
    calendar = calendar_for(member, core.curriculum, today)
    status, day = calendar.locate(today)
    week = current_week(calendar, today)
    dates = (await active_dates_by_member(db, [member.id]))[member.id]
    streaks = compute_streaks(
        calendar, today, dates, workspace.streak_freezes_per_week, member.counts_from
    )
    if status is DayStatus.COMPLETE:
        percent = 100
    else:
        percent = 0 if day is None else round(100 * (day - 1) / calendar.total_days)
    return Progress(
        today=today,
        start=member.start_date,
        status=status,
        day=day,
        total_days=calendar.total_days,
        week=week,
        week_minutes=await week_minutes(db, member.id, week) if week else 0,
        week_target=target_text(core, member, week),
        week_target_minutes=target_minutes(core, member, week),
        total_minutes=member.total_minutes,
        percent=percent,
        expected_minutes=expected_minutes(
            core.curriculum, calendar, today, member.weekly_goal_minutes, member.counts_from
        ),
        streaks=streaks,
        recent=await _recent(db, member.id, today, dates),
    )


def target_minutes(core: Core, member: Member, week: int | None) -> tuple[int, int] | None:
    if member.weekly_goal_minutes is not None:
        return member.weekly_goal_minutes, member.weekly_goal_minutes
    if week is None:
        return None
    hours = core.curriculum.week(week).hours
    return round(hours.min * 60), round(hours.max * 60)


async def _recent(db: AsyncSession, member_id: int, today: date, active: set[date]) -> list[int]:
    first = today - timedelta(days=RECENT_DAYS - 1)
    rows = await db.execute(
        select(HourLog.local_date, func.sum(HourLog.minutes))
        .where(HourLog.member_id == member_id, HourLog.local_date >= first)
        .group_by(HourLog.local_date)
    )
    minutes = {day: int(total or 0) for day, total in rows.all()}
    days = [first + timedelta(days=offset) for offset in range(RECENT_DAYS)]
    return [minutes.get(day) or (-1 if day in active else 0) for day in days]


def counted(count: int, noun: str) -> str:
    """'1 day', '2 days', '1 hour log': only regular English plurals are needed."""
    return f"{count:,} {noun}" if count == 1 else f"{count:,} {noun}s"


def days_text(count: int) -> str:
    return counted(count, "day")


def path_text(progress: Progress) -> str:
    """Where the member is on the path: the day, not just a bare percentage."""
    if progress.status is DayStatus.COMPLETE:
        return "complete (100%)"
    if progress.day is None:
        return f"starts in {days_text((progress.start - progress.today).days)} (0%)"
    where = f"day {progress.day} of {progress.total_days}"
    if progress.status is DayStatus.PAUSED:
        where += ", paused"
    return f"{where} ({progress.percent}% done)"


def pace(progress: Progress) -> str:
    """One sentence: ahead of, behind or on track with the plan (or when it starts)."""
    if progress.status is DayStatus.NOT_STARTED:
        return f"Your path starts on {progress.start:%A %Y-%m-%d}."
    gap = progress.total_minutes - progress.expected_minutes
    if abs(gap) < ON_TRACK_MINUTES:
        return "You are on track."
    return f"You are {hours_text(abs(gap))} {'ahead of' if gap > 0 else 'behind'} the plan."


async def progress(db: AsyncSession, core: Core, member: Member, workspace: Workspace) -> Reply:
    result = await member_progress(db, core, member, workspace)
    streaks = result.streaks
    week_value = (
        f"{hours_text(result.week_minutes)} / {result.week_target}"
        if result.week is not None
        else "not started"
    )
    card = ProgressCard(
        name=member.display_name,
        path=path_text(result),
        percent=result.percent,
        week=result.week,
        total_weeks=len(core.curriculum.weeks()),
        week_minutes=result.week_minutes,
        week_target=result.week_target_minutes or (0, 0),
        streak=streaks.current,
        longest=streaks.longest,
        pace=pace(result),
        recent=result.recent,
        last_day=result.today,
    )
    return Reply(
        title=f"Your progress ({result.today.isoformat()})",
        lines=[pace(result)],
        card=card,
        fields=[
            ReplyField(name=f"Week {result.week or 1}", value=week_value),
            ReplyField(name="Total", value=hours_text(result.total_minutes)),
            ReplyField(name="Path", value=path_text(result)),
            ReplyField(name="Streak", value=days_text(streaks.current)),
            ReplyField(name="Longest streak", value=days_text(streaks.longest)),
            ReplyField(name="Days missed", value=str(streaks.missed)),
        ],
    )
