"""The day planner on the shipped curriculum and on small hand-made ones."""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

import pytest

from bot.config import DEFAULT_CURRICULUM
from bot.curriculum.loader import load_curriculum
from bot.curriculum.models import (
    Block,
    Curriculum,
    Hours,
    Month,
    Resource,
    Schedule,
    ScheduleItem,
    Topic,
    Week,
)
from bot.curriculum.planner import (
    DayKind,
    DayPlan,
    DayStatus,
    ItemKind,
    PlanInputError,
    day_plan,
    week_plan,
)
from bot.curriculum.planner_slots import schedule_slots

MONDAY = date(2027, 1, 4)
WEDNESDAY = date(2027, 1, 6)


@cache
def real() -> Curriculum:
    return load_curriculum(DEFAULT_CURRICULUM)


def tiny(weeks: int = 2) -> Curriculum:
    """A small path whose schedule differs from the seed's, to prove it is read, not assumed."""

    def week(number: int) -> Week:
        return Week(
            number=number,
            number_in_month=number,
            title=f"Week {number} title",
            hours=Hours(min=5, max=6),
            blocks=[
                Block(
                    title=f"B{number}a",
                    hours=Hours(min=2, max=3),
                    topics=[Topic(text=f"t{number}a{i}") for i in range(3)],
                    exercises=[f"e{number}a{i}" for i in range(2)],
                    resources=[Resource(title=f"R{number}a", authors=["Ann"], scope="ch. 1")],
                ),
                Block(
                    title=f"B{number}b",
                    hours=Hours(min=2, max=3),
                    topics=[Topic(text=f"t{number}b0", subtopics=["sub"])],
                    exercises=[f"e{number}b0"],
                    resources=[Resource(title=f"R{number}b")],
                ),
            ],
        )

    return Curriculum(
        title="Tiny",
        months=[Month(number=1, title="M", weeks=[week(n) for n in range(1, weeks + 1)])],
        schedule=Schedule(
            weekday=[
                ScheduleItem(label="Read the theory", minutes_min=20, minutes_max=20),
                ScheduleItem(label="Practice", minutes_min=20, minutes_max=40),
            ],
            saturday=[
                ScheduleItem(label="Review", minutes_min=30, minutes_max=30),
                ScheduleItem(label="Project work", minutes_min=30, minutes_max=60),
            ],
            sunday=[
                ScheduleItem(label="Complete exercises", minutes_min=30, minutes_max=60),
                ScheduleItem(label="Prepare for next week", minutes_min=15, minutes_max=15),
            ],
        ),
    )


def test_the_readme_example_is_day_45_in_week_7() -> None:
    plan = day_plan(real(), MONDAY, date(2027, 2, 17))
    assert plan.status is DayStatus.ACTIVE
    assert (plan.day, plan.week, plan.month, plan.week_of_month) == (45, 7, 2, 3)
    assert plan.week_title == "Vector Databases & Retrieval"
    assert plan.day_kind is DayKind.WEEKDAY
    assert [item.kind for item in plan.items] == [ItemKind.THEORY, ItemKind.HANDS_ON]
    assert plan.total_minutes == sum(item.minutes for item in plan.items)
    assert plan.blocks
    block_titles = {b.title: b for b in real().week(7).blocks}
    expected = [r for title in plan.blocks for r in block_titles[title].resources]
    assert plan.resources == expected


def test_day_1_is_the_start_date_and_day_112_the_last() -> None:
    assert day_plan(real(), MONDAY, MONDAY).day == 1
    last = day_plan(real(), MONDAY, MONDAY + timedelta(days=111))
    assert (last.day, last.week, last.status) == (112, 16, DayStatus.ACTIVE)
    assert any("Last day" in note for note in last.notes)
    after = day_plan(real(), MONDAY, MONDAY + timedelta(days=112))
    assert after.status is DayStatus.COMPLETE
    assert after.day is None
    assert after.items == []
    assert "complete" in after.notes[0]


