"""/today and the reminders name the topics to study, not only the block."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.curriculum.planner import day_plan
from tests.conftest import Bot, caller_for


async def test_today_lists_the_topics_and_exercises_of_the_day(pathbot: Bot) -> None:
    alice = caller_for("alice")
    assert (await pathbot.say(alice, "/join 2027-01-04 Europe/Berlin 08:00")).ok
    pathbot.clock.set(datetime(2027, 1, 5, 8, tzinfo=UTC))

    reply = await pathbot.say(alice, "/today")

    assert reply.title.endswith("(Tue 2027-01-05)")
    plan = day_plan(pathbot.core.curriculum, date(2027, 1, 4), date(2027, 1, 5))
    topics = [topic.text for item in plan.items for topic in item.topics]
    exercises = [exercise for item in plan.items for exercise in item.exercises]
    assert topics, "day 2 of the path studies topics"
    text = "\n".join(reply.lines)
    for line in [*topics, *exercises]:
        assert line in text
