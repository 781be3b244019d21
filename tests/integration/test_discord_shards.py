"""Two `pathbot run` processes splitting Discord's gateway by shard, on one PostgreSQL:
each server served by one of them, one scheduler, every message sent once, and the send
budget split between them. Real processes, pointed at the fake Discord by settings."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from bot.replies import Reply
from bot.scheduling.outbox import MessageKind
from bot.scheduling.senders import Target
from tests.conftest import Database
from tests.fakes.discord_api import FakeDiscordAPI, running_fake_discord
from tests.fakes.discord_gateway import FakeDiscordGateway, running_fake_gateway
from tests.fakes.discord_interactions import GUILD_ID, MEMBER_ID, interaction
from tests.fakes.discord_runner import enqueue_now

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
    database: Database, tmp_path: Path
) -> None:
    if database.backend != "postgres":
        pytest.skip("several processes are a PostgreSQL deployment; SQLite refuses a second")
    assert (int(GUILD_ID) >> 22) % 2 != (int(OTHER_GUILD) >> 22) % 2
    async with running_fake_discord() as api, running_fake_gateway() as gateway:
        gateway.api = api
        api.other_guilds.append(_other_server(api))
        processes = [
            await _pathbot_run(database, tmp_path, api, gateway, shard) for shard in (0, 1)
        ]
        try:
            await gateway.wait_identified(count=2, within_s=60.0)
            await gateway.dispatch("INTERACTION_CREATE", _in(GUILD_ID, interaction("join")))
            await gateway.dispatch("INTERACTION_CREATE", _in(OTHER_GUILD, interaction("join")))
            await api.wait_for("POST", "/callback", count=2)
            for day in range(REMINDERS_EACH):
                for guild in (GUILD_ID, OTHER_GUILD):
                    reply = Reply(title=f"Reminder {guild} {day}")
                    target = Target.user(MEMBER_ID)
                    await enqueue_now(
                        database.url, MessageKind.REMINDER, target, reply, day, guild_id=guild
                    )
            await api.wait_for("POST", "/messages", count=2 * REMINDERS_EACH)
            await asyncio.sleep(1.0)  # time enough for a second copy, were there one
        finally:
            logs = [await _stopped(process) for process in processes]
        sent = api.matching("POST", "/messages")
        answers = api.matching("POST", "/callback")

    shards = sorted(tuple(identify["shard"]) for identify in gateway.identified)
    assert shards == [(0, 2), (1, 2)]
    assert len(answers) == 2  # each server's command answered once, by its shard's process
    titles = Counter(call.body["embeds"][0]["title"] for call in sent if call.body)
    assert len(titles) == 2 * REMINDERS_EACH
    assert set(titles.values()) == {1}  # nothing sent twice
    lines = [line for out in logs for line in out]  # a JSON log line's fields are its keys
    roles = sorted(line["scheduler"] for line in lines if "scheduler" in line)
    assert roles == ["follower", "leader"]  # one process schedules
    rates = [line["rate_per_s"] for line in lines if "rate_per_s" in line]
    assert rates == [22.5, 22.5]  # together at Discord's 45 a second, never above


async def _pathbot_run(
    database: Database,
    tmp_path: Path,
    api: FakeDiscordAPI,
    gateway: FakeDiscordGateway,
    shard: int,
) -> asyncio.subprocess.Process:
    """`pathbot run` as its own process, on this shard of two, against the fakes."""
    env = {
        **os.environ,
        "DISCORD_TOKEN": "fake-token",
        "PATHBOT_DATABASE_URL": database.url,
        "PATHBOT_DATA_DIR": str(tmp_path / f"process-{shard}"),
        "PATHBOT_DISCORD_API_URL": api.base_url,
        "PATHBOT_DISCORD_GATEWAY_URL": str(gateway.url),
        "DISCORD_SHARD_COUNT": "2",
        "DISCORD_SHARD_IDS": str(shard),
        "PATHBOT_HTTP_PORT": "0",
        "PATHBOT_ASK_WARM_UP": "false",
        "PATHBOT_LOG_FORMAT": "json",
    }
    return await asyncio.create_subprocess_exec(
        str(Path(sys.executable).with_name("pathbot")),
        "run",
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )


async def _stopped(process: asyncio.subprocess.Process) -> list[dict[str, Any]]:
    """SIGTERM, as `docker stop` sends; its JSON log lines."""
    if process.returncode is None:
        process.send_signal(signal.SIGTERM)
    out, _ = await asyncio.wait_for(process.communicate(), timeout=20)
    lines = []
    for text in out.decode().splitlines():
        try:
            lines.append(json.loads(text))
        except json.JSONDecodeError:
            continue
    return lines