def test_before_the_start_it_counts_down() -> None:
    plan = day_plan(real(), MONDAY, date(2026, 12, 25))
    assert plan.status is DayStatus.NOT_STARTED
    assert plan.days_until_start == 10
    assert plan.day is None
    assert plan.week is None
    assert "in 10 days" in plan.notes[0]
    assert day_plan(real(), MONDAY, date(2027, 1, 3)).notes[0].endswith("in 1 day.")


def test_a_paused_date_has_no_items_and_names_the_day_it_interrupts() -> None:
    paused = [date(2027, 1, 20), date(2027, 1, 21), date(2027, 1, 22)]
    plan = day_plan(real(), MONDAY, date(2027, 1, 21), paused)
    assert plan.status is DayStatus.PAUSED
    assert plan.day == 17
    assert plan.week == 3
    assert plan.items == []
    assert plan.total_minutes == 0
    assert "resumes on 2027-01-23" in plan.notes[0]
    assert day_plan(real(), MONDAY, date(2027, 1, 23), paused).day == 17


def test_the_rhythm_follows_the_calendar_weekday_not_the_position_in_the_week() -> None:
    """A Wednesday cohort has its review and project on Saturday, its path day 4."""
    saturday = day_plan(real(), WEDNESDAY, date(2027, 1, 9))
    assert (saturday.day, saturday.day_of_week, saturday.day_kind) == (4, 4, DayKind.SATURDAY)
    assert [item.kind for item in saturday.items] == [ItemKind.REVIEW, ItemKind.PROJECT]
    monday = day_plan(real(), WEDNESDAY, date(2027, 1, 11))
    assert (monday.day, monday.day_kind) == (6, DayKind.WEEKDAY)
    # After a pause, Saturday is still the long review-and-project day.
    paused_saturday = day_plan(real(), MONDAY, date(2027, 1, 9), [date(2027, 1, 5)])
    assert paused_saturday.day == 5
    assert paused_saturday.day_kind is DayKind.SATURDAY
    assert [item.kind for item in paused_saturday.items] == [ItemKind.REVIEW, ItemKind.PROJECT]


def test_minutes_come_from_the_curriculum_schedule() -> None:
    days = week_plan(tiny(), MONDAY, 1)
    weekday, saturday, sunday = days[0], days[5], days[6]
    assert [item.kind for item in weekday.items] == [ItemKind.THEORY, ItemKind.HANDS_ON]
    assert weekday.items[0].minutes == 20
    assert 20 <= weekday.items[1].minutes <= 40
    assert saturday.items[0].minutes == 30
    assert [item.kind for item in sunday.items] == [ItemKind.EXERCISES, ItemKind.PREPARE]
    total = sum(day.total_minutes for day in days)
    assert total == days[0].week_minutes
    assert 5 * 60 <= total <= 6 * 60


def test_a_blocks_topics_come_before_its_exercises() -> None:
    days = week_plan(tiny(), MONDAY, 1)
    # Block a (3 topics, 2 exercises) gets Monday to Wednesday, block b Thursday and Friday.
    assert [day.blocks for day in days[:5]] == [["B1a"]] * 3 + [["B1b"]] * 2
    assert [[t.text for t in day.items[0].topics] for day in days[:4]] == [
        ["t1a0"],
        ["t1a1"],
        ["t1a2"],
        ["t1b0"],
    ]
    assert [day.items[1].exercises for day in days[:5]] == [[], ["e1a0"], ["e1a1"], [], ["e1b0"]]
    # No exercise yet on Monday: the hands-on slot practises the day's topics.
    assert days[0].items[1].title == "Practice: try today's topics in code"
    assert [t.text for t in days[0].items[1].topics] == ["t1a0"]
    # A block with fewer topics than days goes deeper into them on its spare day.
    assert days[4].items[0].topics == [Topic(text="t1b0", subtopics=["sub"])]
    assert "go deeper" in days[4].items[0].title
    assert [r.title for r in days[0].resources] == ["R1a"]
    assert [r.title for r in days[4].resources] == ["R1b"]


