"""Forgiving parsers for what people type: durations, times of day, dates, command lines.

Time zones have their own module, `bot.commands.timezones`.

Every parser raises :class:`ParseError` whose message is one friendly line that
an adapter can show as-is; nothing here ever lets a traceback reach a member.
"""

from __future__ import annotations

import calendar
import re
import shlex
import unicodedata
from datetime import date, time, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

__all__ = [
    "TIME_UNIT_WORDS",
    "ParseError",
    "ascii_digits",
    "parse_date",
    "parse_duration",
    "parse_time_of_day",
    "tokenize",
]

#: Anything longer is not a duration anyone meant; it also keeps Decimal maths small.
_MAX_DURATION_CHARS = 40
#: Beyond this a "duration" is a typo or an attack, not a study session.
_MAX_DURATION_MINUTES = 10_000 * 60

_DURATION_HINT = "try 1.5, 90m, 1h30, 1:30 or 2 hours"
_TIME_HINT = "try 8:00, 8am, 8:30pm or 20:30"
_DATE_HINT = "try 2027-01-04, today or yesterday"

_NUMBER = r"(?:\d+(?:\.\d*)?|\.\d+)"
_HOUR_UNIT = r"(?:h|hrs?|hours?)"
_MINUTE_UNIT = r"(?:m|mins?|minutes?)"

# Hours alone are a bare number; "h:mm" is clock-style; the rest is "<n> unit" pairs.
_BARE_HOURS_RE = re.compile(rf"({_NUMBER})", re.ASCII)
_CLOCK_RE = re.compile(r"(\d+):(\d{2})", re.ASCII)
_UNITS_RE = re.compile(
    rf"(?:(?P<hours>{_NUMBER})\s*{_HOUR_UNIT})?"
    r"\s*(?:,\s*)?(?:and\s+)?"
    rf"(?:(?P<minutes>\d+)\s*(?P<minute_unit>{_MINUTE_UNIT})?)?",
    re.ASCII,
)

# An hour count, then 60 minutes or more: "2 hours 99 minutes", "1h75".
_MINUTES_PAST_HOUR_RE = re.compile(
    rf"{_NUMBER}\s*{_HOUR_UNIT}\s*(?:,\s*)?(?:and\s+)?(?:[6-9]\d|\d{{3,}})", re.ASCII
)

# "8:30", and the European "8.30", "8h30" and "20h".
_TIME_RE = re.compile(
    r"(?P<hour>\d{1,2})(?:[:.h](?P<minute>\d{2})|h)?\s*(?P<meridiem>a\.?m\.?|p\.?m\.?)?",
    re.ASCII,
)
_ISO_DATE_RE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})", re.ASCII)

# Phones and chat apps "smarten" quotes; treat them like the plain ones people meant.
_SMART_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'"})
# An apostrophe that opens a token ("'deep dive'") may be a quote; one inside or at
# the end of a word ("Alammar's", "students'") is prose.
_OPENING_SINGLE_QUOTE_RE = re.compile(r"(?:^|\s)'")


#: Words that name a span of time, supported or not: a duration never stops short of one
#: (`/log 1 fortnight` must not log 1 h with the note "fortnight").
TIME_UNIT_WORDS = frozenset(
    (  # noqa: SIM905 - one line of words reads better than thirty
        "h hr hrs hour hours m min mins minute minutes s sec secs second seconds "
        "d day days wk wks week weeks fortnight fortnights month months yr yrs year years"
    ).split()
)
# "1,5h": much of Europe writes a decimal comma ("1h, 30m" keeps its space).
_DECIMAL_COMMA_RE = re.compile(r"(?<=\d),(?=\d)")


class ParseError(ValueError):
    """Input that could not be understood; ``str(error)`` is one friendly line."""


def ascii_digits(text: str) -> str:
    """Digits of any script as ASCII: `٣` and `３` are 3 wherever a number is read."""
    return "".join(
        str(unicodedata.decimal(char)) if char.isdecimal() and not char.isascii() else char
        for char in text
    )


def quote(text: str) -> str:
    shown = text if len(text) <= 40 else text[:39] + "…"
    return f"“{shown}”"


def _duration_error(text: str) -> ParseError:
    return ParseError(f"I couldn't read {quote(text)} as a duration — {_DURATION_HINT}")


def _hours_to_minutes(hours: str) -> Decimal:
    try:
        return Decimal(hours) * 60
    except InvalidOperation:  # pragma: no cover - the regex only lets numbers through
        raise ParseError(f"I couldn't read {quote(hours)} as a number of hours") from None


