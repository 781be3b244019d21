"""/goal: a weekly target of one's own, used by /progress (and its card), the weekly
summary and who-is-slipping, instead of the path week's hours; /goal off goes back."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.replies import ProgressCard, Reply
from tests.conftest import Bot, caller_for

ADA = caller_for("ada")
BOSS = caller_for("boss", admin=True)


async def _ada_in_week_three(pathbot: Bot) -> None:
    pathbot.clock.set(datetime(2027, 1, 4, 9, tzinfo=UTC))
    assert (await pathbot.say(BOSS, "/cohort-start 2027-01-04")).ok
    assert (await pathbot.say(ADA, "/join 2027-01-04 UTC 08:00")).ok
    pathbot.clock.set(datetime(2027, 1, 18, 20, tzinfo=UTC))  # Monday of week 3
    for back in range(7):  # 14 h over the last week (two 1h logs a day)
        for _ in range(2):
            day = f"2027-01-{18 - back:02d}"
            assert (await pathbot.say(ADA, f"/log 1h --date {day}")).ok


async def test_a_goal_replaces_the_paths_target_everywhere(pathbot: Bot) -> None:
    await _ada_in_week_three(pathbot)
    before = await pathbot.say(ADA, "/progress")
    assert "You are" in before.lines[0]
    assert "behind the plan" in before.lines[0]
    on_path = await pathbot.say(BOSS, "/at-risk")
    assert any(line.startswith("Ada:") and "behind" in line for line in on_path.lines)

    reply = await pathbot.say(ADA, "/goal 5h")
    assert reply.ok, reply.text()
    assert reply.title == "Goal set: 5h a week"

    after = await pathbot.say(ADA, "/progress")
    week = next(field for field in after.fields if field.name.startswith("Week"))
    assert week.value == "2h / 5h (your goal)"  # today's logs only count this week
    assert after.lines[0] == "You are 4h ahead of the plan."  # 14h against 10h expected
    card = after.card
    assert isinstance(card, ProgressCard)
    assert card.week_target == (300, 300)
    slipping = await pathbot.say(BOSS, "/at-risk")
    assert not any(line.startswith("Ada:") for line in slipping.lines)
    today = await pathbot.say(ADA, "/today")
    assert _target(today) == "5h (your goal)"  # as her reminders and calendar say it

    assert (await pathbot.say(ADA, "/goal off")).ok
    back = await pathbot.say(ADA, "/progress")
    assert "behind the plan" in back.lines[0]
    assert _target(await pathbot.say(ADA, "/today")) == "10–12 h"


def _target(reply: Reply) -> str:
    return next(field.value for field in reply.fields if field.name == "Week target")


async def test_absurd_goals_are_refused_and_change_nothing(pathbot: Bot) -> None:
    await _ada_in_week_three(pathbot)
    before = await pathbot.snapshot()
    for line in ("/goal 0", "/goal 20m", "/goal 200h", "/goal -5h", "/goal lots", "/goal"):
        reply = await pathbot.say(ADA, line)
        assert not reply.ok, line
    assert await pathbot.snapshot() == before
    assert not (await pathbot.say(caller_for("zed"), "/goal 5h")).ok  # not joined
