from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.scheduling.localtime import describe, end_of_day, resolve

NEW_YORK, SYDNEY = ZoneInfo("America/New_York"), ZoneInfo("Australia/Sydney")
ZONES = [
    "Pacific/Honolulu",
    "America/New_York",
    "America/Santiago",
    "Europe/London",
    "Europe/Berlin",
    "Asia/Kolkata",
    "Australia/Lord_Howe",
    "Australia/Sydney",
    "Pacific/Kiritimati",
    "Pacific/Chatham",
    "UTC",
]


def test_a_skipped_time_happens_at_the_next_valid_minute() -> None:
    instant = resolve(date(2027, 3, 14), time(2, 30), NEW_YORK)
    assert instant == datetime(2027, 3, 14, 7, 0, tzinfo=UTC)
    assert describe(instant, NEW_YORK) == "2027-03-14 03:00 America/New_York (EDT)"


def test_a_repeated_time_happens_once_at_its_first_occurrence() -> None:
    assert resolve(date(2027, 11, 7), time(1, 30), NEW_YORK) == datetime(
        2027, 11, 7, 5, 30, tzinfo=UTC
    )
    assert resolve(date(2027, 4, 4), time(2, 30), SYDNEY) == datetime(
        2027, 4, 3, 15, 30, tzinfo=UTC
    )


def test_the_day_ends_at_the_next_local_midnight() -> None:
    # 2027-03-14 in New York is 23 hours long.
    start = resolve(date(2027, 3, 14), time(0, 0), NEW_YORK)
    assert end_of_day(date(2027, 3, 14), NEW_YORK) - start == timedelta(hours=23)


@settings(max_examples=150, deadline=None)
@given(
    zone=st.sampled_from(ZONES),
    day=st.dates(min_value=date(2026, 1, 1), max_value=date(2028, 12, 31)),
    minute=st.integers(min_value=0, max_value=24 * 60 - 1),
)
def test_resolve_is_the_first_minute_the_wall_clock_reaches_the_time(
    zone: str, day: date, minute: int
) -> None:
    tz = ZoneInfo(zone)
    wanted = time(minute // 60, minute % 60)
    instant = resolve(day, wanted, tz)
    local = instant.astimezone(tz)
    assert local.date() == day
    assert local.time() >= wanted
    before = (instant - timedelta(minutes=1)).astimezone(tz)
    # A minute earlier the clock had not reached the time yet (or showed yesterday).
    assert before.date() < day or before.time() < wanted