def test_sunday_prepares_next_week_and_the_last_week_looks_back() -> None:
    week_one = week_plan(tiny(), MONDAY, 1)
    assert "Week 2 · Week 2 title" in week_one[6].items[1].title
    week_two = week_plan(tiny(), MONDAY, 2)
    assert "look back" in week_two[6].items[1].title


def test_week_plan_gives_seven_consecutive_path_days() -> None:
    days = week_plan(real(), WEDNESDAY, 7, [date(2027, 2, 20)])
    assert [day.day for day in days] == list(range(43, 50))
    assert all(day.week == 7 and day.status is DayStatus.ACTIVE for day in days)
    assert date(2027, 2, 20) not in [day.date for day in days]
    for day in days:
        assert day_plan(real(), WEDNESDAY, day.date, [date(2027, 2, 20)]) == day
    with pytest.raises(PlanInputError, match="week 17 is not in the path"):
        week_plan(real(), MONDAY, 17)


def test_the_capstone_plans_the_schedule_maximum_and_says_so() -> None:
    days = week_plan(real(), MONDAY, 16)
    assert days[0].week_minutes == 18 * 60
    assert all(any("asks 20–24 h" in note for note in day.notes) for day in days)
    capstone = real().week(16).blocks[0]
    work = {text for day in days for item in day.items for text in item.exercises}
    delivered = {text for day in days for item in day.items for text in item.deliverables}
    assert set(capstone.requirements) <= work
    assert set(capstone.deliverables) <= delivered


def test_the_json_is_the_model_dump_and_reads_back() -> None:
    plan = day_plan(real(), MONDAY, date(2027, 2, 17))
    data = plan.model_dump(mode="json")
    for key in (
        "date",
        "status",
        "day",
        "week",
        "month",
        "week_of_month",
        "blocks",
        "items",
        "resources",
        "total_minutes",
        "notes",
        "days_until_start",
    ):
        assert key in data
    assert data["date"] == "2027-02-17"
    assert data["status"] == "active"
    assert set(data["items"][0]) >= {"kind", "title", "minutes", "topics", "exercises"}
    assert DayPlan.model_validate(data) == plan


def test_slot_kinds_come_from_labels_then_from_positions() -> None:
    def item(label: str) -> ScheduleItem:
        return ScheduleItem(label=label, minutes_min=10, minutes_max=20)

    schedule = Schedule(
        weekday=[item("Hands-on coding"), item("Reading")],
        saturday=[item("Morning"), item("Afternoon")],
        sunday=[item("Prepare for next week"), item("Complete exercises")],
    )
    kinds = {
        day: [slot.kind for slot in schedule_slots(schedule, day)]
        for day in (DayKind.WEEKDAY, DayKind.SATURDAY, DayKind.SUNDAY)
    }
    assert kinds == {
        DayKind.WEEKDAY: [ItemKind.HANDS_ON, ItemKind.THEORY],
        DayKind.SATURDAY: [ItemKind.REVIEW, ItemKind.PROJECT],
        DayKind.SUNDAY: [ItemKind.PREPARE, ItemKind.EXERCISES],
    }


def test_a_week_of_weekends_still_covers_everything_and_notes_the_minimum() -> None:
    """Pausing three working weeks turns path week 1 into seven weekend days."""
    saturday = date(2027, 1, 9)
    paused = [
        day for offset in range(2, 21) if (day := saturday + timedelta(days=offset)).weekday() < 5
    ]
    days = week_plan(real(), saturday, 1, paused)
    assert [day.day_kind for day in days] == [DayKind.SATURDAY, DayKind.SUNDAY] * 3 + [
        DayKind.SATURDAY
    ]
    week = real().week(1)
    topics = [t for day in days for item in day.items for t in item.topics]
    tasks = {x for day in days for item in day.items for x in item.exercises}
    assert all(topic in topics for block in week.blocks for topic in block.topics)
    assert tasks == {x for block in week.blocks for x in block.tasks()}
    assert days[0].week_minutes == 7 * 180
    assert all(any("schedule's minimum" in note for note in day.notes) for day in days)
    # Day 1 is a Saturday: the review previews the week before the project starts on it.
    assert days[0].items[0].title == "Review weekly concepts: a first look at this week"
