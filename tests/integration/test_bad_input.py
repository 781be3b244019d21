"""Every kind of bad input gets ok=false and a friendly line, and changes nothing."""

from __future__ import annotations

import re

import pytest

from bot.commands.catalog import build_table
from bot.commands.dispatcher import Dispatcher
from bot.commands.invocation import Invocation
from bot.commands.table import CommandSpec, CommandTable, Permission
from bot.replies import Reply
from tests.conftest import Bot, caller_for

ALICE = caller_for("alice")
STRANGER = caller_for("stranger")

BAD_LINES = [
    ("/log 0", "no time at all"),
    ("/log -1h", "duration"),
    ("/log 0m", "no time at all"),
    ("/log 16h01m", "more than 16 h"),
    ("/log 17 hours", "more than 16 h"),
    ("/log 9h01m --date 2027-01-05", "a day only has 24 h"),
    ("/log 1h --date 2027-01-07", "in the future"),
    ("/log 1h --date 2026-12-29", "up to 7 days back"),
    ("/log 1h --date 2027-02-30", "no day 30"),
    ("/log 1h --when today", "no option --when"),
    ("/log", "needs DURATION"),
    ("/log 1h " + "x" * 1001, "limited to 1,000 characters"),
    ("/checkin done " + "x" * 1001, "limited to 1,000 characters"),
    ("/checkin maybe", "must be one of"),
    ('/log 1h "unclosed', "unclosed"),
    ("/settings timezone Mars/Olympus", "time zone"),
    ("/settings timezone Europe/Berln", "did you mean Europe/Berlin"),
    ("/settings reminder 25:00", "0 to 23"),
    ("/settings name " + "n" * 101, "under 100"),
    ("/settings colour blue", "must be one of"),
    ("/week 17", "week must be 1 to 16, not 17"),
    ("/week two", "whole number"),
    ("/week 0", "week must be 1 to 16, not 0"),
    ("/finish 99", "from 1 to"),
    ("/finish quantum teleportation", "No exercise"),
    ("/leaderboard yesterday", "must be one of"),
    ("/report", "admins only"),
    ("/freezes 2", "admins only"),
    ("/admin-add bob", "admins only"),
    ("/join", "already joined"),
    ("/resume", "not paused"),
    ("/lgo 1h", "Did you mean /log"),
    ("/frobnicate", "don't know the command"),
    ("", "Say something"),
]


async def _joined(pathbot: Bot) -> None:
    reply = await pathbot.say(ALICE, "/join 2027-01-04 Europe/Berlin 08:00")
    assert reply.ok, reply.text()
    assert (await pathbot.say(ALICE, "/log 15h --date 2027-01-05 long day")).ok


@pytest.mark.parametrize(("line", "expected"), BAD_LINES)
async def test_bad_input_is_refused_and_changes_nothing(
    pathbot: Bot, line: str, expected: str
) -> None:
    await _joined(pathbot)
    before = await pathbot.snapshot()
    reply = await pathbot.say(ALICE, line)
    assert not reply.ok
    assert expected.lower() in reply.text().lower()
    assert "Traceback" not in reply.text()
    assert await pathbot.snapshot() == before


MEMBER_LINES = list(
    dict.fromkeys(
        line
        for spec in build_table()
        if spec.permission is Permission.MEMBER
        for line in (f"/{spec.name}", *spec.examples)
    )
)


@pytest.mark.parametrize("line", MEMBER_LINES)
async def test_commands_before_join_are_refused(pathbot: Bot, line: str) -> None:
    before = await pathbot.snapshot()
    reply = await pathbot.say(STRANGER, line)
    assert not reply.ok
    assert "/join" in reply.text()
    assert await pathbot.snapshot() == before


@pytest.mark.parametrize(
    "line",
    ["/join 2027-01-04 Mars/Base", "/join 25:00", "/join 2027-13-01", "/join 2029-01-01"],
)
async def test_bad_join_is_refused(pathbot: Bot, line: str) -> None:
    before = await pathbot.snapshot()
    reply = await pathbot.say(STRANGER, line)
    assert not reply.ok, reply.text()
    assert await pathbot.snapshot() == before


async def test_paused_member_cannot_log(pathbot: Bot) -> None:
    await _joined(pathbot)
    assert (await pathbot.say(ALICE, "/pause")).ok
    before = await pathbot.snapshot()
    reply = await pathbot.say(ALICE, "/log 1h")
    assert not reply.ok
    assert "/resume" in reply.text()
    assert await pathbot.snapshot() == before


