"""Minutes per slot: inside the schedule's ranges, the week's total inside its stated hours."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.curriculum.models import Hours
from bot.curriculum.planner_minutes import allocate, format_minutes

WEEKDAY = [(30, 30), (30, 90)]
SATURDAY = [(60, 60), (120, 180)]
SUNDAY = [(120, 180), (60, 60)]
NORMAL_WEEK = WEEKDAY * 5 + SATURDAY + SUNDAY


def test_a_normal_week_lands_in_the_middle_of_its_hours() -> None:
    budget = allocate(NORMAL_WEEK, Hours(min=10, max=12), 1)
    assert budget.total == 660
    assert sum(budget.minutes) == 660
    assert budget.note is None


def test_a_week_asking_more_than_the_schedule_gets_the_maximum_and_a_note() -> None:
    budget = allocate(NORMAL_WEEK, Hours(min=20, max=24), 16)
    assert budget.minutes == [hi for _, hi in NORMAL_WEEK]
    assert budget.total == 18 * 60
    assert budget.note is not None
    assert "Week 16 asks 20–24 h" in budget.note
    assert "maximum" in budget.note


def test_a_weekend_heavy_week_after_pauses_gets_the_minimum_and_a_note() -> None:
    ranges = SATURDAY * 2 + SUNDAY * 2 + WEEKDAY * 3
    budget = allocate(ranges, Hours(min=10, max=12), 5)
    assert budget.minutes == [lo for lo, _ in ranges]
    assert budget.note is not None
    assert "minimum" in budget.note


def test_extra_minutes_are_spread_in_five_minute_steps() -> None:
    # Six weekdays and a Sunday: 540 minutes at least, the target is 660.
    ranges = WEEKDAY * 6 + SUNDAY
    budget = allocate(ranges, Hours(min=10, max=12), 3)
    assert budget.total == 660
    assert sum(budget.minutes) == 660
    assert all(m % 5 == 0 for m in budget.minutes)
    hands_on = budget.minutes[1:12:2]
    assert max(hands_on) - min(hands_on) <= 5, "extra time is shared, not piled on one day"


def test_format_minutes() -> None:
    assert format_minutes(30) == "30 min"
    assert format_minutes(60) == "1 h"
    assert format_minutes(690) == "11 h 30 min"


ranges_strategy = st.lists(
    st.tuples(st.integers(0, 120), st.integers(0, 120)).map(lambda t: (min(t), max(t))),
    min_size=1,
    max_size=21,
)


@settings(max_examples=100, deadline=None)
@given(
    ranges=ranges_strategy,
    low=st.integers(0, 30 * 60),
    span=st.integers(0, 10 * 60),
)
def test_every_slot_stays_in_range_and_the_total_follows_the_rule(
    ranges: list[tuple[int, int]], low: int, span: int
) -> None:
    hours = Hours(min=low / 60, max=(low + span) / 60)
    budget = allocate(ranges, hours, 1)
    assert len(budget.minutes) == len(ranges)
    assert all(lo <= m <= hi for m, (lo, hi) in zip(budget.minutes, ranges, strict=True))
    assert sum(budget.minutes) == budget.total
    schedule_low = sum(lo for lo, _ in ranges)
    schedule_high = sum(hi for _, hi in ranges)
    if schedule_high < low:
        assert budget.total == schedule_high
        assert budget.note is not None
    elif schedule_low > low + span:
        assert budget.total == schedule_low
        assert budget.note is not None
    else:
        assert low <= budget.total <= low + span
        assert budget.note is None
