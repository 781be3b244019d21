"""Accountability buddies over several weeks: close time zones together, never the same
pair two weeks running, an odd one out in a three, introduced once, and /buddy showing
the buddy's check-ins; on Slack the introduction is one group DM."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from bot.replies import Reply
from bot.scheduling.jobs import enqueue_due
from bot.storage.outbox import MessageKind, OutboxMessage
from tests.conftest import Bot, Database, caller_for
from tests.fakes.slack_api import running_fake_slack
from tests.fakes.slack_runner import slack_adapter

BOSS = caller_for("boss", admin=True)
PEOPLE = {"ada": "Europe/Berlin", "bob": "Europe/Paris", "cy": "Asia/Tokyo", "dee": "Asia/Seoul"}
FIRST_MONDAY = date(2027, 1, 11)


async def _cohort(pathbot: Bot, people: dict[str, str]) -> None:
    pathbot.clock.set(datetime(2027, 1, 4, 6, tzinfo=UTC))
    for line in ("/cohort-start 2027-01-04", "/workspace-tz UTC"):
        assert (await pathbot.say(BOSS, line)).ok
    for name, zone in people.items():
        assert (await pathbot.say(caller_for(name), f"/join 2027-01-04 {zone} 08:00")).ok
        assert (await pathbot.say(caller_for(name), "/buddy on")).ok
    assert (await pathbot.say(caller_for("eve"), "/join 2027-01-04 UTC 08:00")).ok  # no buddy


async def _monday(pathbot: Bot, week: int) -> list[OutboxMessage]:
    monday = datetime.combine(FIRST_MONDAY + timedelta(weeks=week), datetime.min.time(), UTC)
    for minutes in (9 * 60, 9 * 60 + 1):  # twice: introduced once
        when = monday + timedelta(minutes=minutes)
        pathbot.clock.set(when)
        async with pathbot.core.sessions() as db, db.begin():
            await enqueue_due(db, pathbot.core, when)
    async with pathbot.core.sessions() as db:
        rows = await db.scalars(
            select(OutboxMessage)
            .where(
                OutboxMessage.kind == MessageKind.BUDDY_INTRO.value,
                OutboxMessage.local_date == monday.date(),
            )
            .order_by(OutboxMessage.target)
        )
        return list(rows)


def _groups(rows: list[OutboxMessage]) -> set[frozenset[str]]:
    titles = {json.loads(row.body)["title"] for row in rows}
    return {
        frozenset(name.strip().lower() for name in title.split(":")[1].split("&"))
        for title in titles
    }


async def test_pairs_over_three_weeks(pathbot: Bot) -> None:
    await _cohort(pathbot, PEOPLE)

    first = await _monday(pathbot, 0)
    assert len(first) == 4  # a DM each (the console, like Discord, has no group DMs)
    assert _groups(first) == {frozenset({"ada", "bob"}), frozenset({"cy", "dee"})}
    body = json.loads(first[0].body)
    assert body["title"].startswith("This week's buddies: ")
    assert any(line.startswith("Your week: 2,") for line in body["lines"])
    assert any(line.startswith("A question to start: ") for line in body["lines"])

    second = await _monday(pathbot, 1)  # last week's pairs never twice running
    assert _groups(second) == {frozenset({"ada", "cy"}), frozenset({"bob", "dee"})}
    third = await _monday(pathbot, 2)
    assert _groups(third) == {frozenset({"ada", "bob"}), frozenset({"cy", "dee"})}


async def test_an_odd_one_out_makes_a_three_and_buddy_shows_checkins(pathbot: Bot) -> None:
    await _cohort(pathbot, {**PEOPLE, "fay": "America/New_York"})
    rows = await _monday(pathbot, 0)
    assert _groups(rows) == {frozenset({"fay", "ada"}), frozenset({"bob", "cy", "dee"})}

    pathbot.clock.set(datetime(2027, 1, 12, 12, tzinfo=UTC))
    assert (await pathbot.say(caller_for("cy"), "/checkin done")).ok
    shown = await pathbot.say(caller_for("bob"), "/buddy")
    assert shown.title.startswith("Your buddies this week")
    assert any(line.startswith("Cy (Asia/Tokyo): Tue done") for line in shown.lines)
    assert any("Dee (Asia/Seoul): no check-in yet" in line for line in shown.lines)
    alone = await pathbot.say(caller_for("eve"), "/buddy")
    assert alone.title == "No buddy this week"


async def test_off_means_no_buddy_next_week(pathbot: Bot) -> None:
    await _cohort(pathbot, PEOPLE)
    assert (await pathbot.say(caller_for("dee"), "/buddy off")).ok
    rows = await _monday(pathbot, 0)
    assert _groups(rows) == {frozenset({"ada", "bob", "cy"})}


async def test_slack_introduces_a_group_in_one_group_dm(
    database: Database, shipped_curriculum: object
) -> None:
    async with running_fake_slack() as slack:
        adapter = slack_adapter(
            slack,
            database,
            shipped_curriculum,
            datetime(2027, 1, 11, 9, tzinfo=UTC),  # type: ignore[arg-type]
        )
        await adapter.send("group:U0ADA0001,U0BOB0001", Reply(title="This week's buddies"))
    (opened,) = slack.called("conversations.open")
    assert opened.args["users"] == "U0ADA0001,U0BOB0001"
    (posted,) = slack.called("chat.postMessage")
    assert posted.args["channel"] == "D0ADA0001,U0BOB0001"  # the fake's id for it
