"""Properties of the day planner over the shipped curriculum, any start date and any pauses."""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.config import DEFAULT_CURRICULUM
from bot.curriculum.loader import load_curriculum
from bot.curriculum.models import Curriculum
from bot.curriculum.planner import DayKind, DayPlan, DayStatus, ItemKind, day_plan, week_plan
from bot.curriculum.planner_slots import Slot, schedule_slots

starts = st.dates(min_value=date(2024, 1, 1), max_value=date(2034, 12, 31))
pause_offsets = st.sets(st.integers(min_value=-5, max_value=140), max_size=25)


@cache
def real() -> Curriculum:
    return load_curriculum(DEFAULT_CURRICULUM)


def _pauses(start: date, offsets: set[int]) -> set[date]:
    return {start + timedelta(days=offset) for offset in offsets}


@settings(max_examples=30, deadline=None)
@given(start=starts, offsets=pause_offsets)
def test_consecutive_dates_count_1_to_112_skipping_and_repeating_only_across_pauses(
    start: date, offsets: set[int]
) -> None:
    curriculum = real()
    paused = _pauses(start, offsets)
    active_days: list[int] = []
    when = start - timedelta(days=2)
    previous: DayPlan | None = None
    for _ in range(curriculum.total_days + len(offsets) + 6):
        plan = day_plan(curriculum, start, when, paused)
        if when < start:
            assert plan.status is DayStatus.NOT_STARTED
        elif plan.status is DayStatus.PAUSED:
            assert when in paused
            assert plan.items == []
            # The paused date carries the number the next path day will have.
            assert plan.day == len(active_days) + 1
        elif plan.status is DayStatus.ACTIVE:
            assert when not in paused
            active_days.append(plan.day or 0)
            assert plan.week == (len(active_days) - 1) // 7 + 1
        else:
            assert plan.status is DayStatus.COMPLETE
            assert plan.day is None
            assert len(active_days) == curriculum.total_days
        if previous is not None and previous.status is DayStatus.COMPLETE:
            assert plan.status is DayStatus.COMPLETE, "complete is for good"
        previous = plan
        when += timedelta(days=1)
    assert active_days == list(range(1, curriculum.total_days + 1))
    assert previous is not None
    assert previous.status is DayStatus.COMPLETE


@settings(max_examples=50, deadline=None)
@given(start=starts, on_before=st.integers(min_value=1, max_value=400))
def test_before_the_start_days_until_start_is_right(start: date, on_before: int) -> None:
    plan = day_plan(real(), start, start - timedelta(days=on_before))
    assert plan.status is DayStatus.NOT_STARTED
    assert plan.days_until_start == on_before
    assert plan.day is None
    assert plan.items == []


@settings(max_examples=50, deadline=None)
@given(start=starts, offsets=pause_offsets, after=st.integers(min_value=0, max_value=400))
def test_after_the_last_day_the_path_is_complete(
    start: date, offsets: set[int], after: int
) -> None:
    paused = _pauses(start, offsets)
    last = week_plan(real(), start, 16, paused)[-1]
    assert last.day == real().total_days
    plan = day_plan(real(), start, last.date + timedelta(days=1 + after), paused)
    assert plan.status is DayStatus.COMPLETE
    assert plan.day is None
    assert plan.days_until_start is None


@settings(max_examples=25, deadline=None)
@given(start=starts, offsets=pause_offsets)
def test_every_topic_and_exercise_of_a_week_is_in_its_plan(start: date, offsets: set[int]) -> None:
    curriculum = real()
    paused = _pauses(start, offsets)
    for week in curriculum.weeks():
        days = week_plan(curriculum, start, week.number, paused)
        assert len(days) == 7
        items = [item for day in days for item in day.items]
        topics = [topic for item in items for topic in item.topics]
        tasks = {text for item in items for text in [*item.exercises, *item.deliverables]}
        for block in week.blocks:
            for topic in block.topics:
                assert topic in topics, (week.number, topic.text)
            assert set(block.tasks()) <= tasks, week.number
            assert set(block.deliverables) <= tasks, week.number
        _topics_lead_their_exercises(days)
        for day in days:
            assert day.date not in paused
            kinds = [slot.kind for slot in _slots(day)]
            assert [item.kind for item in day.items] == kinds
            assert day.day_kind is DayKind.of(day.date), "the rhythm follows the calendar"


def _topics_lead_their_exercises(days: list[DayPlan]) -> None:
    """A block's first topic comes no later than its first exercise (same day: earlier slot).

    The same slot holds both only when nothing could be studied first (a weekend start
    with no theory slot yet), and then the slot lists the topics before the exercises.
    """
    first_topic: dict[str, tuple[int, int]] = {}
    first_task: dict[str, tuple[int, int]] = {}
    week = real().week(days[0].week or 0)
    block_of_topic = {t.text: b.title for b in week.blocks for t in b.topics}
    block_of_task = {text: b.title for b in week.blocks for text in b.tasks()}
    for d, day in enumerate(days):
        for i, item in enumerate(day.items):
            if item.kind is ItemKind.PREPARE:
                continue
            for topic in item.topics:
                first_topic.setdefault(block_of_topic[topic.text], (d, i))
            for text in item.exercises:
                first_task.setdefault(block_of_task[text], (d, i))
    for block, position in first_task.items():
        if block in first_topic:
            assert first_topic[block] <= position, (week.number, block)


@settings(max_examples=40, deadline=None)
@given(start=starts, offsets=pause_offsets)
def test_week_minutes_follow_the_stated_hours_or_the_schedule_bound(
    start: date, offsets: set[int]
) -> None:
    curriculum = real()
    paused = _pauses(start, offsets)
    for week in curriculum.weeks():
        days = week_plan(curriculum, start, week.number, paused)
        total = sum(day.total_minutes for day in days)
        assert all(day.week_minutes == total for day in days)
        for day in days:
            for item, slot in zip(day.items, _slots(day), strict=True):
                assert slot.minutes_min <= item.minutes <= slot.minutes_max
        high = sum(slot.minutes_max for day in days for slot in _slots(day))
        low = sum(slot.minutes_min for day in days for slot in _slots(day))
        stated_low, stated_high = week.hours.min * 60, week.hours.max * 60
        noted = all(any("schedule" in note for note in day.notes) for day in days)
        if high < stated_low:
            assert total == high
            assert noted
        elif low > stated_high:
            assert total == low
            assert noted
        else:
            assert stated_low <= total <= stated_high
            assert not any("schedule" in note for day in days for note in day.notes)


def _slots(day: DayPlan) -> list[Slot]:
    assert day.day_kind is not None, "an active day follows a part of the schedule"
    return schedule_slots(real().schedule, day.day_kind)


@settings(max_examples=20, deadline=None)
@given(start=starts)
def test_without_pauses_normal_weeks_fit_their_hours_and_the_capstone_takes_the_maximum(
    start: date,
) -> None:
    curriculum = real()
    for week in curriculum.weeks():
        days = week_plan(curriculum, start, week.number)
        total = days[0].week_minutes or 0
        assert [day.day_kind for day in days].count(DayKind.SATURDAY) == 1
        if week.hours.max * 60 <= 18 * 60:
            assert week.hours.min * 60 <= total <= week.hours.max * 60
        else:
            assert total == 18 * 60
            assert any("maximum" in note for note in days[0].notes)
