"""The hostile-input corpus (tests/fixtures/hostile.py) on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.caller import Caller, Platform
from bot.commands.catalog import build_table
from bot.storage.models import CheckIn, HourLog, Member
from tests.conftest import Bot, caller_for
from tests.fixtures.hostile import ACCEPTED, PAYLOADS, REFUSED

ADMIN = caller_for("boss", admin=True)
MALLORY = caller_for("mallory")
BROKEN = ("went wrong", "same moment")


async def _set_up(pathbot: Bot) -> None:
    for caller, line in [(ADMIN, "/join 2027-01-04"), (MALLORY, "/join 2027-01-04")]:
        assert (await pathbot.say(caller, line)).ok


@pytest.mark.parametrize("payload", list(PAYLOADS), ids=list(PAYLOADS))
async def test_every_command_survives_the_payload(pathbot: Bot, payload: str) -> None:
    await _set_up(pathbot)
    text = PAYLOADS[payload]
    for spec in build_table():
        if spec.name == "forgetme":
            continue  # "confirm" is the only word it takes; forgetting is tested apart
        caller = ADMIN if spec.permission.value == "admin" else MALLORY
        before = await pathbot.snapshot()
        reply = await pathbot.say(caller, f"/{spec.name} {text}")
        shown = reply.text()
        assert not any(words in shown for words in BROKEN), (spec.name, shown)
        assert "\x00" not in shown
        if not reply.ok:
            assert await pathbot.snapshot() == before, spec.name
    async with pathbot.core.sessions() as db:
        for note in await db.scalars(select(HourLog.note)):
            assert note is None or "\x00" not in note
        for name in await db.scalars(select(Member.display_name)):
            assert name.strip()


@pytest.mark.parametrize(("line", "expected"), REFUSED)
async def test_hostile_lines_are_refused_and_change_nothing(
    pathbot: Bot, line: str, expected: str
) -> None:
    await _set_up(pathbot)
    before = await pathbot.snapshot()
    caller = ADMIN if line.startswith("/admin") else MALLORY

    reply = await pathbot.say(caller, line)

    assert not reply.ok
    assert expected in reply.text()
    assert await pathbot.snapshot() == before


@pytest.mark.parametrize(("line", "stored"), ACCEPTED)
async def test_odd_but_fair_text_is_stored_cleaned(pathbot: Bot, line: str, stored: str) -> None:
    await _set_up(pathbot)

    reply = await pathbot.say(MALLORY, line)

    assert reply.ok, reply.text()
    async with pathbot.core.sessions() as db:
        if line.startswith("/settings name"):
            value = await db.scalar(select(Member.display_name).where(Member.user_id == "mallory"))
        else:
            value = await db.scalar(select(HourLog.note))
    assert value == stored


async def test_a_platform_name_is_cleaned_never_refused(pathbot: Bot) -> None:
    garbled = Caller(Platform.DISCORD, "g1", "111", "\u202e\x00Zed\x1b")
    invisible = Caller(Platform.DISCORD, "g1", "222", "\u3164\u200b")
    for caller in (garbled, invisible):
        assert (await pathbot.say(caller, "/join")).ok
    async with pathbot.core.sessions() as db:
        names = dict((await db.execute(select(Member.user_id, Member.display_name))).all())
    assert names["111"] == "Zed"
    assert names["222"] == "222"


async def test_a_note_over_two_lines_is_kept_but_escapes_are_not(pathbot: Bot) -> None:
    await _set_up(pathbot)
    assert (await pathbot.say(MALLORY, "/checkin blocked stuck\non the maths")).ok
    assert not (await pathbot.say(MALLORY, "/checkin blocked stuck\x1b[2J")).ok
    async with pathbot.core.sessions() as db:
        # Words are read like a shell reads them: the line break becomes a space.
        assert await db.scalar(select(CheckIn.note)) == "stuck on the maths"
