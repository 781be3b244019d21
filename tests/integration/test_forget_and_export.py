"""Forgetting forgets everywhere, leaving and pausing stop pending messages, and
/export shows every table that names the member."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import select, update

from bot.scheduling.delivery import DeliveryWorker
from bot.scheduling.jobs import enqueue_due
from bot.scheduling.simulate import recording_senders, tick
from bot.services.privacy import MEMBER_DATA, NOT_ABOUT_MEMBERS
from bot.storage.base import Base
from bot.storage.dm_channels import DmChannels
from bot.storage.known_people import Known, KnownPeople
from bot.storage.outbox import OutboxMessage, OutboxStatus
from tests.conftest import Bot, caller_for

ADMIN = caller_for("boss", admin=True)
ZELDA = caller_for("zelda-7319")
NAME = "Zelda Quuxley"
NOTE = "ultraviolet kumquat chapter"


async def _a_full_member(pathbot: Bot) -> None:
    """Zelda has a row in every table that can name a member, and so does Bob."""
    for line in ("/cohort-start 2027-01-04", "/set-channel leaderboard C0LB00001"):
        assert (await pathbot.say(ADMIN, line)).ok
    bob = caller_for("bob")
    for caller, line in [
        (ZELDA, "/join 2027-01-04"),
        (ZELDA, f"/settings name {NAME}"),
        (ZELDA, f"/log 2h {NOTE}"),
        (ZELDA, "/log 8h"),  # week 1's 10h: a milestone (celebrations)
        (ZELDA, f"/checkin done {NOTE}"),
        (ZELDA, "/finish 1"),
        (ADMIN, "/admin-add zelda-7319"),
        (bob, "/join 2027-01-04"),
        (bob, "/log 1h"),
        (ZELDA, "/buddy on"),  # paired with Bob on Monday (buddy_groups)
        (bob, "/buddy on"),
    ]:
        reply = await pathbot.say(caller, line)
        assert reply.ok, (line, reply)
    # A platform opened a DM with her (remembered so restarts do not open it again).
    await DmChannels(pathbot.core.sessions, "console", pathbot.clock).put("zelda-7319", "D0ZELDA")
    # …and told pathbot her name and role (Slack's users.info, kept between commands).
    profile = Known(NAME, False, "Europe/Oslo", pathbot.clock.now())
    await KnownPeople(pathbot.core.sessions, "console").put("w1", "zelda-7319", profile)
    # Monday 11th: last week's leaderboard (naming her) goes out, and her reminder.
    monday = datetime(2027, 1, 11, 9, 0, tzinfo=UTC)
    pathbot.clock.set(monday)
    worker = DeliveryWorker(pathbot.core.sessions, recording_senders(), pathbot.clock)
    await tick(pathbot.core, worker, monday)
    assert (await pathbot.say(ZELDA, "/pause")).ok
    pathbot.clock.set(datetime(2027, 1, 13, 12, tzinfo=UTC))
    assert (await pathbot.say(ZELDA, "/resume")).ok
    assert (await pathbot.say(ZELDA, "/log 3h")).ok
    assert (await pathbot.say(caller_for("bob"), "/log 1h")).ok
    # Monday 18th: the next leaderboard and her reminder are queued, not yet sent.
    pathbot.clock.set(datetime(2027, 1, 18, 9, 0, tzinfo=UTC))
    async with pathbot.core.sessions() as db, db.begin():
        assert await enqueue_due(db, pathbot.core, pathbot.clock.now()) >= 2


async def _every_value(pathbot: Bot) -> str:
    return json.dumps(await pathbot.snapshot(), default=str)


async def test_forgetme_leaves_nothing_that_names_the_member(pathbot: Bot) -> None:
    await _a_full_member(pathbot)
    before = await _every_value(pathbot)
    for trace in ("zelda-7319", NAME, NOTE):
        assert trace in before  # the search below can find each one

    reply = await pathbot.say(ZELDA, "/forgetme confirm")

    assert reply.ok
    after = await _every_value(pathbot)
    for trace in ("zelda-7319", NAME, NOTE, "Zelda"):
        assert trace not in after, trace
    async with pathbot.core.sessions() as db:
        boards = (
            await db.scalars(select(OutboxMessage).where(OutboxMessage.kind == "leaderboard"))
        ).all()
    assert {row.status for row in boards} == {"sent", "pending"}
    queued = next(row for row in boards if row.status == "pending")
    sent = next(row for row in boards if row.status == "sent")
    # The queued board is drawn again without her; the posted one's copy loses her name.
    assert "Bob" in queued.body
    assert "(a former member)" not in queued.body
    assert "(a former member)" in sent.body
    assert "Bob" in sent.body


async def test_leave_and_pause_cancel_pending_reminders(pathbot: Bot) -> None:
    await _a_full_member(pathbot)

    async def reminders(status: str) -> int:
        async with pathbot.core.sessions() as db:
            rows = await db.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.target == "user:zelda-7319")
                .where(OutboxMessage.status == status)
            )
            return len(rows.all())

    queued, sent = await reminders("pending"), await reminders("sent")
    assert queued >= 1  # today's reminder (and weekly summary)
    assert (await pathbot.say(ZELDA, "/pause")).ok
    assert await reminders("pending") == 0
    assert await reminders("cancelled") == queued
    # A worker finds nothing more to send her.
    worker = DeliveryWorker(pathbot.core.sessions, recording_senders(), pathbot.clock)
    await worker.drain()
    assert await reminders("sent") == sent

    async with pathbot.core.sessions() as db, db.begin():
        await db.execute(
            update(OutboxMessage)
            .where(OutboxMessage.status == OutboxStatus.CANCELLED.value)
            .values(status=OutboxStatus.PENDING.value)
        )
    assert (await pathbot.say(ZELDA, "/resume")).ok
    assert (await pathbot.say(ZELDA, "/leave")).ok
    assert await reminders("pending") == 0


def test_every_table_is_either_exported_or_never_about_a_member() -> None:
    tables = {table.name for table in Base.metadata.sorted_tables}
    assert set(MEMBER_DATA) | NOT_ABOUT_MEMBERS == tables
    assert not set(MEMBER_DATA) & NOT_ABOUT_MEMBERS


async def test_export_has_a_filled_section_for_every_member_table(pathbot: Bot) -> None:
    await _a_full_member(pathbot)

    reply = await pathbot.say(ZELDA, "/export")

    assert reply.ok
    assert reply.attachment is not None
    data = json.loads(reply.attachment.content)
    for table, section in MEMBER_DATA.items():
        assert data.get(section), (table, section)
    assert data["admin"] == {"on_workspace_admin_list": True}
    assert "reminder" in {m["kind"] for m in data["pending_messages"]}
    assert data["member"]["display_name"] == NAME
    assert {w["week_start"] for w in data["weekly_totals"]} == {"2027-01-04", "2027-01-11"}
