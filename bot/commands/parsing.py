"""Forgiving parsers for what people type: durations, times of day, time zones, dates.

Every parser raises :class:`ParseError` whose message is one friendly line that
an adapter can show as-is; nothing here ever lets a traceback reach a member.
"""

from __future__ import annotations

import calendar
import re
import shlex
import zoneinfo
from datetime import date, time, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache

from rapidfuzz import fuzz, process

__all__ = [
    "ParseError",
    "parse_date",
    "parse_duration",
    "parse_time_of_day",
    "parse_timezone",
    "suggest_timezones",
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


class ParseError(ValueError):
    """Input that could not be understood; ``str(error)`` is one friendly line."""


def _quote(text: str) -> str:
    shown = text if len(text) <= 40 else text[:39] + "…"
    return f"“{shown}”"


def _duration_error(text: str) -> ParseError:
    return ParseError(f"I couldn't read {_quote(text)} as a duration — {_DURATION_HINT}")


def _hours_to_minutes(hours: str) -> Decimal:
    try:
        return Decimal(hours) * 60
    except InvalidOperation:  # pragma: no cover - the regex only lets numbers through
        raise ParseError(f"I couldn't read {_quote(hours)} as a number of hours") from None


def parse_duration(text: str) -> int:
    """Parse a study duration into whole minutes (a bare number means hours)."""
    cleaned = " ".join(text.strip().lower().split())
    if not cleaned or len(cleaned) > _MAX_DURATION_CHARS:
        raise _duration_error(text.strip())
    total = _duration_minutes(cleaned)
    if total is None:
        raise _duration_error(text.strip())
    minutes = int(total.to_integral_value(rounding=ROUND_HALF_UP))
    if minutes > _MAX_DURATION_MINUTES:
        raise _duration_error(text.strip())
    if minutes <= 0:
        raise ParseError(
            f"{_quote(text.strip())} is no time at all — log at least a minute ({_DURATION_HINT})"
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
    cleaned = text.strip().lower()
    named = {"noon": time(12, 0), "midday": time(12, 0), "midnight": time(0, 0)}
    if cleaned in named:
        return named[cleaned]
    match = _TIME_RE.fullmatch(cleaned)
    if match is None:
        raise ParseError(f"I couldn't read {_quote(text.strip())} as a time of day — {_TIME_HINT}")
    hour = int(match.group("hour"))
    minute = int(match.group("minute") or 0)
    meridiem = match.group("meridiem")
    if minute >= 60:
        raise ParseError(f"{_quote(text.strip())} has {minute} minutes; an hour only has 60")
    if meridiem is not None:
        if not 1 <= hour <= 12:
            raise ParseError(
                f"{_quote(text.strip())} isn't a 12-hour time — use 1–12 with am/pm, "
                f"or drop the am/pm and use 0–23"
            )
        hour = hour % 12 + (12 if meridiem.startswith("p") else 0)
    elif hour >= 24:
        raise ParseError(f"{_quote(text.strip())} isn't a time — hours go from 0 to 23")
    return time(hour, minute)


@lru_cache(maxsize=1)
def _timezones_by_folded_name() -> dict[str, str]:
    # Built on first use, not at import: reading the zone list touches the disk.
    return {name.casefold(): name for name in zoneinfo.available_timezones()}


# Abbreviations people type that are not zones (or not the zone they mean): suggest places.
_ZONE_ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "pst": ("America/Los_Angeles",),
    "pdt": ("America/Los_Angeles",),
    "mdt": ("America/Denver",),
    "cst": ("America/Chicago", "Asia/Shanghai"),
    "cdt": ("America/Chicago",),
    "edt": ("America/New_York",),
    "bst": ("Europe/London",),
    "ist": ("Asia/Kolkata", "Europe/Dublin", "Asia/Jerusalem"),
    "cest": ("Europe/Berlin", "Europe/Paris", "Europe/Rome"),
    "eest": ("Europe/Athens",),
    "aest": ("Australia/Sydney",),
    "aedt": ("Australia/Sydney",),
    "awst": ("Australia/Perth",),
    "nzst": ("Pacific/Auckland",),
    "jst": ("Asia/Tokyo",),
    "kst": ("Asia/Seoul",),
    "sgt": ("Asia/Singapore",),
    "pkt": ("Asia/Karachi",),
    "msk": ("Europe/Moscow",),
    "brt": ("America/Sao_Paulo",),
    "wat": ("Africa/Lagos",),
    "eat": ("Africa/Nairobi",),
}
#: Offered first when someone has typed nothing yet (Discord autocomplete).
_POPULAR_ZONES = (
    "UTC",
    "Europe/London",
    "Europe/Berlin",
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "Africa/Lagos",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Australia/Sydney",
)
_OFFSET_RE = re.compile(r"(?:utc|gmt)?\s*[+-]\s*\d{1,2}(?::?\d{2})?", re.ASCII | re.IGNORECASE)


def parse_timezone(text: str) -> zoneinfo.ZoneInfo:
    """Parse an IANA time zone name, case-insensitively, with a suggestion on typos."""
    cleaned = text.strip().replace(" ", "_")
    if not cleaned:
        raise ParseError("Tell me a time zone, like Europe/Berlin, America/New_York or UTC")
    zones = _timezones_by_folded_name()
    name = zones.get(cleaned.casefold())
    if name is not None:
        return zoneinfo.ZoneInfo(name)
    message = f"I don't know the time zone {_quote(text.strip())}"
    if _OFFSET_RE.fullmatch(text.strip()):
        raise ParseError(
            f"{message} — give a place instead of an offset, so daylight saving time is "
            f"followed: e.g. Europe/Berlin, America/New_York or Asia/Kolkata"
        )
    suggestion = _suggest_timezone(cleaned, zones)
    if suggestion is not None:
        raise ParseError(f"{message} — did you mean {suggestion}?")
    raise ParseError(f"{message} — use an IANA name like Europe/Berlin, America/New_York or UTC")


def _suggest_timezone(cleaned: str, zones: dict[str, str]) -> str | None:
    folded = cleaned.casefold()
    if folded in _ZONE_ABBREVIATIONS:
        first, *others = _ZONE_ABBREVIATIONS[folded]
        return f"{first} (or {', '.join(others)})" if others else first
    # "berlin" or "new_york": a city alone is the commonest near-miss.
    by_city = sorted(name for key, name in zones.items() if key.rsplit("/", 1)[-1] == folded)
    if by_city:
        return by_city[0]
    best = process.extractOne(folded, _places(), scorer=fuzz.WRatio, score_cutoff=85)
    return zones[best[0]] if best is not None else None


@lru_cache(maxsize=1)
def _places() -> tuple[str, ...]:
    # Fuzzy-match places only: short abbreviations and Etc/GMT±N (whose sign is the
    # reverse of what people expect) make misleading suggestions.
    return tuple(
        sorted(
            key for key in _timezones_by_folded_name() if "/" in key and not key.startswith("etc/")
        )
    )


def suggest_timezones(text: str, limit: int = 25) -> list[str]:
    """Zone names for a partly typed one (autocomplete): abbreviations, prefixes, near misses."""
    zones = _timezones_by_folded_name()
    folded = text.strip().replace(" ", "_").casefold()
    if not folded:
        return list(_POPULAR_ZONES[:limit])
    found: list[str] = [*_ZONE_ABBREVIATIONS.get(folded, ())]
    if folded in zones:
        found.append(zones[folded])
    # Whole name or city starting with what was typed first, then anywhere inside it.
    contains = [key for key in (*_places(), "utc") if folded in key]
    contains.sort(key=lambda key: (not key.rsplit("/", 1)[-1].startswith(folded), len(key), key))
    found.extend(zones[key] for key in contains)
    if len(found) < limit:
        near = process.extract(folded, _places(), scorer=fuzz.WRatio, limit=limit, score_cutoff=70)
        found.extend(zones[match[0]] for match in near)
    return list(dict.fromkeys(found))[:limit]


def parse_date(text: str, today: date) -> date:
    """Parse ``today``, ``yesterday`` or an ISO date (``2027-01-04``)."""
    cleaned = text.strip().lower()
    if cleaned == "today":
        return today
    if cleaned == "yesterday":
        return today - timedelta(days=1)
    match = _ISO_DATE_RE.fullmatch(cleaned)
    if match is None:
        raise ParseError(f"I couldn't read {_quote(text.strip())} as a date — {_DATE_HINT}")
    year, month, day = (int(part) for part in match.groups())
    if not 1 <= year <= 9999:
        raise ParseError(f"{_quote(text.strip())} is out of range — {_DATE_HINT}")
    if not 1 <= month <= 12:
        raise ParseError(f"{_quote(text.strip())} has month {month}; months go from 1 to 12")
    days_in_month = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days_in_month:
        raise ParseError(f"{calendar.month_name[month]} {year} has no day {day}")
    return date(year, month, day)


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
