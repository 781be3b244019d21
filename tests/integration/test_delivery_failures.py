"""A delivery that fails for good reaches a person and stops repeating (Discord, Slack).

Driven through `pathbot run` on the real discord.py against the fake Discord (its
scheduler ticks at start, the worker sends, the fake refuses with Discord's own
error codes), and through the real slack_sdk and slack-bolt against the fake Slack.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import select

from bot.adapters.discord import runner
from bot.adapters.slack import SlackAdapter
from bot.adapters.slack.runner import http_events
from bot.adapters.slack.sender import SlackSender
from bot.caller import Caller, Platform
from bot.clock import FakeClock, SystemClock
from bot.commands.dispatcher import Dispatcher
from bot.config import load_settings
from bot.scheduling.delivery import DeliveryWorker
from bot.scheduling.failures import act_on
from bot.scheduling.jobs import enqueue_due
from bot.services.context import Core
from bot.storage import migrate
from bot.storage.engine import make_engine, make_sessions
from bot.storage.models import Member, Workspace
from bot.storage.outbox import OutboxMessage
from tests.conftest import Database
from tests.fakes.discord_interactions import CHANNEL_ID, GUILD_ID, MEMBER_ID, interaction, option
from tests.fakes.discord_runner import fake_discord, in_background
from tests.fakes.slack_api import (
    SIGNING_SECRET,
    FakeSlackAPI,
    running_fake_slack,
    signed_headers,
)

ADMIN_ID = "800000000000000077"


async def _eventually(check: Callable[[], Awaitable[bool]], what: str) -> None:
    for _ in range(100):
        if await check():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"never happened: {what}")


async def _prepared(path: Path, curriculum: Any, *lines: tuple[Caller, str]) -> str:
    url = f"sqlite+aiosqlite:///{path}"
    engine = make_engine(url)
    await migrate.upgrade(engine)
    dispatcher = Dispatcher(Core(make_sessions(engine), SystemClock(), curriculum))
    for caller, line in lines:
        reply = await dispatcher.handle(caller, line)
        assert reply.ok, (line, reply)
    await engine.dispose()
    return url


def _embed_text(body: dict[str, Any] | None) -> str:
    assert body is not None
    embed = body["data"]["embeds"][0]
    fields = " ".join(f"{f['name']} {f['value']}" for f in embed.get("fields", []))
    return f"{embed.get('title', '')} {embed.get('description', '')} {fields}"


async def test_discord_dms_closed_turn_reminders_off_and_tell_the_member_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shipped_curriculum: Any
) -> None:
    ada = Caller(Platform.DISCORD, GUILD_ID, MEMBER_ID, "Ada")
    today = datetime.now(UTC).date().isoformat()
    url = await _prepared(tmp_path / "p.db", shipped_curriculum, (ada, f"/join {today} UTC 00:00"))
    settings = load_settings(discord_token="fake-token", database_url=url, data_dir=tmp_path)
    engine = make_engine(url)
    sessions = make_sessions(engine)

    async def reminders_off() -> bool:
        async with sessions() as db:
            return await db.scalar(select(Member.dm_off_reason)) is not None

    try:
        async with fake_discord(monkeypatch) as (api, gateway):
            code = {"message": "Cannot send messages to this user", "code": 50007}
            api.fail_next_sends.append((403, code))
            async with in_background(runner.run(settings)):
                await gateway.wait_identified()
                await _eventually(reminders_off, "the reminder's 50007 turned reminders off")
                await gateway.dispatch("INTERACTION_CREATE", interaction("progress"))
                await gateway.dispatch("INTERACTION_CREATE", interaction("progress"))
                first, second = await api.wait_for("POST", "/callback", count=2)
                await gateway.dispatch(
                    "INTERACTION_CREATE",
                    interaction("settings", option("setting", "reminders"), option("value", "on")),
                )
                await api.wait_for("POST", "/callback", count=3)
        told = _embed_text(first.body)
        assert "Heads up: I couldn't DM you" in told
        assert "/settings reminders on" in told
        assert "Heads up" not in _embed_text(second.body)  # once
        async with sessions() as db:
            assert await db.scalar(select(Member.dm_off_reason)) is None  # turned back on
            member = await db.scalar(select(Member))
            assert member is not None
            # While they were off, the next day's scan queued nothing for her.
            member.dm_off_reason = "still closed"
            await db.commit()
        core = Core(sessions, FakeClock(datetime.now(UTC)), shipped_curriculum)
        tomorrow = datetime.now(UTC).replace(hour=0, minute=5) + timedelta(days=1)
        async with sessions() as db, db.begin():
            await enqueue_due(db, replace(core, clock=FakeClock(tomorrow)), tomorrow)
        async with sessions() as db:
            rows = (await db.scalars(select(OutboxMessage))).all()
        assert [(r.kind, r.status) for r in rows if r.local_date > datetime.now(UTC).date()] == []
    finally:
        await engine.dispose()


async def test_discord_channel_gone_clears_it_and_tells_the_admins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shipped_curriculum: Any
) -> None:
    admin = Caller(Platform.DISCORD, GUILD_ID, ADMIN_ID, "Boss", is_platform_admin=True)
    today = datetime.now(UTC).date().isoformat()
    url = await _prepared(
        tmp_path / "p.db",
        shipped_curriculum,
        (admin, f"/cohort-start {today}"),
        (admin, "/post-time 00:00"),
        (admin, f"/set-channel daily {CHANNEL_ID}"),
        (admin, f"/admin-add {ADMIN_ID}"),
    )
    settings = load_settings(discord_token="fake-token", database_url=url, data_dir=tmp_path)
    engine = make_engine(url)
    sessions = make_sessions(engine)

    async def cleared() -> bool:
        async with sessions() as db:
            return await db.scalar(select(Workspace.daily_channel)) is None

    try:
        async with fake_discord(monkeypatch) as (api, gateway):
            api.fail_next_sends.append((404, {"message": "Unknown Channel", "code": 10003}))
            async with in_background(runner.run(settings)):
                await gateway.wait_identified()
                await _eventually(cleared, "the daily channel's 10003 cleared it")
                # The admin on the list is told by DM (the worker's next send).
                dms = await api.wait_for("POST", "/users/@me/channels")
                await api.wait_for("POST", "/messages", count=2)
                await gateway.dispatch(
                    "INTERACTION_CREATE", interaction("workspace", permissions=0x20)
                )
                (answer,) = await api.wait_for("POST", "/callback")
        assert dms[0].body is not None
        assert str(dms[0].body["recipient_id"]) == ADMIN_ID
        sent = api.matching("POST", "/messages")
        assert "could not post" in json.dumps(sent[-1].body)
        shown = _embed_text(answer.body)
        assert "Heads up: The daily channel" in shown
        assert "/set-channel daily" in shown
        assert "Last delivery problem" in shown
        async with sessions() as db:
            workspace = await db.scalar(select(Workspace))
            assert workspace is not None
            assert workspace.admin_notice is None  # shown once
            core = Core(sessions, SystemClock(), shipped_curriculum)
        later = datetime.now(UTC) + timedelta(days=1)
        async with sessions() as db, db.begin():
            await enqueue_due(db, replace(core, clock=FakeClock(later)), later)
        async with sessions() as db:
            kinds = [r.kind for r in await db.scalars(select(OutboxMessage))]
        assert kinds.count("daily_post") == 1  # the failed one; nothing queued again
    finally:
        await engine.dispose()


async def test_discord_guild_remove_makes_the_workspace_inactive(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shipped_curriculum: Any
) -> None:
    ada = Caller(Platform.DISCORD, GUILD_ID, MEMBER_ID, "Ada")
    url = await _prepared(tmp_path / "p.db", shipped_curriculum, (ada, "/join"))
    settings = load_settings(discord_token="fake-token", database_url=url, data_dir=tmp_path)
    engine = make_engine(url)
    sessions = make_sessions(engine)

    async def inactive() -> bool:
        async with sessions() as db:
            return await db.scalar(select(Workspace.active)) is False

    guild = {
        "id": GUILD_ID,
        "name": "Study group",
        "owner_id": ADMIN_ID,
        "unavailable": False,
        "member_count": 2,
        "roles": [],
        "emojis": [],
        "stickers": [],
        "channels": [],
        "members": [],
        "threads": [],
        "features": [],
        "preferred_locale": "en-US",
    }
    try:
        async with (
            fake_discord(monkeypatch) as (_api, gateway),
            in_background(runner.run(settings)),
        ):
            await gateway.wait_identified()
            await gateway.dispatch("GUILD_CREATE", guild)
            await asyncio.sleep(0.2)
            await gateway.dispatch("GUILD_DELETE", {"id": GUILD_ID})
            await _eventually(inactive, "GUILD_DELETE made the workspace inactive")
        core = Core(sessions, SystemClock(), shipped_curriculum)
        later = datetime.now(UTC) + timedelta(days=1)
        async with sessions() as db, db.begin():
            queued = await enqueue_due(db, replace(core, clock=FakeClock(later)), later)
        assert queued == 0
        # A command from there brings it back.
        reply = await Dispatcher(core).handle(ada, "/progress")
        assert reply.ok
        async with sessions() as db:
            assert await db.scalar(select(Workspace.active)) is True
    finally:
        await engine.dispose()


def _slack_delivery(
    fake: FakeSlackAPI, dispatcher: Dispatcher, database: Database, clock: FakeClock
) -> tuple[SlackAdapter, DeliveryWorker]:
    """The real Slack adapter on the fake, and a worker that acts on permanent failures."""
    client = AsyncWebClient(token="xoxb-test", base_url=fake.base_url)
    adapter = SlackAdapter(dispatcher, client=client, signing_secret=SIGNING_SECRET, clock=clock)
    worker = DeliveryWorker(
        database.sessions, {"slack": SlackSender(adapter)}, clock, on_failure=act_on
    )
    return adapter, worker


async def test_slack_channel_gone_and_uninstall(
    database: Database, shipped_curriculum: Any
) -> None:
    admin = Caller(Platform.SLACK, "T0001", "U0BOSS001", "Boss", is_platform_admin=True)
    clock = FakeClock(datetime(2027, 1, 4, 9, 0, tzinfo=UTC))
    core = Core(database.sessions, clock, shipped_curriculum)
    dispatcher = Dispatcher(core)
    for line in ("/cohort-start 2027-01-04", "/set-channel daily C0GONE001", "/post-time 08:00"):
        assert (await dispatcher.handle(admin, line)).ok
    async with running_fake_slack() as fake:
        adapter, worker = _slack_delivery(fake, dispatcher, database, clock)
        fake.fail_next["chat.postMessage"] = (200, {"ok": False, "error": "channel_not_found"}, {})
        async with database.sessions() as db, db.begin():
            assert await enqueue_due(db, core, clock.now()) == 1
        await worker.drain()
        async with database.sessions() as db:
            workspace = await db.scalar(select(Workspace))
            assert workspace is not None
            assert workspace.daily_channel is None
            assert "channel_not_found" in (workspace.last_delivery_error or "")

        body = json.dumps(
            {
                "token": "x",
                "team_id": "T0001",
                "api_app_id": "A0001",
                "type": "event_callback",
                "event_id": "Ev0001",
                "event_time": int(clock.now().timestamp()),
                "event": {"type": "app_uninstalled"},
            }
        )
        async with http_events(adapter, "127.0.0.1", 0) as events, aiohttp.ClientSession() as http:
            headers = signed_headers(body, secret=SIGNING_SECRET)
            headers["Content-Type"] = "application/json"
            async with http.post(events, data=body, headers=headers) as response:
                assert response.status == 200

        async def inactive() -> bool:
            async with database.sessions() as db:
                return await db.scalar(select(Workspace.active)) is False

        await _eventually(inactive, "app_uninstalled made the workspace inactive")
    async with database.sessions() as db, db.begin():
        clock.set(datetime(2027, 1, 5, 9, 0, tzinfo=UTC))
        assert await enqueue_due(db, core, clock.now()) == 0


async def test_slack_dms_closed_turn_reminders_off(
    database: Database, shipped_curriculum: Any
) -> None:
    ada = Caller(Platform.SLACK, "T0001", "U0ADA0001", "Ada")
    clock = FakeClock(datetime(2027, 1, 4, 12, 0, tzinfo=UTC))
    core = Core(database.sessions, clock, shipped_curriculum)
    dispatcher = Dispatcher(core)
    assert (await dispatcher.handle(ada, "/join 2027-01-04 UTC 09:00")).ok
    async with running_fake_slack() as fake:
        _, worker = _slack_delivery(fake, dispatcher, database, clock)
        # Slack's answer when the app may not open a DM with the user.
        fake.fail_next["conversations.open"] = (200, {"ok": False, "error": "cannot_dm_bot"}, {})
        async with database.sessions() as db, db.begin():
            assert await enqueue_due(db, core, clock.now()) == 1  # her 09:00 reminder
        await worker.drain()
    async with database.sessions() as db:
        reason = await db.scalar(select(Member.dm_off_reason))
    assert reason is not None
    assert "cannot_dm_bot" in reason
    told = await dispatcher.handle(ada, "/progress")
    assert "Heads up" in told.text()
    clock.set(datetime(2027, 1, 5, 12, 0, tzinfo=UTC))
    async with database.sessions() as db, db.begin():
        assert await enqueue_due(db, core, clock.now()) == 0  # no doomed DM tomorrow
