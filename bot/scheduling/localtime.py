"""Wall-clock times in IANA zones, made safe for daylight-saving changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

#: No zone skips more than a day; a gap is at most a few hours in practice.
_MAX_GAP_MINUTES = 24 * 60


def resolve(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant at which wall time `at` on `day` in `zone` happens.

    A time skipped by a spring-forward change (02:30 in New York on the second
    Sunday of March) happens at the next valid minute (03:00); a time that
    occurs twice in the autumn happens at its first occurrence only.
    """
    wall = datetime.combine(day, at.replace(tzinfo=None, fold=0))
    for minutes in range(_MAX_GAP_MINUTES):
        candidate = (wall + timedelta(minutes=minutes)).replace(tzinfo=zone, fold=0)
        instant = candidate.astimezone(UTC)
        # A wall time exists iff it survives the round trip through UTC.
        if instant.astimezone(zone).replace(tzinfo=None) == candidate.replace(tzinfo=None):
            return instant
    raise ValueError(f"{at} on {day} never happens in {zone.key}")  # pragma: no cover


def end_of_day(day: date, zone: ZoneInfo) -> datetime:
    """The UTC instant the local day is over (next local midnight, DST-safe)."""
    return resolve(day + timedelta(days=1), time(0, 0), zone)


def describe(instant: datetime, zone: ZoneInfo) -> str:
    """ "2027-03-14 03:00 America/New_York (EDT)": how the recipient's clock reads it."""
    local = instant.astimezone(zone)
    return f"{local:%Y-%m-%d %H:%M} {zone.key} ({local.tzname()})"
