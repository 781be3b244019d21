"""Two `pathbot run` processes splitting Discord's gateway by shard, on one PostgreSQL:
each server served by one of them, one scheduler, every message sent once, and the send
budget split between them. (Two runners in one event loop, each with its own engine,
HTTP server and gateway sessions: as two processes, but quicker to start.)"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from bot.adapters.discord import runner
from bot.config import load_settings
from bot.replies import Reply
from bot.scheduling.outbox import MessageKind
from bot.scheduling.senders import Target
from tests.conftest import Database
from tests.fakes.discord_api import FakeDiscordAPI
from tests.fakes.discord_interactions import GUILD_ID, MEMBER_ID, interaction
from tests.fakes.discord_runner import enqueue_now, fake_discord, in_background

#: A second server on the other shard of two: (id >> 22) % 2 differs from GUILD_ID's.
OTHER_GUILD = "800000000004194804"
REMINDERS_EACH = 10


def _other_server(api: FakeDiscordAPI) -> dict[str, Any]:
    guild = api.guild_create()
    everyone = {**guild["roles"][0], "id": OTHER_GUILD}
    return {**guild, "id": OTHER_GUILD, "name": "Other cohort", "roles": [everyone]}


def _in(guild_id: str, payload: dict[str, Any]) -> dict[str, Any]:
    payload["guild_id"] = guild_id
    payload["channel"]["guild_id"] = guild_id
    return payload


@pytest.mark.postgres
async def test_two_shard_processes_serve_each_server_once_and_send_nothing_twice(
    database: Database,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    if database.backend != "postgres":
        pytest.skip("several processes are a PostgreSQL deployment; SQLite refuses a second")
    assert (int(GUILD_ID) >> 22) % 2 != (int(OTHER_GUILD) >> 22) % 2
    caplog.set_level(logging.INFO)
    processes = [
        load_settings(
            discord_token="fake-token",
            database_url=database.url,
            data_dir=tmp_path / f"process-{shard}",
            discord_shard_count=2,
            discord_shard_ids=str(shard),
        )
        for shard in (0, 1)
    ]
    async with fake_discord(monkeypatch) as (api, gateway):
        api.other_guilds.append(_other_server(api))
        async with in_background(runner.run(processes[0])), in_background(runner.run(processes[1])):
            await gateway.wait_identified(count=2)
            await gateway.dispatch("INTERACTION_CREATE", _in(GUILD_ID, interaction("join")))
            await gateway.dispatch("INTERACTION_CREATE", _in(OTHER_GUILD, interaction("join")))
            answers = await api.wait_for("POST", "/callback", count=2)
            for day in range(REMINDERS_EACH):
                for guild in (GUILD_ID, OTHER_GUILD):
                    reply = Reply(title=f"Reminder {guild} {day}")
                    target = Target.user(MEMBER_ID)
                    await enqueue_now(
                        database.url, MessageKind.REMINDER, target, reply, day, guild_id=guild
                    )
            sent = await api.wait_for("POST", "/messages", count=2 * REMINDERS_EACH)
            await asyncio.sleep(1.0)  # time enough for a second copy, were there one
            sent = api.matching("POST", "/messages")
            answers = api.matching("POST", "/callback")

    shards = sorted(tuple(identify["shard"]) for identify in gateway.identified)
    assert shards == [(0, 2), (1, 2)]
    assert len(answers) == 2  # each server's command answered once, by its shard
    titles = Counter(call.body["embeds"][0]["title"] for call in sent if call.body)
    assert len(titles) == 2 * REMINDERS_EACH
    assert set(titles.values()) == {1}  # nothing sent twice
    roles = [
        r.fields["scheduler"] for r in caplog.records if "scheduler" in getattr(r, "fields", {})
    ]
    assert sorted(roles) == ["follower", "leader"]  # one process schedules
    rates = [
        r.fields["rate_per_s"]
        for r in caplog.records
        if "rate_per_s" in getattr(r, "fields", {}) and r.fields["platform"] == "discord"
    ]
    assert rates == [22.5, 22.5]  # together at Discord's 45 a second, never above
