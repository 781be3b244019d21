"""/daily-thread: a thread under each daily post, on Discord, for that day's talk."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.config import load_settings
from bot.replies import Reply
from bot.scheduling.jobs import enqueue_due
from bot.scheduling.outbox import MessageKind, reply_of
from bot.scheduling.senders import Target
from bot.storage.engine import make_engine, make_sessions
from bot.storage.outbox import OutboxMessage
from tests.conftest import Bot, caller_for
from tests.fakes.discord_api import FakeDiscordAPI
from tests.fakes.discord_interactions import interaction
from tests.fakes.discord_runner import bot_on_fakes, enqueue_now

ADMIN = caller_for("boss", admin=True)
DAILY = "800000000000000020"


@pytest.mark.parametrize("state", ["on", "off"])
async def test_the_daily_post_asks_for_a_thread_when_the_workspace_wants_one(
    pathbot: Bot, state: str
) -> None:
    for line in (
        "/cohort-start 2027-01-04",
        "/set-channel daily C0DAILY01",
        f"/daily-thread {state}",
    ):
        assert (await pathbot.say(ADMIN, line)).ok, line
    pathbot.clock.set(datetime(2027, 1, 5, 9, 0, tzinfo=UTC))
    async with pathbot.core.sessions() as db, db.begin():
        assert await enqueue_due(db, pathbot.core, pathbot.clock.now()) >= 1
    async with pathbot.core.sessions() as db:
        (row,) = await db.scalars(select(OutboxMessage).where(OutboxMessage.kind == "daily_post"))

    thread = reply_of(row).thread
    if state == "off":
        assert thread is None
    else:
        assert thread is not None
        assert thread.startswith("Tue 05 Jan: ")
        assert len(thread) <= 100


@pytest.mark.parametrize("refused", [False, True])
async def test_discord_opens_the_thread_under_the_post_and_a_refusal_loses_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, refused: bool
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'pathbot.db'}"
    settings = load_settings(discord_token="fake-token", database_url=url, data_dir=tmp_path)

    def server(api: FakeDiscordAPI) -> None:
        api.channels[DAILY] = "study-plan"
        api.refuse_threads = refused

    async with bot_on_fakes(monkeypatch, settings, server) as (api, gateway):
        await gateway.dispatch("INTERACTION_CREATE", interaction("help"))
        await api.wait_for("POST", "/callback")  # the workspace exists now
        daily = Reply(title="Today for the cohort", thread="Tue 05 Jan: Tokenizers")
        await enqueue_now(url, MessageKind.DAILY_POST, Target.channel(DAILY), daily)
        (posted,) = await api.wait_for("POST", f"/channels/{DAILY}/messages")
        (opened,) = await api.wait_for("POST", "/threads")
        status = await _status(url)

    assert posted.body is not None
    assert "thread" not in posted.body  # a pathbot field, not Discord's
    assert opened.path == f"/channels/{DAILY}/messages/{api.posted[DAILY][0]['id']}/threads"
    assert opened.body is not None
    assert opened.body["name"] == "Tue 05 Jan: Tokenizers"
    assert opened.body["auto_archive_duration"] == 1440  # a day, the day's discussion
    assert status == "sent"  # a thread refused (no Create Public Threads) costs no resend


async def _status(url: str) -> str:
    engine = make_engine(url)
    try:
        for _ in range(50):
            async with make_sessions(engine)() as db:
                status = await db.scalar(select(OutboxMessage.status))
            if status != "pending":
                return str(status)
            await asyncio.sleep(0.1)
        return str(status)
    finally:
        await engine.dispose()


async def test_the_daily_post_is_an_embed_with_the_days_blocks_exercises_and_reading(
    pathbot: Bot,
) -> None:
    from bot.adapters.discord.render import render_embed

    for line in ("/cohort-start 2027-01-04", "/set-channel daily C0DAILY01"):
        assert (await pathbot.say(ADMIN, line)).ok, line
    pathbot.clock.set(datetime(2027, 1, 5, 9, 0, tzinfo=UTC))
    async with pathbot.core.sessions() as db, db.begin():
        await enqueue_due(db, pathbot.core, pathbot.clock.now())
    async with pathbot.core.sessions() as db:
        (row,) = await db.scalars(select(OutboxMessage).where(OutboxMessage.kind == "daily_post"))

    embed = render_embed(reply_of(row)).to_dict()
    description = embed.get("description", "")
    assert embed["title"].startswith("Today for the cohort: Day 2, week 1")
    assert description.startswith("Focus: ")  # the day's blocks
    exercises = [e for block in pathbot.core.curriculum.week(1).blocks for e in block.exercises]
    assert any(exercise in description for exercise in exercises)  # the day's exercises
    assert "📖" in description  # what to read
    assert {field["name"] for field in embed["fields"]} >= {"Planned today", "Week target"}
