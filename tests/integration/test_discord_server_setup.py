"""A server admin's first day on Discord, through the real discord.py and the fakes:
channels picked from a list and checked, the welcome on joining, /setup, and sync."""

from __future__ import annotations

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
from tests.fakes.discord_interactions import (
    GUILD_ID,
    channel_option,
    interaction,
    option,
)
from tests.fakes.discord_runner import fake_discord, in_background

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


def _answer(call: Any) -> str:
    embed: dict[str, Any] = call.body["data"]["embeds"][0]
    return f"{embed.get('title', '')}\n{embed.get('description', '')}"


async def test_the_channel_option_offers_postable_channels_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with (
        fake_discord(monkeypatch) as (api, gateway),
        in_background(runner.run(_settings(tmp_path))),
    ):
        await gateway.wait_identified()
        (synced,) = await api.wait_for("PUT", "/commands")

    by_name = {command["name"]: command for command in synced.body or []}
    channel = next(o for o in by_name["set-channel"]["options"] if o["name"] == "channel")
    assert channel["type"] == discord.AppCommandOptionType.channel.value
    # text, announcement, and the three kinds of thread: never voice, stage or category
    assert sorted(channel["channel_types"]) == [0, 5, 10, 11, 12]


async def test_a_channel_the_bot_cannot_post_in_is_refused_and_not_stored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with (
        fake_discord(monkeypatch) as (api, gateway),
        in_background(runner.run(_settings(tmp_path))),
    ):
        _server(api)
        await gateway.wait_identified()
        picked, resolved = channel_option("channel", HIDDEN, "mods-only")
        await gateway.dispatch(
            "INTERACTION_CREATE",
            interaction(
                "set-channel",
                option("which", "daily"),
                picked,
                resolved=resolved,
                permissions=MANAGE_GUILD,
            ),
        )
        (refused,) = await api.wait_for("POST", "/callback")

    said = _answer(refused)
    assert f"missing Send Messages in <#{HIDDEN}>" in said
    assert "View Channel" not in said  # it may see the channel: only what it lacks
    assert await _daily_channel(tmp_path) is None


async def test_a_postable_channel_is_stored_by_id_and_echoed_as_a_mention(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with (
        fake_discord(monkeypatch) as (api, gateway),
        in_background(runner.run(_settings(tmp_path))),
    ):
        _server(api)
        await gateway.wait_identified()
        picked, resolved = channel_option("channel", DAILY, "study-plan")
        await gateway.dispatch(
            "INTERACTION_CREATE",
            interaction(
                "set-channel",
                option("which", "daily"),
                picked,
                resolved=resolved,
                permissions=MANAGE_GUILD,
            ),
        )
        (answer,) = await api.wait_for("POST", "/callback")

    assert f"<#{DAILY}>" in _answer(answer)
    assert await _daily_channel(tmp_path) == DAILY


async def test_a_channel_left_out_means_this_one_and_is_checked_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The command runs in #study-hall, which the fake server does not list: the bot
    # cannot see it, so it must not promise to post there.
    async with (
        fake_discord(monkeypatch) as (api, gateway),
        in_background(runner.run(_settings(tmp_path))),
    ):
        _server(api)
        await gateway.wait_identified()
        await gateway.dispatch(
            "INTERACTION_CREATE",
            interaction("set-channel", option("which", "daily"), permissions=MANAGE_GUILD),
        )
        (refused,) = await api.wait_for("POST", "/callback")

    assert "can't see that channel" in _answer(refused)
    assert await _daily_channel(tmp_path) is None
