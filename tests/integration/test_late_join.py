"""Joining a cohort three weeks in: keep its pace and count from the join day, or start
week 1 on one's own plan; never judged on the days before joining."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.replies import Reply
from tests.conftest import Bot, caller_for

BOSS = caller_for("boss", admin=True)
ZED = caller_for("zed")


def _field(reply: Reply, name: str) -> str:
    return next(field.value for field in reply.fields if field.name.startswith(name))


async def _cohort_under_way(pathbot: Bot) -> None:
    pathbot.clock.set(datetime(2027, 1, 4, 9, tzinfo=UTC))
    assert (await pathbot.say(BOSS, "/cohort-start 2027-01-04")).ok
    assert (await pathbot.say(BOSS, "/workspace-tz UTC")).ok
    pathbot.clock.set(datetime(2027, 1, 25, 10, tzinfo=UTC))  # day 22, Monday of week 4


async def test_a_late_joiner_keeps_pace_and_counts_from_the_join_day(pathbot: Bot) -> None:
    await _cohort_under_way(pathbot)

    joined = await pathbot.say(ZED, "/join UTC 08:00")

    assert joined.ok, joined.text()
    assert "The cohort is on day 22" in joined.lines[0]
    assert "only days from today count" in joined.lines[0]
    assert "/pace own" in joined.text()
    progress = await pathbot.say(ZED, "/progress")
    assert progress.lines[0] == "You are on track."  # not 30h behind the weeks before
    assert _field(progress, "Path") == "day 22 of 112 (19% done)"
    assert _field(progress, "Days missed") == "0"
    slipping = await pathbot.say(BOSS, "/at-risk")
    assert not any(line.startswith("Zed:") for line in slipping.lines)

    # Two days later, having studied on both: a two-day streak, nothing missed before.
    for day in ("2027-01-25", "2027-01-26"):
        pathbot.clock.set(datetime.fromisoformat(f"{day}T20:00:00+00:00"))
        assert (await pathbot.say(ZED, "/log 1h30")).ok
    pathbot.clock.set(datetime(2027, 1, 27, 20, tzinfo=UTC))
    later = await pathbot.say(ZED, "/progress")
    assert _field(later, "Streak") == "2 days"
    assert _field(later, "Days missed") == "0"  # today is not over
    card = later.card
    assert card is not None
    assert card.kind == "progress"


async def test_or_starts_week_one_on_their_own_plan_and_can_switch(pathbot: Bot) -> None:
    await _cohort_under_way(pathbot)

    joined = await pathbot.say(ZED, "/join UTC 08:00 own")

    assert joined.ok, joined.text()
    assert "starts today" in joined.lines[0]
    assert "/pace cohort" in joined.text()
    assert _field(await pathbot.say(ZED, "/progress"), "Path") == "day 1 of 112 (0% done)"

    assert (await pathbot.say(ZED, "/log 2h")).ok  # week 1 of their own plan
    switched = await pathbot.say(ZED, "/pace cohort")
    assert switched.ok
    assert "day 22" in switched.lines[0]
    progress = await pathbot.say(ZED, "/progress")
    assert _field(progress, "Path") == "day 22 of 112 (19% done)"
    assert progress.lines[0] == "You are 2h ahead of the plan."  # only from the join day
    # Today's log moved with the plan: it counts toward the cohort's week 4 now.
    assert _field(progress, "Week 4") == "2h / 10–12 h"

    back = await pathbot.say(ZED, "/pace own")
    assert back.title == "On your own plan"
    assert _field(await pathbot.say(ZED, "/progress"), "Path") == "day 1 of 112 (0% done)"


async def test_joining_on_time_or_with_a_date_is_unchanged(pathbot: Bot) -> None:
    await _cohort_under_way(pathbot)
    early = await pathbot.say(caller_for("amy"), "/join 2027-01-04 UTC 08:00")  # her choice
    assert "started on Monday 2027-01-04" in early.lines[0]
    progress = await pathbot.say(caller_for("amy"), "/progress")
    assert "behind the plan" in progress.lines[0]  # she chose the cohort's first day
    assert not (await pathbot.say(caller_for("amy"), "/pace")).ok
