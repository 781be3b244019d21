"""A server admin's first day on Discord, through the real discord.py and the fakes:
channels picked from a list and checked, the welcome on joining, /setup, and sync."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

import discord
import pytest
from sqlalchemy import select

from bot.adapters.discord import runner
from bot.config import Settings, load_settings
from bot.storage.engine import make_engine, make_sessions
from bot.storage.models.people import Workspace
from tests.fakes.discord_api import BOT_USER_ID, FakeDiscordAPI
from tests.fakes.discord_gateway import FakeDiscordGateway
from tests.fakes.discord_interactions import (
    GUILD_ID,
    channel_option,
    interaction,
    option,
)
from tests.fakes.discord_runner import bot_on_fakes, fake_discord, in_background, logged

MANAGE_GUILD = 1 << 5
DAILY, HIDDEN = "800000000000000020", "800000000000000021"


def _settings(tmp_path: Path, **extra: Any) -> Settings:
    return load_settings(
        discord_token="fake-token",
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'pathbot.db'}",
        data_dir=tmp_path,
        **extra,
    )


def _server(api: FakeDiscordAPI) -> None:
    """Two channels: one the bot may post in, one where it may read but not send."""
    api.channels.update({DAILY: "study-plan", HIDDEN: "mods-only"})
    deny_send = {"id": BOT_USER_ID, "type": 1, "allow": "0", "deny": str(1 << 11)}
    api.overwrites[HIDDEN] = [deny_send]


async def _daily_channel(tmp_path: Path) -> str | None:
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'pathbot.db'}")
    try:
        async with make_sessions(engine)() as db:
            workspace = await db.scalar(select(Workspace).where(Workspace.external_id == GUILD_ID))
            return None if workspace is None else workspace.daily_channel
    finally:
        await engine.dispose()


def _bot(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *, server: bool = False
) -> AbstractAsyncContextManager[tuple[FakeDiscordAPI, FakeDiscordGateway]]:
    """The bot running against the fakes (on `_server`'s channels, if asked), identified."""
    return bot_on_fakes(monkeypatch, _settings(tmp_path), _server if server else None)


@asynccontextmanager
async def _ready_bot(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> AsyncIterator[tuple[FakeDiscordAPI, FakeDiscordGateway]]:
    """The bot running against the fakes, past on_ready (the servers have arrived)."""
    caplog.set_level(logging.INFO)
    async with _bot(tmp_path, monkeypatch) as (api, gateway):
        await logged(caplog, "pathbot is on Discord")
        yield api, gateway


def _daily_in(channel_id: str, name: str) -> dict[str, Any]:
    """An admin's `/set-channel daily` with a channel picked from Discord's list."""
    picked, resolved = channel_option("channel", channel_id, name)
    return interaction(
        "set-channel", option("which", "daily"), picked, resolved=resolved, permissions=MANAGE_GUILD
    )


def _answer(call: Any) -> str:
    embed: dict[str, Any] = call.body["data"]["embeds"][0]
    return f"{embed.get('title', '')}\n{embed.get('description', '')}"


async def test_the_channel_option_offers_postable_channels_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with _bot(tmp_path, monkeypatch) as (api, _gateway):
        (synced,) = await api.wait_for("PUT", "/commands")

    by_name = {command["name"]: command for command in synced.body or []}
    channel = next(o for o in by_name["set-channel"]["options"] if o["name"] == "channel")
    assert channel["type"] == discord.AppCommandOptionType.channel.value
    # text, announcement, and the three kinds of thread: never voice, stage or category
    assert sorted(channel["channel_types"]) == [0, 5, 10, 11, 12]


async def test_a_channel_the_bot_cannot_post_in_is_refused_and_not_stored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with _bot(tmp_path, monkeypatch, server=True) as (api, gateway):
        await gateway.dispatch("INTERACTION_CREATE", _daily_in(HIDDEN, "mods-only"))
        (refused,) = await api.wait_for("POST", "/callback")

    said = _answer(refused)
    assert f"<#{HIDDEN}>: I'm missing Send Messages" in said
    assert "View Channel" not in said  # it may see the channel: only what it lacks
    assert await _daily_channel(tmp_path) is None


async def test_a_postable_channel_is_stored_by_id_and_echoed_as_a_mention(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with _bot(tmp_path, monkeypatch, server=True) as (api, gateway):
        await gateway.dispatch("INTERACTION_CREATE", _daily_in(DAILY, "study-plan"))
        (answer,) = await api.wait_for("POST", "/callback")

    assert f"<#{DAILY}>" in _answer(answer)
    assert await _daily_channel(tmp_path) == DAILY


async def test_a_channel_left_out_means_this_one_and_is_checked_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The command runs in #study-hall, which the fake server does not list: the bot
    # cannot see it, so it must not promise to post there.
    async with _bot(tmp_path, monkeypatch, server=True) as (api, gateway):
        await gateway.dispatch(
            "INTERACTION_CREATE",
            interaction("set-channel", option("which", "daily"), permissions=MANAGE_GUILD),
        )
        (refused,) = await api.wait_for("POST", "/callback")

    assert "can't see that channel" in _answer(refused)
    assert await _daily_channel(tmp_path) is None


NEW_GUILD = "800000000000000500"
SYSTEM, GENERAL = "800000000000000501", "800000000000000502"


def _new_server(api: FakeDiscordAPI, *, system_writable: bool) -> dict[str, Any]:
    """A second server the bot is added to while running: its GUILD_CREATE."""
    guild = api.guild_create()
    deny = [{"id": NEW_GUILD, "type": 0, "allow": "0", "deny": str(1 << 11)}]
    channels = [
        {**guild["channels"][0], "id": SYSTEM, "name": "welcome", "position": 0}
        if guild["channels"]
        else {"id": SYSTEM, "type": 0, "name": "welcome", "position": 0},
        {"id": GENERAL, "type": 0, "name": "general", "position": 1},
    ]
    for channel in channels:
        channel["guild_id"] = NEW_GUILD
        channel["permission_overwrites"] = (
            [] if system_writable or channel["id"] != SYSTEM else deny
        )
    everyone = {**guild["roles"][0], "id": NEW_GUILD}
    del guild["unavailable"]  # a server joined just now was never unavailable
    return {
        **guild,
        "id": NEW_GUILD,
        "name": "New cohort",
        "system_channel_id": SYSTEM,
        "roles": [everyone],
        "channels": channels,
    }


@pytest.mark.parametrize(("system_writable", "greeted_in"), [(True, SYSTEM), (False, GENERAL)])
async def test_joining_a_server_posts_a_welcome_where_the_bot_may(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    system_writable: bool,
    greeted_in: str,
) -> None:
    # Joined once ready: a GUILD_CREATE before that is the start-up's lazy loading.
    async with _ready_bot(tmp_path, monkeypatch, caplog) as (api, gateway):
        await gateway.dispatch("GUILD_CREATE", _new_server(api, system_writable=system_writable))
        (welcome,) = await api.wait_for("POST", f"/channels/{greeted_in}/messages")

    assert welcome.body is not None
    embed = welcome.body["embeds"][0]
    assert "pathbot" in embed["title"]
    assert "/set-channel daily" in embed["description"]
    assert "/setup" in embed["description"]
    assert welcome.body["allowed_mentions"]["parse"] == []


async def test_setup_lists_what_is_missing_and_then_that_all_is_done(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = {"permissions": MANAGE_GUILD}
    async with _bot(tmp_path, monkeypatch, server=True) as (api, gateway):
        await gateway.dispatch("INTERACTION_CREATE", interaction("setup", **admin))
        (fresh,) = await api.wait_for("POST", "/callback")
        steps = [
            _daily_in(DAILY, "study-plan"),
            interaction("cohort-start", option("date", "2027-01-04"), **admin),
            interaction("workspace-tz", option("timezone", "Europe/Berlin"), **admin),
            interaction("join", option("timezone", "Europe/Berlin")),
        ]
        for count, step in enumerate(steps, start=2):
            await gateway.dispatch("INTERACTION_CREATE", step)
            await api.wait_for("POST", "/callback", count=count)
        # The leaderboard "here", in a channel the bot cannot see: refused, so still to do.
        await gateway.dispatch(
            "INTERACTION_CREATE",
            interaction("set-channel", option("which", "leaderboard"), **admin),
        )
        await api.wait_for("POST", "/callback", count=len(steps) + 2)
        await gateway.dispatch("INTERACTION_CREATE", interaction("setup", **admin))
        calls = await api.wait_for("POST", "/callback", count=len(steps) + 3)

    before, after = _answer(fresh), _answer(calls[-1])
    assert "Setup: 5 thing(s) to do" in before
    assert "❌ Daily post channel: not set. Run /set-channel daily" in before
    assert "❌ Cohort start: not set" in before
    assert "❌ Members: nobody yet" in before
    assert "❌ Time zone: UTC" in before
    assert f"✅ Daily post channel: <#{DAILY}> (I can post there)" in after
    assert "✅ Cohort start: Monday 2027-01-04" in after
    assert "✅ Time zone: Europe/Berlin" in after
    assert "✅ Members: 1 joined" in after
    assert "Setup: 1 thing(s) to do" in after  # the leaderboard channel, never set (refused)


async def test_setup_is_for_admins_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    async with _bot(tmp_path, monkeypatch) as (api, gateway):
        await gateway.dispatch("INTERACTION_CREATE", interaction("setup"))
        (refused,) = await api.wait_for("POST", "/callback")
    assert "for workspace admins only" in _answer(refused)


async def test_removed_then_added_back_the_workspace_is_active_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async with _ready_bot(tmp_path, monkeypatch, caplog) as (api, gateway):
        await gateway.dispatch("INTERACTION_CREATE", interaction("help"))
        await api.wait_for("POST", "/callback")  # the workspace exists now
        await gateway.dispatch("GUILD_DELETE", {"id": GUILD_ID})
        await logged(caplog, "is inactive")
        removed = await _active(tmp_path)
        rejoined = api.guild_create()
        del rejoined["unavailable"]
        await gateway.dispatch("GUILD_CREATE", rejoined)
        await logged(caplog, "is active again")

    assert removed is False
    assert await _active(tmp_path) is True


async def _active(tmp_path: Path) -> bool | None:
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'pathbot.db'}")
    try:
        async with make_sessions(engine)() as db:
            return await db.scalar(
                select(Workspace.active).where(Workspace.external_id == GUILD_ID)
            )
    finally:
        await engine.dispose()


async def test_commands_sync_only_when_they_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with fake_discord(monkeypatch) as (api, gateway):
        for _ in range(3):  # three restarts, nothing changed
            async with in_background(runner.run(_settings(tmp_path))):
                await gateway.wait_identified()
                await api.wait_for("GET", "/oauth2/applications/@me")
            gateway.identified.clear()
        unchanged = len(api.matching("PUT", "/commands"))
        # A developer's server: synced there (at once), a different target, so synced.
        dev = _settings(tmp_path, discord_dev_guild_id=int(GUILD_ID))
        async with in_background(runner.run(dev)):
            await gateway.wait_identified()
            (to_guild,) = await api.wait_for("PUT", f"/guilds/{GUILD_ID}/commands")

    assert unchanged == 1
    assert to_guild.body is not None
    assert any(c["name"] == "setup" for c in to_guild.body)


async def test_options_carry_their_limits_and_week_numbers_are_suggested(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with _bot(tmp_path, monkeypatch) as (api, gateway):
        (synced,) = await api.wait_for("PUT", "/commands")
        focused = {"name": "week", "type": 4, "value": "vector", "focused": True}
        typing = interaction("week", focused)
        typing["type"] = 4  # APPLICATION_COMMAND_AUTOCOMPLETE
        await gateway.dispatch("INTERACTION_CREATE", typing)
        (suggested,) = await api.wait_for("POST", "/callback")

    by_name = {command["name"]: command for command in synced.body or []}
    (week,) = by_name["week"]["options"]
    assert (week["min_value"], week["max_value"], week["autocomplete"]) == (1, 16, True)
    (count,) = by_name["freezes"]["options"]
    assert (count["min_value"], count["max_value"]) == (0, 7)
    assert [o["name"] for o in by_name["leaderboard"]["options"]] == ["period"]
    assert suggested.body is not None
    assert suggested.body["type"] == 8  # APPLICATION_COMMAND_AUTOCOMPLETE_RESULT
    choices = suggested.body["data"]["choices"]
    assert choices
    assert all("vector" in c["name"].lower() for c in choices)
    assert all(isinstance(c["value"], int) for c in choices)


async def test_setup_notices_a_channel_the_bot_can_no_longer_post_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = {"permissions": MANAGE_GUILD}
    async with _bot(tmp_path, monkeypatch, server=True) as (api, gateway):
        await gateway.dispatch("INTERACTION_CREATE", _daily_in(DAILY, "study-plan"))
        await api.wait_for("POST", "/callback")
        # A moderator takes Send Messages away from the bot there; the gateway says so.
        deny = {"id": BOT_USER_ID, "type": 1, "allow": "0", "deny": str(1 << 11)}
        api.overwrites[DAILY] = [deny]
        await gateway.dispatch("CHANNEL_UPDATE", api.channel(DAILY))
        await gateway.dispatch("INTERACTION_CREATE", interaction("setup", **admin))
        calls = await api.wait_for("POST", "/callback", count=2)

    said = _answer(calls[-1])
    assert f"❌ Daily post channel: <#{DAILY}>, but I'm missing Send Messages there" in said
    assert "/set-channel daily" in said
