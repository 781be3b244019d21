"""Streak arithmetic: counting days, freezes, pauses, today and the path's end."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.curriculum.planner_calendar import PathCalendar
from bot.services.streaks import compute_streaks

START = date(2027, 1, 4)  # a Monday


def days(first: int, last: int) -> set[date]:
    """Path days first..last (1-based, no pauses) as dates."""
    return {START + timedelta(days=n - 1) for n in range(first, last + 1)}


def cal(paused: set[date] | None = None) -> PathCalendar:
    return PathCalendar.build(START, 112, paused or set())


def test_consecutive_days_count() -> None:
    stats = compute_streaks(cal(), START + timedelta(days=4), days(1, 5), 0)
    assert (stats.current, stats.longest, stats.missed) == (5, 5, 0)


def test_today_is_not_missed_until_it_is_over() -> None:
    stats = compute_streaks(cal(), START + timedelta(days=5), days(1, 5), 0)
    assert (stats.current, stats.missed) == (5, 0)


def test_a_missed_day_breaks_without_freezes() -> None:
    active = days(1, 3) | days(5, 6)
    stats = compute_streaks(cal(), START + timedelta(days=5), active, 0)
    assert (stats.current, stats.longest, stats.missed) == (2, 3, 1)


def test_one_freeze_per_path_week_keeps_the_streak() -> None:
    active = days(1, 3) | days(5, 6)
    stats = compute_streaks(cal(), START + timedelta(days=5), active, 1)
    assert (stats.current, stats.frozen, stats.missed) == (5, 1, 1)


def test_second_miss_in_the_same_week_breaks_it() -> None:
    active = days(1, 2) | days(4, 4) | days(6, 7)
    stats = compute_streaks(cal(), START + timedelta(days=6), active, 1)
    assert stats.current == 2
    assert stats.longest == 3


def test_freezes_renew_each_path_week() -> None:
    active = (days(1, 14) - days(3, 3)) - days(10, 10)
    stats = compute_streaks(cal(), START + timedelta(days=13), active, 1)
    assert stats.current == 12
    assert stats.frozen == 2


def test_paused_days_neither_count_nor_break() -> None:
    paused = days(4, 8)
    active = days(1, 3) | days(9, 10)
    stats = compute_streaks(cal(paused), START + timedelta(days=9), active, 0)
    assert (stats.current, stats.missed) == (5, 0)


def test_nothing_before_the_start() -> None:
    stats = compute_streaks(cal(), START - timedelta(days=1), set(), 1)
    assert stats.current == stats.longest == stats.missed == 0


def test_missed_days_after_the_path_do_not_break() -> None:
    active = days(1, 112)
    stats = compute_streaks(cal(), START + timedelta(days=130), active, 0)
    assert stats.current == 112
    assert stats.missed == 0


@settings(max_examples=60, deadline=None)
@given(
    active_days=st.sets(st.integers(min_value=0, max_value=130), max_size=120),
    paused_days=st.sets(st.integers(min_value=0, max_value=130), max_size=20),
    today=st.integers(min_value=0, max_value=130),
    freezes=st.integers(min_value=0, max_value=3),
)
def test_streak_invariants(
    active_days: set[int], paused_days: set[int], today: int, freezes: int
) -> None:
    paused = {START + timedelta(days=n) for n in paused_days}
    active = {START + timedelta(days=n) for n in active_days}
    stats = compute_streaks(cal(paused), START + timedelta(days=today), active, freezes)
    counted = {d for d in active if d not in paused and d <= START + timedelta(days=today)}
    assert stats.current <= stats.longest <= stats.active == len(counted)
    assert stats.frozen <= stats.missed
    assert stats.missed + stats.active <= today + 1
    more = compute_streaks(cal(paused), START + timedelta(days=today), active, freezes + 1)
    assert more.longest >= stats.longest  # a freeze more never hurts
    assert more.current >= stats.current
