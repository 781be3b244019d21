"""Reading the days someone wants reminders on: weekdays, weekends, every day, or a
list of days ("mon,wed,fri", "Tue Thu", "monday, friday")."""

from __future__ import annotations

import re

from bot.commands.parsing import ParseError
from bot.services.weekdays import EVERY_DAY, WEEKDAYS, WEEKENDS

_NAMED = {
    "weekdays": WEEKDAYS,
    "weekday": WEEKDAYS,
    "weekends": WEEKENDS,
    "weekend": WEEKENDS,
    "every": EVERY_DAY,
    "everyday": EVERY_DAY,
    "daily": EVERY_DAY,
    "all": EVERY_DAY,
}
_FULL = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_SPLIT = re.compile(r"[\s,;/+&]+|\band\b")
_HINT = "Use weekdays, weekends, every, or days such as mon,wed,fri."
MAX_CHARS = 80


def parse_days(text: str) -> int:
    """A bit mask of weekdays (Monday is bit 0); never empty."""
    cleaned = " ".join(text.strip().lower().split())
    if not cleaned or len(cleaned) > MAX_CHARS:
        raise ParseError(f"Which days? {_HINT}")
    if cleaned in _NAMED or cleaned == "every day":
        return _NAMED.get(cleaned, EVERY_DAY)
    mask = 0
    for word in filter(None, _SPLIT.split(cleaned)):
        day = next((n for n in range(7) if _is_day_word(word, n)), None)
        if day is None:
            raise ParseError(f"I don't know the day {word!r}. {_HINT}")
        mask |= 1 << day
    if not mask:
        raise ParseError(f"Which days? {_HINT}")
    return mask


def _is_day_word(word: str, day: int) -> bool:
    """`word` is a start of the day's full name at least three letters long ("wed",
    "wedn", "wednesday"), or a plural ("mondays")."""
    return len(word) >= 3 and (_FULL[day].startswith(word) or word == _FULL[day] + "s")
