"""A member's path in time: pauses as dates, and the planner's calendar over them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from bot.curriculum.models import Curriculum
from bot.curriculum.planner_calendar import PathCalendar
from bot.curriculum.planner_models import DayStatus
from bot.storage.models import Member, Pause, Workspace

#: An open pause (still paused) covers this many days past "today" for planning.
OPEN_PAUSE_HORIZON = timedelta(days=400)


def paused_dates(pauses: Iterable[Pause], today: date) -> list[date]:
    """Every paused date; a pause without an end runs on past today."""
    days: list[date] = []
    for pause in pauses:
        end = pause.end_date if pause.end_date is not None else today + OPEN_PAUSE_HORIZON
        days.extend(
            pause.start_date + timedelta(days=n) for n in range((end - pause.start_date).days + 1)
        )
    return days


def calendar_for(member: Member, curriculum: Curriculum, today: date) -> PathCalendar:
    return PathCalendar.build(
        member.start_date, curriculum.total_days, paused_dates(member.pauses, today)
    )


def path_week_of(calendar: PathCalendar, on: date) -> int | None:
    """The path week (1-based) a date counts toward, or None outside the path."""
    status, day = calendar.locate(on)
    if status is not DayStatus.ACTIVE or day is None:
        return None
    return (day - 1) // 7 + 1


def current_week(calendar: PathCalendar, today: date) -> int | None:
    """The week a member is in (a paused member stays in the week they paused in)."""
    status, day = calendar.locate(today)
    if day is None:
        return None if status is DayStatus.NOT_STARTED else calendar.total_days // 7
    return (day - 1) // 7 + 1


def cohort_week(curriculum: Curriculum, workspace: Workspace, today: date) -> int | None:
    """The path week the workspace's cohort is in today (None before it starts or after
    the path ends)."""
    start = workspace.cohort_start
    if start is None or today < start:
        return None
    week = (today - start).days // 7 + 1
    return week if week <= len(curriculum.weeks()) else None
