"""Reminders people control, on the fake clock: the days they choose, the evening nudge
(the workspace's time, each member's off), and "Later" once, across a DST change."""

from __future__ import annotations

from datetime import UTC, date, datetime

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from bot.commands.parsing import ParseError
from bot.commands.weekdays import parse_days
from bot.scheduling.jobs import enqueue_due
from bot.services.weekdays import DAY_NAMES, EVERY_DAY
from bot.storage.outbox import MessageKind, OutboxMessage
from tests.conftest import Bot, caller_for

BOSS = caller_for("boss", admin=True)
ADA = caller_for("ada")
BOB = caller_for("bob")


async def _tick(pathbot: Bot, when: datetime) -> None:
    pathbot.clock.set(when)
    async with pathbot.core.sessions() as db, db.begin():
        await enqueue_due(db, pathbot.core, when)


async def _rows(pathbot: Bot, kind: MessageKind) -> list[OutboxMessage]:
    async with pathbot.core.sessions() as db:
        found = await db.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.kind == kind.value)
            .order_by(OutboxMessage.local_date, OutboxMessage.target)
        )
        return list(found)


async def _two_members(pathbot: Bot, zone: str = "UTC") -> None:
    pathbot.clock.set(datetime(2027, 1, 4, 6, tzinfo=UTC))
    assert (await pathbot.say(BOSS, "/cohort-start 2027-01-04")).ok
    for caller in (ADA, BOB):
        assert (await pathbot.say(caller, f"/join 2027-01-04 {zone} 08:00")).ok


async def test_reminders_come_only_on_the_chosen_days(pathbot: Bot) -> None:
    await _two_members(pathbot)
    assert (await pathbot.say(ADA, "/settings days mon,wed,fri")).ok
    for offset in range(7):  # Monday 4th .. Sunday 10th, at 08:01
        await _tick(pathbot, datetime(2027, 1, 4 + offset, 8, 1, tzinfo=UTC))
    reminders = await _rows(pathbot, MessageKind.REMINDER)
    ada = [row.local_date.isoformat() for row in reminders if row.target == "user:ada"]
    bob = [row.local_date for row in reminders if row.target == "user:bob"]
    assert ada == ["2027-01-04", "2027-01-06", "2027-01-08"]
    assert len(bob) == 7
    assert any(action["command"] == "/snooze" for action in _actions(reminders[0]))


def _actions(row: OutboxMessage) -> list[dict[str, str]]:
    import json

    return list(json.loads(row.body)["actions"])


async def test_the_evening_nudge_is_the_workspaces_and_each_can_turn_it_off(
    pathbot: Bot,
) -> None:
    await _two_members(pathbot)
    await _tick(pathbot, datetime(2027, 1, 4, 19, 45, tzinfo=UTC))
    assert await _rows(pathbot, MessageKind.NUDGE) == []  # no nudge time set: none

    assert (await pathbot.say(BOSS, "/nudge-time 19:30")).ok
    assert (await pathbot.say(BOB, "/settings nudge off")).ok
    pathbot.clock.set(datetime(2027, 1, 5, 12, tzinfo=UTC))
    await _tick(pathbot, datetime(2027, 1, 5, 19, 29, tzinfo=UTC))
    assert await _rows(pathbot, MessageKind.NUDGE) == []  # not yet
    await _tick(pathbot, datetime(2027, 1, 5, 19, 30, tzinfo=UTC))
    await _tick(pathbot, datetime(2027, 1, 5, 19, 31, tzinfo=UTC))
    assert [row.target for row in await _rows(pathbot, MessageKind.NUDGE)] == ["user:ada"]

    # Checked in: no nudge the next evening; /nudge-time off: none for anyone.
    pathbot.clock.set(datetime(2027, 1, 6, 18, tzinfo=UTC))
    assert (await pathbot.say(ADA, "/checkin done")).ok
    await _tick(pathbot, datetime(2027, 1, 6, 19, 31, tzinfo=UTC))
    assert len(await _rows(pathbot, MessageKind.NUDGE)) == 1
    assert (await pathbot.say(BOSS, "/nudge-time off")).ok
    await _tick(pathbot, datetime(2027, 1, 7, 19, 31, tzinfo=UTC))
    assert len(await _rows(pathbot, MessageKind.NUDGE)) == 1


