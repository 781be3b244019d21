"""The outbox's Discord sender: discord.py's real HTTP client, errors mapped for retries."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import discord
import pytest

from bot.adapters.discord import PathbotDiscordClient, discord_nonce
from bot.adapters.discord.sender import DiscordSender
from bot.replies import Reply
from bot.scheduling.senders import PermanentError, RateLimited, Target, TransientError
from tests.fakes.discord_api import FakeDiscordAPI, running_fake_discord
from tests.fakes.discord_interactions import CHANNEL_ID, MEMBER_ID


class NoCommands:
    async def handle(self, caller: object, line: str) -> Reply:
        raise AssertionError("the sender never dispatches")


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscordAPI]:
    async with running_fake_discord() as api:
        yield api


@pytest.fixture
async def client(
    fake: FakeDiscordAPI, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[PathbotDiscordClient]:
    monkeypatch.setattr(discord.http.Route, "BASE", fake.base_url)
    bot = PathbotDiscordClient(NoCommands(), [], sync_commands=False)
    await bot.login("fake-token")
    try:
        yield bot
    finally:
        await bot.close()


async def test_sender_passes_the_idempotency_key_as_nonce(
    client: PathbotDiscordClient, fake: FakeDiscordAPI
) -> None:
    sender = DiscordSender(client)
    key = "reminder:ws:member:2027-01-04"

    await sender.send(Target.user(MEMBER_ID), Reply(title="Reminder"), idempotency_key=key)
    await sender.send(Target.channel(CHANNEL_ID), Reply(title="Plan"), idempotency_key="plan-1")

    dm, channel = fake.matching("POST", "/messages")
    assert dm.body is not None
    assert channel.body is not None
    assert dm.body["nonce"] == discord_nonce(key)
    assert channel.path == f"/channels/{CHANNEL_ID}/messages"


@pytest.mark.parametrize(
    ("status", "payload", "headers", "error"),
    [
        (403, {"message": "Cannot send messages to this user", "code": 50007}, {}, PermanentError),
        (404, {"message": "Unknown Channel", "code": 10003}, {}, PermanentError),
        (503, {"message": "upstream"}, {}, TransientError),
        (429, {"message": "slow down", "retry_after": 120.0, "global": False}, {}, RateLimited),
    ],
)
async def test_sender_maps_discord_errors(
    client: PathbotDiscordClient,
    fake: FakeDiscordAPI,
    status: int,
    payload: dict[str, Any],
    headers: dict[str, str],
    error: type[Exception],
) -> None:
    fake.fail_next_sends.append((status, payload))
    sender = DiscordSender(client)

    with pytest.raises(error) as raised:
        await sender.send(Target.channel(CHANNEL_ID), Reply(title="x"), idempotency_key="k")

    if isinstance(raised.value, RateLimited):
        assert raised.value.retry_after == 120.0
