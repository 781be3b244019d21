"""The real discord.py client against a fake Discord REST API.

Interactions are fed to the client's connection state exactly as the gateway's
INTERACTION_CREATE would; everything after that (the command tree, option
parsing, the interaction callback, DM channels, messages) is discord.py's own
code talking HTTP to the fake.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import discord
import pytest

from bot.adapters.discord import PathbotDiscordClient, discord_nonce
from bot.caller import Caller, Platform
from bot.commands.parsing import tokenize
from bot.commands.table import CommandSpec, Kind, Param
from bot.replies import Attachment, Reply, ReplyField
from tests.fakes.discord_api import (
    APPLICATION_ID,
    FakeDiscordAPI,
    running_fake_discord,
    user_payload,
)
from tests.fakes.discord_interactions import (
    CHANNEL_ID,
    GUILD_ID,
    MEMBER_ID,
    interaction,
    option,
)

MANAGE_GUILD = 1 << 5


def assert_pings_nobody(allowed_mentions: dict[str, Any]) -> None:
    assert allowed_mentions["parse"] == []
    assert not allowed_mentions.get("users")
    assert not allowed_mentions.get("roles")


async def _unused(invocation: object) -> Reply:
    raise AssertionError("the tiny dispatcher answers instead")


COMMANDS = [
    CommandSpec(
        "log",
        "Log study time, with an optional note.",
        _unused,
        params=(
            Param("duration", Kind.DURATION, "1.5, 90m, 1h30, 1:30 or 2 hours."),
            Param("note", Kind.TEXT, "What you did.", required=False, rest=True),
            Param("date", Kind.DATE, "The day it was.", required=False, option=True),
        ),
    ),
    CommandSpec(
        "settings",
        "Change workspace settings (admins only).",
        _unused,
        params=(
            Param("setting", Kind.CHOICE, "What.", required=False, choices=("reminders", "zone")),
            Param("value", Kind.TEXT, "The new value.", required=False, rest=True),
        ),
    ),
    CommandSpec("export", "Download your data as CSV.", _unused),
    CommandSpec(
        "ask", "Ask about the curriculum.", _unused, params=(Param("question", Kind.TEXT, "?"),)
    ),
    CommandSpec(
        "nudge",
        "Nudge a member.",
        _unused,
        params=(
            Param("user", Kind.USER, "Who."),
            Param("days", Kind.INTEGER, "How many days.", required=False),
        ),
    ),
    CommandSpec(
        "join",
        "Join the path.",
        _unused,
        params=(Param("timezone", Kind.TIMEZONE, "Your time zone.", required=False),),
    ),
    CommandSpec("Bad Name", "Not a valid Discord name; skipped.", _unused),
]


@dataclass
class TinyDispatcher:
    """Just enough of the core: records calls, answers like the real table would."""

    calls: list[tuple[Caller, str]] = field(default_factory=list)

    async def handle(self, caller: Caller, line: str) -> Reply:
        self.calls.append((caller, line))
        name, _, _ = line.removeprefix("/").partition(" ")
        words = tokenize(line)
        if name == "log":
            return Reply(
                title="Logged 1 h 30 min",
                lines=[f"Note: {words[2]}"],
                fields=[ReplyField(name="This week", value="6.5 / 10–12 h")],
                ephemeral=False,
            )
        if name == "settings" and not caller.is_platform_admin:
            return Reply.error("Only workspace admins can change settings.")
        if name == "export":
            return Reply(
                title="Your data",
                attachment=Attachment(
                    filename="pathbot.csv", content_type="text/csv", content="day,hours\n1,1.5\n"
                ),
            )
        if name == "ask":
            raise RuntimeError("the index exploded")
        return Reply.error(f"I don't know /{name}.")


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscordAPI]:
    async with running_fake_discord() as api:
        yield api


@pytest.fixture
async def dispatcher() -> TinyDispatcher:
    return TinyDispatcher()


@pytest.fixture
async def client(
    fake: FakeDiscordAPI, dispatcher: TinyDispatcher, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[PathbotDiscordClient]:
    monkeypatch.setattr(discord.http.Route, "BASE", fake.base_url)
    bot = PathbotDiscordClient(dispatcher, COMMANDS)
    await bot.login("fake-token")
    try:
        yield bot
    finally:
        await bot.close()


async def invoke(client: PathbotDiscordClient, fake: FakeDiscordAPI, payload: dict[str, Any]):
    before = len(fake.matching("POST", "/callback"))
    client._connection.parse_interaction_create(payload)  # what the gateway would do
    recorded = await fake.wait_for("POST", "/callback", count=before + 1)
    return recorded[-1]


async def test_login_syncs_one_slash_command_per_table_entry(
    client: PathbotDiscordClient, fake: FakeDiscordAPI
) -> None:
    (sync,) = fake.matching("PUT", f"/applications/{APPLICATION_ID}/commands")
    assert sync.body is not None
    by_name = {command["name"]: command for command in sync.body}
    assert set(by_name) == {"log", "settings", "export", "ask", "nudge", "join"}  # no "Bad Name"
    (zone,) = by_name["join"]["options"]
    assert zone["autocomplete"] is True
    # Only commands that need no server membership are offered in DMs (context 1).
    assert (by_name["log"]["contexts"], by_name["log"]["dm_permission"]) == ([0], False)
    assert (by_name["ask"]["contexts"], by_name["ask"]["dm_permission"]) == ([0, 1], True)
    assert by_name["log"]["description"] == "Log study time, with an optional note."
    options = {o["name"]: o for o in by_name["log"]["options"]}
    assert [o["name"] for o in by_name["log"]["options"]] == ["duration", "note", "date"]
    duration = options["duration"]
    assert duration["description"] == "1.5, 90m, 1h30, 1:30 or 2 hours."
    assert (duration["type"], duration["required"]) == (3, True)  # a required string
    assert options["note"]["required"] is False
    (setting, _) = by_name["settings"]["options"]
    assert [c["value"] for c in setting["choices"]] == ["reminders", "zone"]
    user, days = by_name["nudge"]["options"]
    assert (user["type"], user["required"]) == (6, True)  # Discord's user picker
    assert (days["type"], days["required"]) == (4, False)  # integer
    assert by_name["export"].get("options", []) == []


async def test_public_reply_becomes_an_embed_that_pings_nobody(
    client: PathbotDiscordClient, fake: FakeDiscordAPI, dispatcher: TinyDispatcher
) -> None:
    request = await invoke(
        client,
        fake,
        interaction(
            "log", option("duration", "1h30"), option("note", "read @everyone <@&42> post")
        ),
    )

    (caller, line) = dispatcher.calls[-1]
    assert line == '/log "1h30" "read @everyone <@&42> post"'
    assert caller == Caller(
        platform=Platform.DISCORD,
        workspace_id=GUILD_ID,
        user_id=MEMBER_ID,
        display_name="Ada L.",
        is_platform_admin=False,
        channel_id=CHANNEL_ID,
    )
    assert request.body is not None
    assert request.body["type"] == 4  # CHANNEL_MESSAGE_WITH_SOURCE
    data = request.body["data"]
    assert_pings_nobody(data["allowed_mentions"])
    assert not int(data.get("flags", 0)) & 64
    (embed,) = data["embeds"]
    assert embed["title"] == "Logged 1 h 30 min"
    assert embed["description"] == "Note: read @\u200beveryone @\u200brole post"
    assert embed["fields"] == [{"name": "This week", "value": "6.5 / 10–12 h", "inline": True}]


async def test_refusal_for_a_non_admin_is_ephemeral_and_red(
    client: PathbotDiscordClient, fake: FakeDiscordAPI, dispatcher: TinyDispatcher
) -> None:
    request = await invoke(
        client,
        fake,
        interaction("settings", option("setting", "reminders"), option("value", "off")),
    )

    assert dispatcher.calls[-1][0].is_platform_admin is False
    assert request.body is not None
    data = request.body["data"]
    assert int(data["flags"]) & 64  # ephemeral
    (embed,) = data["embeds"]
    assert embed["title"] == "Sorry"
    assert embed["description"] == "Only workspace admins can change settings."
    assert embed["color"] == discord.Colour.red().value


async def test_manage_guild_permission_makes_a_platform_admin(
    client: PathbotDiscordClient, fake: FakeDiscordAPI, dispatcher: TinyDispatcher
) -> None:
    await invoke(client, fake, interaction("settings", permissions=MANAGE_GUILD))

    caller, line = dispatcher.calls[-1]
    assert caller.is_platform_admin is True
    assert line == "/settings"


async def test_user_and_integer_options_become_words_of_the_line(
    client: PathbotDiscordClient, fake: FakeDiscordAPI, dispatcher: TinyDispatcher
) -> None:
    target = "800000000000000099"
    resolved = {"users": {target: user_payload(target, "grace")}}
    payload = interaction(
        "nudge",
        {"name": "user", "type": 6, "value": target},
        option("days", 3),
        resolved=resolved,
    )
    await invoke(client, fake, payload)

    assert dispatcher.calls[-1][1] == f'/nudge "{target}" "3"'


async def test_direct_message_caller_has_dm_workspace(
    client: PathbotDiscordClient, fake: FakeDiscordAPI, dispatcher: TinyDispatcher
) -> None:
    await invoke(
        client,
        fake,
        interaction("log", option("duration", "1h"), permissions=MANAGE_GUILD, in_guild=False),
    )

    caller, _ = dispatcher.calls[-1]
    assert caller.workspace_id == "dm"
    assert caller.channel_id is None
    assert caller.is_platform_admin is False  # no server to manage in a DM


async def test_attachment_is_uploaded_as_a_file(
    client: PathbotDiscordClient, fake: FakeDiscordAPI
) -> None:
    request = await invoke(client, fake, interaction("export"))

    assert request.files == {"pathbot.csv": b"day,hours\n1,1.5\n"}
    assert request.body is not None
    assert request.body["data"]["embeds"][0]["title"] == "Your data"
    assert int(request.body["data"]["flags"]) & 64


async def test_crash_in_the_core_becomes_a_friendly_reply(
    client: PathbotDiscordClient, fake: FakeDiscordAPI
) -> None:
    request = await invoke(client, fake, interaction("ask", option("question", "what is HNSW?")))

    assert request.body is not None
    (embed,) = request.body["data"]["embeds"]
    assert embed["description"].startswith("Something went wrong on my side.")
    assert "exploded" not in str(request.body)


async def test_unknown_command_gets_a_friendly_reply(
    client: PathbotDiscordClient, fake: FakeDiscordAPI, dispatcher: TinyDispatcher
) -> None:
    request = await invoke(client, fake, interaction("teleport", option("where", "home")))

    assert dispatcher.calls == []
    assert request.body is not None
    (embed,) = request.body["data"]["embeds"]
    assert embed["description"] == (
        "I don't know /teleport (any more).\nTry /help for the commands I know."
    )
    assert int(request.body["data"]["flags"]) & 64


async def test_slow_command_is_deferred_then_followed_up(
    fake: FakeDiscordAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    import asyncio

    release = asyncio.Event()

    class SlowDispatcher:
        async def handle(self, caller: Caller, line: str) -> Reply:
            await release.wait()
            return Reply(title="An answer", lines=["HNSW is a graph index."])

    monkeypatch.setattr(discord.http.Route, "BASE", fake.base_url)
    bot = PathbotDiscordClient(SlowDispatcher(), COMMANDS, defer_after_s=0.01)
    await bot.login("fake-token")
    try:
        bot._connection.parse_interaction_create(interaction("ask", option("question", "hnsw")))
        (deferred,) = await fake.wait_for("POST", "/callback")
        assert deferred.body == {"type": 5, "data": {"flags": 64}}
        release.set()
        (followup,) = await fake.wait_for("POST", f"/webhooks/{APPLICATION_ID}/")
        assert followup.body is not None
        assert followup.body["embeds"][0]["title"] == "An answer"
        assert_pings_nobody(followup.body["allowed_mentions"])
    finally:
        await bot.close()


async def test_send_to_a_dm_opens_the_channel_once_and_sends_the_nonce(
    client: PathbotDiscordClient, fake: FakeDiscordAPI
) -> None:
    reply = Reply(title="Day 3: attention", lines=["Read @here"], ephemeral=False)

    first = await client.send(f"dm:{MEMBER_ID}", reply, nonce="reminder-42")
    again = await client.send(f"dm:{MEMBER_ID}", reply, nonce="reminder-42")

    (opened,) = fake.matching("POST", "/users/@me/channels")
    assert opened.body == {"recipient_id": int(MEMBER_ID)}
    sends = fake.matching("POST", "/messages")
    assert len(sends) == 2
    for sent in sends:
        assert sent.body is not None
        assert sent.body["nonce"] == "reminder-42"
        assert sent.body["enforce_nonce"] is True
        assert_pings_nobody(sent.body["allowed_mentions"])
        assert sent.body["embeds"][0]["description"] == "Read @\u200bhere"
    assert first == again  # Discord (and the fake) return the first message for a known nonce


async def test_send_without_a_nonce_never_deduplicates(
    client: PathbotDiscordClient, fake: FakeDiscordAPI
) -> None:
    reply = Reply(title="Leaderboard", ephemeral=False)

    first = await client.send(CHANNEL_ID, reply)
    second = await client.send(CHANNEL_ID, reply)

    sends = fake.matching("POST", f"/channels/{CHANNEL_ID}/messages")
    assert len(sends) == 2
    assert first != second  # discord.py picks a fresh random nonce for each send


async def test_send_refuses_a_malformed_target(client: PathbotDiscordClient) -> None:
    with pytest.raises(ValueError, match="not a Discord target"):
        await client.send("dm:ada", Reply(title="x"))


def test_long_idempotency_keys_become_stable_short_nonces() -> None:
    key = "reminder:workspace-1:member-99:2027-01-04"
    assert len(discord_nonce(key)) == 25
    assert discord_nonce(key) == discord_nonce(key)
    assert discord_nonce("short") == "short"


async def test_time_zone_option_autocompletes_from_the_zone_list(
    client: PathbotDiscordClient, fake: FakeDiscordAPI, dispatcher: TinyDispatcher
) -> None:
    payload = interaction("join", {"name": "timezone", "type": 3, "value": "kolk", "focused": True})
    payload["type"] = 4  # APPLICATION_COMMAND_AUTOCOMPLETE

    request = await invoke(client, fake, payload)

    assert dispatcher.calls == []  # autocomplete never runs the command
    assert request.body is not None
    assert request.body["type"] == 8  # APPLICATION_COMMAND_AUTOCOMPLETE_RESULT
    choices = request.body["data"]["choices"]
    assert choices[0] == {"name": "Asia/Kolkata", "value": "Asia/Kolkata"}
    assert len(choices) <= 25


async def test_the_acknowledgement_has_the_answers_visibility(
    fake: FakeDiscordAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The real table: a slow /leaderboard (public) is deferred publicly; /ask (known to
    be slow) is deferred at once, before its answer could come, and privately."""
    import asyncio
    import time

    from bot.commands.catalog import build_table

    release = asyncio.Event()

    class Waits:
        async def handle(self, caller: Caller, line: str) -> Reply:
            await release.wait()
            return Reply(title="Leaderboard", lines=["1. Ada"], ephemeral=False)

    monkeypatch.setattr(discord.http.Route, "BASE", fake.base_url)
    table = list(build_table())
    bot = PathbotDiscordClient(Waits(), table, defer_after_s=1.5)
    await bot.login("fake-token")
    try:
        bot._connection.parse_interaction_create(interaction("leaderboard"))
        (board,) = await fake.wait_for("POST", "/callback")
        began = time.perf_counter()
        bot._connection.parse_interaction_create(interaction("ask", option("question", "hnsw")))
        _, ask = await fake.wait_for("POST", "/callback", count=2)
        ask_acknowledged_after = time.perf_counter() - began
        release.set()
        await fake.wait_for("POST", f"/webhooks/{APPLICATION_ID}/", count=2)
    finally:
        await bot.close()
    assert board.body is not None
    assert board.body["type"] == 5
    assert not int(board.body.get("data", {}).get("flags", 0)) & 64  # not ephemeral
    assert ask.body == {"type": 5, "data": {"flags": 64}}
    assert ask_acknowledged_after < 1.0  # at once, not after the 1.5 s fallback


async def test_the_deadline_counts_from_the_interactions_creation(
    fake: FakeDiscordAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An interaction that reached the bot 1.8 s after Discord created it has 1.2 s left:
    the fallback acknowledgement comes at 2 s after creation, not 2 s after arrival."""
    import asyncio
    import time

    release = asyncio.Event()

    class Waits:
        async def handle(self, caller: Caller, line: str) -> Reply:
            await release.wait()
            return Reply(title="Logged")

    monkeypatch.setattr(discord.http.Route, "BASE", fake.base_url)
    bot = PathbotDiscordClient(Waits(), COMMANDS, defer_after_s=2.0)
    await bot.login("fake-token")
    try:
        began = time.perf_counter()
        bot._connection.parse_interaction_create(
            interaction("log", option("duration", "1h"), age_s=1.8)
        )
        await fake.wait_for("POST", "/callback")
        acknowledged_after = time.perf_counter() - began
        release.set()
        await fake.wait_for("POST", f"/webhooks/{APPLICATION_ID}/")
    finally:
        await bot.close()
    assert acknowledged_after < 1.0  # ~0.2 s left of the 2 s, not a fresh 2 s
