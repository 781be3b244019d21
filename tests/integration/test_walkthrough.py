"""Three members in three time zones walk the whole 16-week path, day by day.

Los Angeles studies every day; Berlin skips every Sunday (a streak freeze covers
it); Kolkata pauses for a week, then misses two days in a row in path week 9
(the freeze covers the first, the second breaks the streak). After each of their
days we check /today, /progress and, each Wednesday, last week's leaderboard.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.caller import Caller
from tests.conftest import Bot, caller_for
from tests.fixtures.boards import shown as board_rows

START = date(2027, 1, 4)  # a Monday
PATH_DAYS = 112
WALK_DAYS = PATH_DAYS + 7 + 7  # Kolkata's pause pushes their end a week later


@dataclass
class Walker:
    caller: Caller
    zone: str
    minutes: int
    logged: dict[date, int] = field(default_factory=dict)
    paused: set[date] = field(default_factory=set)

    def path_day(self, on: date) -> int:
        return (on - START).days + 1 - sum(1 for day in self.paused if day < on)


def skips(name: str, day: int) -> bool:
    """Does this walker do nothing on path day `day`?"""
    if name == "berlin":
        return day % 7 == 0  # path day 7, 14, …: always a Sunday here
    if name == "kolkata":
        return day in {59, 60}
    return False


def expected_streak(name: str, day: int) -> tuple[int, int, int]:
    """(current, longest, missed) at the end of a path day's evening, after acting."""
    if name == "la":
        return day, day, 0
    if name == "berlin":
        sundays_before = (day - 1) // 7
        active = day - sundays_before - (1 if day % 7 == 0 else 0)
        return active, active, sundays_before
    if day <= 58:
        return day, day, 0
    if day == 59:
        return 58, 58, 0
    if day == 60:
        return 58, 58, 1
    return day - 60, 58, 2


def field_values(reply_fields: list[object]) -> dict[str, str]:
    return {f.name: f.value for f in reply_fields}  # type: ignore[attr-defined]


async def test_sixteen_weeks_in_three_time_zones(pathbot: Bot) -> None:
    walkers = {
        "la": Walker(caller_for("la"), "America/Los_Angeles", 90),
        "berlin": Walker(caller_for("berlin"), "Europe/Berlin", 120),
        "kolkata": Walker(caller_for("kolkata"), "Asia/Kolkata", 60),
    }
    for name, walker in walkers.items():
        pathbot.clock.set(datetime(2027, 1, 1, 12, tzinfo=ZoneInfo(walker.zone)))
        reply = await pathbot.say(walker.caller, f"/join 2027-01-04 {walker.zone} 19:00")
        assert reply.ok, (name, reply.text())

    for offset in range(WALK_DAYS):
        on = START + timedelta(days=offset)
        for name, walker in walkers.items():
            pathbot.clock.set(datetime.combine(on, time(20, 0), ZoneInfo(walker.zone)))
            await _evening(pathbot, name, walker, on)
        pathbot.clock.set(datetime.combine(on, time(12, 0), UTC))
        await _check_this_week(pathbot, walkers, on)
        if on.weekday() == 2 and offset >= 7:
            await _check_last_week(pathbot, walkers, on)

    # Two workspaces-worth of numbers add up at the end.
    board = await pathbot.say(walkers["la"].caller, "/leaderboard all")
    totals = {name: sum(w.logged.values()) for name, w in walkers.items()}
    assert [line.split(" ", 1)[1].split(":")[0] for line in board_rows(board)] == [
        name.title() for name in sorted(totals, key=lambda n: -totals[n])
    ]


