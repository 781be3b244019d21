"""Path-day arithmetic: day numbers, pauses, and parsing what people type for dates."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.curriculum.planner_calendar import PathCalendar, PlanInputError, parse_date, parse_paused
from bot.curriculum.planner_models import DayStatus

START = date(2027, 1, 4)


def test_parse_date_reads_iso_dates() -> None:
    assert parse_date(" 2027-01-04 ") == START


@pytest.mark.parametrize("text", ["2027-02-30", "2027-13-01", "tomorrow", "", "04/01/2027"])
def test_parse_date_refuses_impossible_dates_kindly(text: str) -> None:
    with pytest.raises(PlanInputError, match="is not a real date; use YYYY-MM-DD"):
        parse_date(text)


def test_parse_paused_reads_a_date_or_an_inclusive_range() -> None:
    assert parse_paused("2027-01-20") == [date(2027, 1, 20)]
    assert parse_paused("2027-01-20..2027-01-22") == [
        date(2027, 1, 20),
        date(2027, 1, 21),
        date(2027, 1, 22),
    ]
    assert parse_paused("2027-01-20..2027-01-20") == [date(2027, 1, 20)]


def test_parse_paused_refuses_backwards_and_silly_ranges() -> None:
    with pytest.raises(PlanInputError, match="ends before it starts"):
        parse_paused("2027-01-22..2027-01-20")
    with pytest.raises(PlanInputError, match="not a real date"):
        parse_paused("2027-01-20..2027-02-30")
    with pytest.raises(PlanInputError, match="longer than ten years"):
        parse_paused("2027-01-01..2207-01-01")


def test_pauses_keep_the_interrupted_day_and_shift_the_rest() -> None:
    calendar = PathCalendar.build(START, 112, [date(2027, 1, 5), date(2027, 1, 6)])
    assert calendar.locate(date(2027, 1, 4)) == (DayStatus.ACTIVE, 1)
    assert calendar.locate(date(2027, 1, 5)) == (DayStatus.PAUSED, 2)
    assert calendar.locate(date(2027, 1, 6)) == (DayStatus.PAUSED, 2)
    assert calendar.locate(date(2027, 1, 7)) == (DayStatus.ACTIVE, 2)
    assert calendar.date_of(2) == date(2027, 1, 7)
    assert calendar.next_active(date(2027, 1, 5)) == date(2027, 1, 7)
    assert calendar.last_date == START + timedelta(days=113)


def test_pauses_before_the_start_are_ignored() -> None:
    calendar = PathCalendar.build(START, 112, [date(2027, 1, 1)])
    assert calendar.paused == ()
    assert calendar.locate(date(2027, 1, 1)) == (DayStatus.NOT_STARTED, None)


def test_a_pause_after_the_last_day_is_simply_complete() -> None:
    calendar = PathCalendar.build(START, 7, [START + timedelta(days=7)])
    assert calendar.locate(START + timedelta(days=6)) == (DayStatus.ACTIVE, 7)
    assert calendar.locate(START + timedelta(days=7)) == (DayStatus.COMPLETE, None)


@settings(max_examples=80, deadline=None)
@given(
    start=st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31)),
    offsets=st.sets(st.integers(min_value=-10, max_value=160), max_size=40),
)
def test_every_date_maps_to_one_day_or_a_pause(start: date, offsets: set[int]) -> None:
    total = 112
    paused = {start + timedelta(days=offset) for offset in offsets}
    calendar = PathCalendar.build(start, total, paused)
    expected = 1
    finished = False
    when = start - timedelta(days=3)
    for _ in range(total + len(offsets) + 10):
        status, day = calendar.locate(when)
        if when < start:
            assert (status, day) == (DayStatus.NOT_STARTED, None)
        elif finished:
            assert (status, day) == (DayStatus.COMPLETE, None)
        elif when in paused:
            # A pause keeps the number of the day it interrupts and consumes none.
            assert (status, day) == (DayStatus.PAUSED, expected)
        else:
            assert (status, day) == (DayStatus.ACTIVE, expected)
            assert calendar.date_of(expected) == when
            expected += 1
            finished = expected > total
        when += timedelta(days=1)
    assert finished, "the walk must reach the end of the path"