async def test_later_snoozes_once_in_the_members_zone_across_the_clock_change(
    pathbot: Bot,
) -> None:
    # Berlin springs forward on Sunday 2027-03-28: 02:00 CET is 03:00 CEST.
    pathbot.clock.set(datetime(2027, 3, 1, 6, tzinfo=UTC))
    assert (await pathbot.say(ADA, "/join 2027-03-01 Europe/Berlin 01:00")).ok
    pathbot.clock.set(datetime(2027, 3, 28, 0, 30, tzinfo=UTC))  # 01:30 CET

    offered = await pathbot.say(ADA, "/snooze")
    assert [action.command for action in offered.actions] == [
        "/snooze 1h",
        "/snooze 3h",
        "/snooze tonight",
    ]
    reply = await pathbot.say(ADA, "/snooze 1h")
    assert reply.title == "OK, I'll remind you at 03:30"  # one real hour later: CEST
    again = await pathbot.say(ADA, "/snooze 3h")
    assert not again.ok
    assert "already put off until 03:30" in again.text()

    await _tick(pathbot, datetime(2027, 3, 28, 1, 29, tzinfo=UTC))
    assert await _rows(pathbot, MessageKind.SNOOZED_REMINDER) == []
    await _tick(pathbot, datetime(2027, 3, 28, 1, 30, tzinfo=UTC))
    await _tick(pathbot, datetime(2027, 3, 28, 1, 45, tzinfo=UTC))
    (row,) = await _rows(pathbot, MessageKind.SNOOZED_REMINDER)
    assert row.local_time == "2027-03-28 03:30 Europe/Berlin (CEST)"
    assert row.local_date == date(2027, 3, 28)


async def test_tonight_is_on_the_wall_clock_and_a_check_in_cancels_it(pathbot: Bot) -> None:
    pathbot.clock.set(datetime(2027, 3, 1, 6, tzinfo=UTC))
    for caller in (ADA, BOB):
        assert (await pathbot.say(caller, "/join 2027-03-01 Europe/Berlin 08:00")).ok
    pathbot.clock.set(datetime(2027, 3, 28, 9, tzinfo=UTC))  # 11:00 CEST
    assert (await pathbot.say(ADA, "/snooze tonight")).title == "OK, I'll remind you at 20:00"
    assert (await pathbot.say(BOB, "/snooze tonight")).ok
    assert (await pathbot.say(BOB, "/checkin done")).ok  # done before the evening
    await _tick(pathbot, datetime(2027, 3, 28, 18, 0, tzinfo=UTC))  # 20:00 CEST
    rows = await _rows(pathbot, MessageKind.SNOOZED_REMINDER)
    assert [row.target for row in rows] == ["user:ada"]

    pathbot.clock.set(datetime(2027, 3, 28, 19, tzinfo=UTC))  # 21:00: evening already
    cy = caller_for("cy")
    assert (await pathbot.say(cy, "/join 2027-03-01 Europe/Berlin 08:00")).ok
    late = await pathbot.say(cy, "/snooze tonight")
    assert not late.ok
    assert "It's already evening" in late.text()
    assert (await pathbot.say(cy, "/snooze 1h")).title == "OK, I'll remind you at 22:00"


async def test_bad_days_are_refused_and_change_nothing(pathbot: Bot) -> None:
    await _two_members(pathbot)
    before = await pathbot.snapshot()
    for line in (
        "/settings days",
        "/settings days funday",
        "/settings days mo",
        "/settings nudge maybe",
        "/snooze 2h",
        "/nudge-time 25:00",
    ):
        assert not (await pathbot.say(ADA if "nudge-time" not in line else BOSS, line)).ok
    assert await pathbot.snapshot() == before


@given(
    st.sets(st.integers(min_value=0, max_value=6), min_size=1), st.sampled_from([",", " ", ", "])
)
def test_any_list_of_days_reads_back(days: set[int], separator: str) -> None:
    text = separator.join(DAY_NAMES[day] for day in sorted(days))
    assert parse_days(text) == sum(1 << day for day in days)
    assert parse_days(text.upper()) == parse_days(text)


@given(st.text(max_size=30))
def test_days_parsing_never_crashes_and_never_answers_nothing(text: str) -> None:
    try:
        mask = parse_days(text)
    except ParseError:
        return
    assert 0 < mask <= EVERY_DAY


def test_named_sets() -> None:
    assert parse_days("weekdays") == 0b0011111
    assert parse_days("Weekends") == 0b1100000
    assert parse_days("every day") == EVERY_DAY
    assert parse_days("Tuesday and Thursday") == 0b0001010