async def _evening(pathbot: Bot, name: str, walker: Walker, on: date) -> None:
    caller = walker.caller
    if name == "kolkata" and on == START + timedelta(days=28):
        assert (await pathbot.say(caller, "/pause")).ok
    if name == "kolkata" and on == START + timedelta(days=35):
        assert (await pathbot.say(caller, "/resume")).ok
    if name == "kolkata" and START + timedelta(days=28) <= on < START + timedelta(days=35):
        walker.paused.add(on)
        today = await pathbot.say(caller, "/today")
        assert today.title == "Paused"
        assert not (await pathbot.say(caller, "/log 1h")).ok
        paused = field_values((await pathbot.say(caller, "/progress")).fields)
        assert paused["Path"] == "day 29 of 112, paused (25% done)", paused
        assert paused["Streak"] == "28 days"  # a pause neither counts nor breaks
        return
    day = walker.path_day(on)
    if day > PATH_DAYS:
        today = await pathbot.say(caller, "/today")
        assert today.title == "Path complete"
        ended = START + timedelta(days=PATH_DAYS - 1 + len(walker.paused))
        assert today.lines == [f"Path complete: its 112 days ended on {ended.isoformat()}."]
        progress = field_values((await pathbot.say(caller, "/progress")).fields)
        assert progress["Path"] == "complete (100%)"
        # The last path day is over now, so a skipped one counts as missed.
        missed = expected_streak(name, PATH_DAYS + 1)[2]
        assert progress["Days missed"] == str(missed)
        return
    today = await pathbot.say(caller, "/today")
    assert today.title.startswith(f"Day {day}, week {(day - 1) // 7 + 1}:"), (name, today.title)
    if not skips(name, day):
        hours, minutes = divmod(walker.minutes, 60)
        reply = await pathbot.say(caller, f"/log {hours}h{minutes:02d} studied day {day}")
        assert reply.ok, reply.text()
        walker.logged[on] = walker.minutes
        assert (await pathbot.say(caller, "/checkin done")).ok
    progress = await pathbot.say(caller, "/progress")
    values = field_values(progress.fields)
    current, longest, missed = expected_streak(name, day)
    total = sum(walker.logged.values())
    assert values["Total"] == _hours(total), (name, day)
    assert progress.lines == [_pace(pathbot, total, day)], (name, day)
    assert values["Streak"] == _days(current), (name, day, values)
    assert values["Longest streak"] == _days(longest), (name, day)
    assert values["Days missed"] == str(missed), (name, day)
    percent = round(100 * (day - 1) / PATH_DAYS)
    assert values["Path"] == f"day {day} of {PATH_DAYS} ({percent}% done)"
    week = (day - 1) // 7 + 1
    week_days = [d for d in walker.logged if (walker.path_day(d) - 1) // 7 + 1 == week]
    assert values[f"Week {week}"].startswith(_hours(walker.minutes * len(week_days)) + " / ")


async def _check_last_week(pathbot: Bot, walkers: dict[str, Walker], wednesday: date) -> None:
    monday = wednesday - timedelta(days=9)
    expected: dict[str, int] = defaultdict(int)
    for name, walker in walkers.items():
        for day, minutes in walker.logged.items():
            if monday <= day < monday + timedelta(days=7):
                expected[name] += minutes
    board = await pathbot.say(walkers["la"].caller, "/leaderboard last")
    shown = {line.split(" ", 1)[1].split(":")[0]: line for line in board_rows(board)}
    on_board = {name: m for name, m in expected.items() if m}
    assert set(shown) == {name.title() for name in on_board}, (wednesday, board_rows(board))
    for name, minutes in on_board.items():
        assert f": {_hours(minutes)}" in shown[name.title()], (wednesday, name)
    ranked = [line.split(" ", 1)[1].split(":")[0] for line in board_rows(board)]
    minutes_in_order = [on_board[name.lower()] for name in ranked]
    assert minutes_in_order == sorted(minutes_in_order, reverse=True)


async def _check_this_week(pathbot: Bot, walkers: dict[str, Walker], on: date) -> None:
    monday = on - timedelta(days=on.weekday())
    expected = {
        name.title(): sum(m for d, m in w.logged.items() if monday <= d < monday + timedelta(7))
        for name, w in walkers.items()
    }
    board = await pathbot.say(walkers["la"].caller, "/leaderboard")
    if not any(expected.values()):
        assert board_rows(board) == ["No hours on the board this week yet. Be the first: /log 1h"]
        return
    shown = {line.split(" ", 1)[1].split(":")[0]: line for line in board_rows(board)}
    assert set(shown) == {name for name, minutes in expected.items() if minutes}, (
        on,
        board_rows(board),
    )
    for name, line in shown.items():
        assert f": {_hours(expected[name])}" in line, (on, line)


def _pace(pathbot: Bot, total: int, day: int) -> str:
    """Ahead or behind each week's lower bound, counted up to the end of yesterday."""
    done = day - 1
    planned = 0.0
    for week in pathbot.core.curriculum.weeks():
        days_in = min(max(done - 7 * (week.number - 1), 0), 7)
        planned += week.hours.min * 60 * days_in / 7
    gap = total - round(planned)
    if abs(gap) < 60:
        return "You are on track."
    return f"You are {_hours(abs(gap))} {'ahead of' if gap > 0 else 'behind'} the plan."


def _hours(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest}m"
    return f"{hours}h{rest:02d}" if rest else f"{hours}h"


def _days(count: int) -> str:
    return f"{count} day" if count == 1 else f"{count} days"
