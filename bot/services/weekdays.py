"""The days of the week a member wants reminders on, as a bit mask (Monday is bit 0),
and how to say them. (`bot.commands.weekdays` reads them from what people type.)"""

from __future__ import annotations

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
