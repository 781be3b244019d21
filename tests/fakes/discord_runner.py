"""`pathbot run` on Discord against the fakes: discord.py pointed at them, the bot in a task."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

import discord
import pytest
from sqlalchemy import select

from bot.clock import SystemClock
from bot.config import Settings
from bot.replies import Reply
from bot.scheduling.outbox import MessageKind, NewMessage, enqueue, idempotency_key
from bot.scheduling.senders import Target
from bot.storage.engine import make_engine, make_sessions
from bot.storage.models.people import Workspace
from tests.fakes.discord_api import FakeDiscordAPI, running_fake_discord
from tests.fakes.discord_gateway import FakeDiscordGateway, running_fake_gateway
from tests.fakes.discord_interactions import GUILD_ID


@asynccontextmanager
async def fake_discord(
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[tuple[FakeDiscordAPI, FakeDiscordGateway]]:
    """The fake REST API and gateway on 127.0.0.1, with discord.py pointed at both."""
    async with running_fake_discord() as api, running_fake_gateway() as gateway:
        monkeypatch.setattr(discord.http.Route, "BASE", api.base_url)
        monkeypatch.setattr(discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", gateway.url)
        gateway.api = api
        yield api, gateway


@asynccontextmanager
async def in_background(serving: Coroutine[Any, Any, None]) -> AsyncIterator[asyncio.Task[None]]:
    """Run `serving` (the bot) in a task for the block, then cancel it and wait."""
    task = asyncio.create_task(serving)
    try:
        yield task
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


@asynccontextmanager
async def bot_on_fakes(
    monkeypatch: pytest.MonkeyPatch,
    settings: Settings,
    server: Callable[[FakeDiscordAPI], None] | None = None,
) -> AsyncIterator[tuple[FakeDiscordAPI, FakeDiscordGateway]]:
    """`pathbot run` on Discord against the fakes (whose server `server` may set up
    first), once it has identified."""
    from bot.adapters.discord import runner

    async with fake_discord(monkeypatch) as (api, gateway), in_background(runner.run(settings)):
        if server is not None:
            server(api)
        await gateway.wait_identified()
        yield api, gateway


async def logged(caplog: pytest.LogCaptureFixture, text: str) -> None:
    """Wait (at most 10 s) until a log record says `text`."""
    for _ in range(200):
        if any(text in record.getMessage() for record in caplog.records):
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"never logged: {text}")


async def enqueue_now(
    url: str,
    kind: MessageKind,
    target: Target,
    reply: Reply,
    day: int = 0,
    guild_id: str = GUILD_ID,
    platform: str = "discord",
) -> str:
    """Queue a message for the fake server's workspace (or `guild_id` on `platform`),
    due now, as the scheduler would;
    `day` shifts its local date, so several of a kind can be queued. Returns its key."""
    engine = make_engine(url)
    try:
        async with make_sessions(engine)() as db, db.begin():
            workspace_id = await db.scalar(
                select(Workspace.id).where(Workspace.external_id == guild_id)
            )
            assert workspace_id is not None
            now = SystemClock().now()
            local_date = now.date() + timedelta(days=day)
            message = NewMessage(
                kind=kind,
                workspace_id=workspace_id,
                platform=platform,
                target=target,
                local_date=local_date,
                local_time="now",
                reply=reply,
                due_at=now,
                expires_at=now + timedelta(hours=1),
            )
            assert await enqueue(db, [message], now) == 1
            return idempotency_key(kind.value, workspace_id, str(target), local_date)
    finally:
        await engine.dispose()
