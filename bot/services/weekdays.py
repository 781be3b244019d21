"""The days of the week a member wants reminders on, as a bit mask (Monday is bit 0),
and how to say them. (`bot.commands.weekdays` reads them from what people type.)"""

from __future__ import annotations

from datetime import date, timedelta

EVERY_DAY = 0b1111111
WEEKDAYS = 0b0011111
WEEKENDS = 0b1100000
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def describe_days(mask: int) -> str:
    if mask == EVERY_DAY:
        return "every day"
    if mask == WEEKDAYS:
        return "weekdays"
    if mask == WEEKENDS:
        return "weekends"
    return ", ".join(name.title() for n, name in enumerate(DAY_NAMES) if mask & (1 << n))


def count_days(mask: int, after: date, through: date) -> int:
    """How many of the mask's days fall after `after`, up to and including `through`."""
    span = (through - after).days
    if span <= 0:
        return 0
    weeks, rest = divmod(span, 7)
    count = weeks * mask.bit_count()
    first = after + timedelta(days=weeks * 7 + 1)
    return count + sum(1 for n in range(rest) if mask >> ((first.weekday() + n) % 7) & 1)
