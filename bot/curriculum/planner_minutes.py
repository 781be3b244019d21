"""Choosing minutes for every slot of a path week.

Each slot (e.g. Tuesday's hands-on) has a range from the curriculum's weekly
schedule. The week's total aims at the middle of the week's stated hours, kept
inside both the stated hours and what the schedule allows; when the two do not
overlap the plan takes the schedule's nearest bound and says so in a note.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.curriculum.models import Hours


@dataclass(frozen=True)
class WeekBudget:
    #: Minutes for each slot, in the order the ranges were given.
    minutes: list[int]
    total: int
    note: str | None = None


def format_minutes(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h" if not rest else f"{hours} h {rest} min"


def allocate(ranges: Sequence[tuple[int, int]], hours: Hours, week_number: int) -> WeekBudget:
    """Minutes per slot so the week's total fits `hours` where the schedule allows."""
    low = sum(lo for lo, _ in ranges)
    high = sum(hi for _, hi in ranges)
    wanted_low = round(hours.min * 60)
    wanted_high = round(hours.max * 60)
    note: str | None = None
    if high < wanted_low:
        total = high
        note = (
            f"Week {week_number} asks {hours}, more than the weekly schedule allows on these "
            f"days ({format_minutes(high)}): this plan uses the schedule's maximum; find the "
            f"other {format_minutes(wanted_low - high)}–{format_minutes(wanted_high - high)} "
            "where you can."
        )
    elif low > wanted_high:
        total = low
        note = (
            f"With pauses moving this week onto these days, the weekly schedule needs at least "
            f"{format_minutes(low)}, more than week {week_number}'s stated {hours}: this plan "
            "uses the schedule's minimum."
        )
    else:
        unit = _unit(ranges)
        middle = round((wanted_low + wanted_high) / 2 / unit) * unit
        total = min(max(middle, low, wanted_low), high, wanted_high)
    return WeekBudget(_spread(ranges, total - low), total, note)


def _unit(ranges: Sequence[tuple[int, int]]) -> int:
    """Plan in 5-minute steps when the schedule does, so nobody gets '37 min'."""
    return 5 if all(lo % 5 == 0 and hi % 5 == 0 for lo, hi in ranges) else 1


def _spread(ranges: Sequence[tuple[int, int]], extra: int) -> list[int]:
    """Add `extra` minutes over the slots in proportion to their room (largest remainder)."""
    minutes = [lo for lo, _ in ranges]
    room = [hi - lo for lo, hi in ranges]
    if extra <= 0 or not any(room):
        return minutes
    unit = _unit(ranges)
    steps, leftover = divmod(extra, unit)
    capacity = [r // unit for r in room]
    total_capacity = sum(capacity)
    if total_capacity:
        shares = [steps * c / total_capacity for c in capacity]
        given = [int(share) for share in shares]
        order = sorted(range(len(shares)), key=lambda i: (given[i] - shares[i], i))
        for index in order[: steps - sum(given)]:
            given[index] += 1
        minutes = [m + g * unit for m, g in zip(minutes, given, strict=True)]
    # Minutes that do not fill a whole step go to the first slots with room left.
    for index, (_, hi) in enumerate(ranges):
        if not leftover:
            break
        add = min(leftover, hi - minutes[index])
        minutes[index] += add
        leftover -= add
    return minutes
