"""Milestones in the cohort channel: a week's hours reached, a month done, a 7-day
streak; at most one per member per day, only for members who allow it, posted once."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from bot.scheduling.jobs import enqueue_due
from bot.storage.models import Celebration
from bot.storage.outbox import MessageKind, OutboxMessage
from tests.conftest import Bot, caller_for

BOSS = caller_for("boss", admin=True)
START = date(2027, 1, 4)


async def _at(pathbot: Bot, day: date, hour: int = 12) -> None:
    pathbot.clock.set(datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=hour))


async def _cohort(pathbot: Bot, *people: str) -> None:
    await _at(pathbot, START, 6)
    for line in ("/cohort-start 2027-01-04", "/workspace-tz UTC", "/set-channel daily C0DAILY01"):
        assert (await pathbot.say(BOSS, line)).ok
    for name in people:
        assert (await pathbot.say(caller_for(name), "/join 2027-01-04 UTC 08:00")).ok


async def _posts(pathbot: Bot) -> list[list[str]]:
    async with pathbot.core.sessions() as db:
        rows = await db.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.kind == MessageKind.CELEBRATIONS.value)
            .order_by(OutboxMessage.local_date)
        )
        return [list(json.loads(row.body)["lines"]) for row in rows]


async def _evening(pathbot: Bot, day: date) -> None:
    for minute in (0, 5):  # twice: the post goes once
        when = datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=20, minutes=minute)
        pathbot.clock.set(when)
        async with pathbot.core.sessions() as db, db.begin():
            await enqueue_due(db, pathbot.core, when)


async def test_a_week_reached_and_a_streak_are_posted_once_in_the_evening(pathbot: Bot) -> None:
    await _cohort(pathbot, "ada", "bob", "cy")
    assert (await pathbot.say(caller_for("cy"), "/settings celebrate off")).ok
    for offset in range(7):  # Mon 4th .. Sun 10th
        day = START + timedelta(days=offset)
        await _at(pathbot, day)
        assert (await pathbot.say(caller_for("bob"), "/checkin done")).ok
        assert (await pathbot.say(caller_for("cy"), "/log 2h")).ok
        if offset == 3:  # Thursday: ada logs her week's 10h in one go
            for _ in range(2):
                assert (await pathbot.say(caller_for("ada"), "/log 5h deep work")).ok
        await _evening(pathbot, day)

    posts = await _posts(pathbot)
    assert posts == [
        ["Ada reached week 1's 10h"],  # Thursday
        ["Bob is on a 7-day streak"],  # Sunday; cy reached 10h on Friday but said no
    ]


async def test_one_milestone_a_day_and_the_month(pathbot: Bot) -> None:
    await _cohort(pathbot, "ada")
    ada = caller_for("ada")
    # Weeks 1-3 reached on their Mondays (each a milestone), then week 4: month 1 done.
    for week in range(4):
        monday = START + timedelta(days=7 * week)
        await _at(pathbot, monday)
        for _ in range(2):
            assert (await pathbot.say(ada, "/log 6h")).ok
    async with pathbot.core.sessions() as db:
        found = list(await db.scalars(select(Celebration).order_by(Celebration.local_date)))
    assert [row.milestone for row in found] == ["week-1", "week-2", "week-3", "month-1"]
    assert found[-1].text.startswith("finished month 1: ")
    # A second milestone the same day (a 7-day streak, say) waits: one a day.
    assert len({row.local_date for row in found}) == len(found)


async def test_a_milestone_after_the_evening_post_goes_in_the_next(pathbot: Bot) -> None:
    await _cohort(pathbot, "ada", "bob")
    await _at(pathbot, START + timedelta(days=2))
    for _ in range(2):
        assert (await pathbot.say(caller_for("ada"), "/log 5h")).ok  # week 1's 10h
    await _evening(pathbot, START + timedelta(days=2))
    await _at(pathbot, START + timedelta(days=2), 22)  # after the post: bob's 10h
    for _ in range(2):
        assert (await pathbot.say(caller_for("bob"), "/log 5h")).ok
    await _evening(pathbot, START + timedelta(days=3))
    assert await _posts(pathbot) == [["Ada reached week 1's 10h"], ["Bob reached week 1's 10h"]]
