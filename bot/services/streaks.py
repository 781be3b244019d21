"""Streaks: consecutive days with a check-in or logged hours, in the member's zone.

A missed day breaks the streak unless a freeze is left for that path week.
Paused days neither count nor break; today only counts once it is active (it is
not missed until it is over); after the path ends, missed days stop mattering.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select, union
from sqlalchemy.ext.asyncio import AsyncSession

from bot.curriculum.planner_calendar import PathCalendar
from bot.storage.models import CheckIn, HourLog


@dataclass(frozen=True)
class StreakStats:
    current: int = 0
    longest: int = 0
    #: Missed path days so far (frozen ones included), today excluded.
    missed: int = 0
    #: Days with activity on or after the start.
    active: int = 0
    frozen: int = 0
    #: A missed day with no freeze left ended a streak (so `current` began after it).
    broken: bool = False


def walk_start(calendar: PathCalendar, since: date) -> tuple[date, int]:
    """Where a walk over the days from `since` begins: the first date of the path week
    holding it (pauses before it push that date back), and the path days before it.
    The path's own start when `since` is before it or past its end."""
    located = calendar.locate(since)[1]
    if located is None:
        return calendar.start, 0
    before = (located - 1) // 7 * 7
    return calendar.date_of(before + 1), before


def compute_streaks(
    calendar: PathCalendar,
    today: date,
    active_dates: Collection[date],
    freezes_per_week: int,
    counts_from: date | None = None,
    since: date | None = None,
) -> StreakStats:
    """`counts_from`: days before it (a late joiner keeping the cohort's pace) move
    the path on but are never missed. `since`: only the days from `walk_start` are
    walked (those before are unknown, not missed, so each week's freezes still go to
    that week's own misses); the figures are then the walk's, and the current streak
    is exact when it began inside the walk (it was `broken`, or the walk began at the
    path's start or at `counts_from`)."""
    # One pass with a running path day (instead of calendar.locate per date):
    # leaderboards run this for every member near the top.
    paused = set(calendar.paused)
    current = longest = missed = active = frozen = path_day = 0
    broken = False
    used: dict[int, int] = {}
    one = timedelta(days=1)
    day = calendar.start
    if since is not None:
        day, path_day = walk_start(calendar, since)
    while day <= today:
        if day in paused:
            day += one
            continue
        path_day += 1
        if counts_from is not None and day < counts_from:
            day += one
            continue
        if day in active_dates:
            current += 1
            active += 1
            longest = max(longest, current)
        elif path_day <= calendar.total_days and day != today:
            missed += 1
            week = (path_day - 1) // 7
            if used.get(week, 0) < freezes_per_week:
                used[week] = used.get(week, 0) + 1
                frozen += 1
            else:
                current = 0
                broken = True
        day += one
    return StreakStats(current, longest, missed, active, frozen, broken)


async def active_dates_by_member(
    db: AsyncSession, member_ids: Sequence[int], since: date | None = None
) -> dict[int, set[date]]:
    """Dates with a check-in or an hour log, per member, in one query."""
    result: dict[int, set[date]] = {member_id: set() for member_id in member_ids}
    if not member_ids:
        return result
    checkins = select(CheckIn.member_id, CheckIn.local_date).where(
        CheckIn.member_id.in_(member_ids)
    )
    logs = select(HourLog.member_id, HourLog.local_date).where(HourLog.member_id.in_(member_ids))
    if since is not None:
        checkins = checkins.where(CheckIn.local_date >= since)
        logs = logs.where(HourLog.local_date >= since)
    rows = await db.execute(union(checkins, logs))
    for member_id, day in rows:
        result[member_id].add(day)
    return result