def parse_duration(text: str) -> int:
    """Parse a study duration into whole minutes (a bare number means hours)."""
    cleaned = _DECIMAL_COMMA_RE.sub(".", " ".join(ascii_digits(text).strip().lower().split()))
    if not cleaned or len(cleaned) > _MAX_DURATION_CHARS:
        raise _duration_error(text.strip())
    total = _duration_minutes(cleaned)
    if total is None:
        if _MINUTES_PAST_HOUR_RE.search(cleaned):
            raise ParseError(
                f"{quote(text.strip())}: minutes after hours go up to 59 — "
                "write 1h45, or the minutes alone (105m)"
            )
        raise _duration_error(text.strip())
    minutes = int(total.to_integral_value(rounding=ROUND_HALF_UP))
    if minutes > _MAX_DURATION_MINUTES:
        raise _duration_error(text.strip())
    if minutes <= 0:
        raise ParseError(
            f"{quote(text.strip())} is no time at all — log at least a minute ({_DURATION_HINT})"
        )
    return minutes


def _duration_minutes(cleaned: str) -> Decimal | None:
    if match := _BARE_HOURS_RE.fullmatch(cleaned):
        return _hours_to_minutes(match.group(1))
    if match := _CLOCK_RE.fullmatch(cleaned):
        clock_hours, clock_minutes = int(match.group(1)), int(match.group(2))
        if clock_minutes >= 60:
            return None
        return Decimal(clock_hours * 60 + clock_minutes)
    match = _UNITS_RE.fullmatch(cleaned)
    if match is None:
        return None
    hours, minutes = match.group("hours"), match.group("minutes")
    if hours is None and (minutes is None or match.group("minute_unit") is None):
        # "90" alone was handled above; "and 30" or "" is not a duration.
        return None
    total = Decimal(0)
    if hours is not None:
        total += _hours_to_minutes(hours)
    if minutes is not None:
        # "1h75" is a typo, but "75m" on its own is a perfectly good duration.
        if hours is not None and int(minutes) >= 60:
            return None
        total += Decimal(int(minutes))
    return total


def parse_time_of_day(text: str) -> time:
    """Parse a wall-clock time: 24-hour ``20:30`` or 12-hour ``8:30pm``."""
    cleaned = ascii_digits(text).strip().lower()
    named = {"noon": time(12, 0), "midday": time(12, 0), "midnight": time(0, 0)}
    if cleaned in named:
        return named[cleaned]
    match = _TIME_RE.fullmatch(cleaned)
    if match is None:
        raise ParseError(f"I couldn't read {quote(text.strip())} as a time of day — {_TIME_HINT}")
    hour = int(match.group("hour"))
    minute = int(match.group("minute") or 0)
    meridiem = match.group("meridiem")
    if minute >= 60:
        raise ParseError(f"{quote(text.strip())} has {minute} minutes; an hour only has 60")
    if meridiem is not None:
        if not 1 <= hour <= 12:
            raise ParseError(
                f"{quote(text.strip())} isn't a 12-hour time — use 1–12 with am/pm, "
                f"or drop the am/pm and use 0–23"
            )
        hour = hour % 12 + (12 if meridiem.startswith("p") else 0)
    elif hour >= 24:
        raise ParseError(f"{quote(text.strip())} isn't a time — hours go from 0 to 23")
    return time(hour, minute)


def parse_date(text: str, today: date) -> date:
    """Parse ``today``, ``yesterday`` or an ISO date (``2027-01-04``)."""
    cleaned = ascii_digits(text).strip().lower()
    if cleaned == "today":
        return today
    if cleaned == "yesterday":
        return today - timedelta(days=1)
    match = _ISO_DATE_RE.fullmatch(cleaned)
    if match is None:
        raise ParseError(f"I couldn't read {quote(text.strip())} as a date — {_DATE_HINT}")
    year, month, day = (int(part) for part in match.groups())
    if not 1 <= year <= 9999:
        raise ParseError(f"{quote(text.strip())} is out of range — {_DATE_HINT}")
    if not 1 <= month <= 12:
        raise ParseError(f"{quote(text.strip())} has month {month}; months go from 1 to 12")
    days_in_month = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days_in_month:
        raise ParseError(f"{calendar.month_name[month]} {year} has no day {day}")
    return date(year, month, day)


def as_word(text: str) -> str:
    """Quote a value so that `tokenize` reads it back as exactly one word."""
    # Smart double quotes are straightened by the tokenizer, so they need escaping too.
    escaped = re.sub(r'(["\\“”„])', r"\\\1", text)
    return f'"{escaped}"'


def tokenize(line: str) -> list[str]:
    """Split a command line like a shell would, but forgive apostrophes in prose."""
    normalized = line.translate(_SMART_QUOTES)
    if _OPENING_SINGLE_QUOTE_RE.search(normalized):
        try:
            return shlex.split(normalized, comments=False, posix=True)
        except ValueError:
            pass  # a lone apostrophe ("'cause"): retry with double quotes only
    try:
        return _split_double_quotes_only(normalized)
    except ValueError:
        raise ParseError(
            "There's an unclosed \" quote in your message — close it or leave it out"
        ) from None


def _split_double_quotes_only(line: str) -> list[str]:
    lexer = shlex.shlex(line, posix=True)
    lexer.whitespace_split = True
    lexer.commenters = ""  # "#channel" or "C#" is text, not a comment
    lexer.quotes = '"'
    lexer.escapedquotes = '"'
    return list(lexer)