async def test_mentions_are_stored_as_typed_but_never_ping(pathbot: Bot) -> None:
    await _joined(pathbot)
    note = "thanks @everyone and @here, <@123> <@&456> <#789> <!channel> <!subteam^S1|@team>"
    reply = await pathbot.say(ALICE, f"/log 30m {note}")
    assert reply.ok
    text = reply.text()
    for raw in ("@everyone", "@here", "<@123>", "<@&456>", "<!channel>", "<!subteam"):
        assert raw not in text
    exported = await pathbot.say(ALICE, "/export")
    assert exported.attachment is not None
    assert note in exported.attachment.content.replace("\\u003c", "<")


async def test_mention_in_display_name_is_safe_on_the_leaderboard(pathbot: Bot) -> None:
    loud = caller_for("loud")
    loud = type(loud)(loud.platform, loud.workspace_id, loud.user_id, "@everyone <@&1>")
    assert (await pathbot.say(loud, "/join 2027-01-04 UTC")).ok
    assert (await pathbot.say(loud, "/log 1h")).ok
    board = await pathbot.say(ALICE, "/leaderboard")
    assert "@everyone" not in board.text()
    assert "<@&1>" not in board.text()
    assert "everyone" in board.text()


async def test_unexpected_errors_become_a_friendly_reply(pathbot: Bot) -> None:
    async def broken(_: Invocation) -> Reply:
        raise RuntimeError("boom")

    table = CommandTable([CommandSpec("boom", "Fails.", broken, permission=Permission.EVERYONE)])
    reply = await Dispatcher(pathbot.core, table).handle(ALICE, "/boom")
    assert not reply.ok
    assert "boom" not in reply.text()
    assert "went wrong" in reply.text()


PINGS = re.compile(r"@(everyone|here|channel)|<[@!]", re.IGNORECASE)
PAYLOADS = ["@everyone", "<@&456>", "<!subteam^S1|@team>"]


async def test_no_reply_to_any_command_can_ping(pathbot: Bot) -> None:
    """Whatever is typed where, and whoever types it, no reply carries a live mention."""
    loud = type(ALICE)(ALICE.platform, "w1", "loud", "@everyone <@&1>", is_platform_admin=True)
    assert (await pathbot.say(loud, "/join 2027-01-04 UTC")).ok
    assert (await pathbot.say(loud, "/log 1h <@&9> @here")).ok
    lines = [f"/{payload}" for payload in PAYLOADS]
    for spec in build_table():
        for payload in PAYLOADS:
            lines += [f"/{spec.name} {payload}", f"/{spec.name} 1h {payload}"]
            lines += [f"/{spec.name} daily {payload}", f"/{spec.name} name {payload}"]
    lines += ["/leaderboard", "/leaderboard all", "/progress", "/settings", "/workspace"]
    for line in lines:
        reply = await pathbot.say(loud, line)
        shown = reply.text()
        assert not PINGS.search(shown), (line, shown)
        if "forgetme" in line and reply.ok:
            assert (await pathbot.say(loud, "/join 2027-01-04 UTC")).ok


ADMIN_EXAMPLES = [
    example
    for spec in build_table()
    if spec.permission is Permission.ADMIN
    for example in (spec.examples or (f"/{spec.name}",))
]


@pytest.mark.parametrize("line", ADMIN_EXAMPLES)
async def test_every_admin_command_is_refused_to_members(pathbot: Bot, line: str) -> None:
    await _joined(pathbot)
    before = await pathbot.snapshot()
    reply = await pathbot.say(ALICE, line)
    assert not reply.ok
    assert "for workspace admins only" in reply.text()
    assert await pathbot.snapshot() == before


@pytest.mark.parametrize(
    "line",
    [
        "/log 16h --date 2027-01-04",  # one entry of exactly 16 h
        "/log 9h --date 2027-01-05",  # with the 15 h already there: exactly 24 h
        "/log 1h --date 2026-12-30",  # exactly 7 days back
        "/log 1m " + "x" * 1000,  # a note of exactly 1,000 characters
        "/settings reminder 23:59",
    ],
)
async def test_the_limits_themselves_are_accepted(pathbot: Bot, line: str) -> None:
    await _joined(pathbot)
    reply = await pathbot.say(ALICE, line)
    assert reply.ok, reply.text()
