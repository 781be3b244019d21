"""The day planner: what a member does on a date of their path, and for how long.

Pure functions of a curriculum, a start date, the member's paused dates and a
date; no clock, no I/O. See `planner_week` for the rhythm and content rules.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date

from bot.curriculum.models import Curriculum, Resource, Week
from bot.curriculum.planner_calendar import PathCalendar, PlanInputError, parse_date, parse_paused
from bot.curriculum.planner_minutes import format_minutes
from bot.curriculum.planner_models import DayKind, DayPlan, DayStatus, ItemKind, PlanItem
from bot.curriculum.planner_week import DayLayout, WeekLayout, layout_week

__all__ = [
    "DayKind",
    "DayPlan",
    "DayStatus",
    "ItemKind",
    "PathCalendar",
    "PlanInputError",
    "PlanItem",
    "day_plan",
    "parse_date",
    "parse_paused",
    "path_calendar",
    "week_plan",
]


def path_calendar(curriculum: Curriculum, start: date, paused: Iterable[date] = ()) -> PathCalendar:
    return PathCalendar.build(start, curriculum.total_days, paused)


def day_plan(curriculum: Curriculum, start: date, on: date, paused: Iterable[date] = ()) -> DayPlan:
    """The plan for `on` of a member who started on `start` and paused on `paused`."""
    calendar = path_calendar(curriculum, start, paused)
    status, day = calendar.locate(on)
    common = {
        "date": on,
        "start": start,
        "status": status,
        "total_days": curriculum.total_days,
        "weeks_total": len(curriculum.weeks()),
    }
    if status is DayStatus.NOT_STARTED:
        until = (start - on).days
        return DayPlan(
            **common,
            days_until_start=until,
            notes=[f"The path starts on {start.isoformat()}, in {_days(until)}."],
        )
    if status is DayStatus.COMPLETE:
        return DayPlan(
            **common,
            # The planner knows dates, not what was done: the note says when it ended.
            notes=[
                f"Path complete: its {curriculum.total_days} days ended on "
                f"{calendar.last_date.isoformat()}."
            ],
        )
    assert day is not None  # locate() gives a day for active and paused dates
    week = _week(curriculum, (day - 1) // 7 + 1)
    where = _where(curriculum, week, day)
    if status is DayStatus.PAUSED:
        resume = calendar.next_active(on)
        return DayPlan(
            **common,
            **where,
            notes=[f"Paused: day {day} waits for you and resumes on {resume.isoformat()}."],
        )
    layout = _layout(curriculum, calendar, week)
    return _active(curriculum, common, where, week, layout, layout.days[(day - 1) % 7], day)


def week_plan(
    curriculum: Curriculum, start: date, week: int, paused: Iterable[date] = ()
) -> list[DayPlan]:
    """The seven day plans of path week `week` (paused dates in between are not path days)."""
    weeks = curriculum.weeks()
    if not 1 <= week <= len(weeks):
        raise PlanInputError(f"week {week} is not in the path; it has weeks 1 to {len(weeks)}")
    calendar = path_calendar(curriculum, start, paused)
    the_week = _week(curriculum, week)
    layout = _layout(curriculum, calendar, the_week)
    plans = []
    for position, day_layout in enumerate(layout.days):
        day = (week - 1) * 7 + position + 1
        common = {
            "date": day_layout.when,
            "start": start,
            "status": DayStatus.ACTIVE,
            "total_days": curriculum.total_days,
            "weeks_total": len(weeks),
        }
        where = _where(curriculum, the_week, day)
        plans.append(_active(curriculum, common, where, the_week, layout, day_layout, day))
    return plans


def _week(curriculum: Curriculum, number: int) -> Week:
    # The loader guarantees weeks are numbered 1..N in order, so position is the number.
    return curriculum.weeks()[number - 1]


def _where(curriculum: Curriculum, week: Week, day: int) -> dict[str, object]:
    month = curriculum.month_of(week.number)
    return {
        "day": day,
        "week": week.number,
        "day_of_week": (day - 1) % 7 + 1,
        "week_title": week.title,
        "month": month.number,
        "month_title": month.title,
        "week_of_month": week.number_in_month,
        "week_hours": week.hours,
    }


def _layout(curriculum: Curriculum, calendar: PathCalendar, week: Week) -> WeekLayout:
    first = (week.number - 1) * 7
    dates = [calendar.date_of(first + offset) for offset in range(1, 8)]
    return layout_week(curriculum, week, dates)


def _active(
    curriculum: Curriculum,
    common: dict[str, object],
    where: dict[str, object],
    week: Week,
    layout: WeekLayout,
    day_layout: DayLayout,
    day: int,
) -> DayPlan:
    blocks = [week.blocks[index] for index in day_layout.blocks]
    notes = []
    if day % 7 == 1:
        notes.append(
            f"New week: {week.title}, {week.hours} stated, "
            f"{format_minutes(layout.budget.total)} planned."
        )
    if layout.budget.note:
        notes.append(layout.budget.note)
    if day == curriculum.total_days:
        notes.append("Last day of the path: finish strong!")
    return DayPlan(
        **common,
        **where,
        day_kind=day_layout.kind,
        blocks=[block.title for block in blocks],
        items=day_layout.items,
        resources=_unique_resources(r for block in blocks for r in block.resources),
        total_minutes=sum(item.minutes for item in day_layout.items),
        week_minutes=layout.budget.total,
        notes=notes,
    )


def _unique_resources(resources: Iterable[Resource]) -> list[Resource]:
    seen: dict[str, Resource] = {}
    for resource in resources:
        key = json.dumps(resource.model_dump(mode="json"), sort_keys=True)
        seen.setdefault(key, resource)
    return list(seen.values())


def _days(count: int) -> str:
    return "1 day" if count == 1 else f"{count} days"
