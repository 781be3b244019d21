"""`pathbot run` on Discord: the runner over the real gateway protocol, against fakes.

discord.py logs in over REST, opens the (fake) gateway websocket, identifies,
receives an INTERACTION_CREATE and answers it over REST, through the real core
on a fresh SQLite database.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import aiohttp
import discord
import pytest

from bot.adapters.discord import runner
from bot.config import Settings, load_settings
from bot.errors import Fatal
from bot.replies import Reply
from bot.scheduling.locks import ProcessLock, sqlite_lock_path
from bot.scheduling.outbox import MessageKind
from bot.scheduling.senders import Target
from tests.fakes.discord_api import running_fake_discord
from tests.fakes.discord_interactions import MEMBER_ID, interaction, option
from tests.fakes.discord_runner import enqueue_now, fake_discord, in_background
from tests.integration.test_operations_http import _http_url, _ready


def _settings(tmp_path: Path, token: str = "fake-token") -> Settings:
    """The bot on a fresh SQLite file of this test's own, with a Discord token."""
    return load_settings(
        discord_token=token,
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'pathbot.db'}",
        data_dir=tmp_path,
    )


async def test_run_serves_slash_commands_over_the_gateway(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = _settings(tmp_path)
    async with fake_discord(monkeypatch) as (api, gateway), in_background(runner.run(settings)):
        identify = await gateway.wait_identified()
        assert identify["token"] == "fake-token"
        assert identify["intents"] == discord.Intents(guilds=True).value  # nothing privileged

        await gateway.dispatch(
            "INTERACTION_CREATE",
            interaction("join", option("timezone", "Asia/Kolkata"), option("reminder", "7pm")),
        )
        (answer,) = await api.wait_for("POST", "/callback")

    assert answer.body is not None
    embed = answer.body["data"]["embeds"][0]
    assert embed["color"] == discord.Colour.green().value, embed
    assert any(field["value"] == "Asia/Kolkata" for field in embed.get("fields", [])), embed
    assert len(api.matching("PUT", "/commands")) == 1  # slash commands synced at login


async def test_run_without_a_token_is_one_clear_line(tmp_path: Path) -> None:
    settings = load_settings(discord_token="", data_dir=tmp_path)

    with pytest.raises(Fatal):
        await runner.run(settings)


async def test_a_refused_token_is_one_clear_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = _settings(tmp_path, "wrong")
    async with running_fake_discord() as api:
        api.refuse_token = True
        monkeypatch.setattr(discord.http.Route, "BASE", api.base_url)
        with pytest.raises(Fatal) as stopped:
            await runner.run(settings)

    err = str(stopped.value)
    assert "Discord refused DISCORD_TOKEN" in err
    assert "Traceback" not in err


async def test_unreachable_discord_is_retried_while_health_answers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    settings = _settings(tmp_path)
    monkeypatch.setattr(discord.http.Route, "BASE", "http://127.0.0.1:9/api/v10")  # refused

    async with in_background(runner.run(settings)) as serving, aiohttp.ClientSession() as http:
        url = await _http_url(caplog)
        async with http.get(f"{url}/healthz") as response:
            assert response.status == 200
        for _ in range(200):  # "connecting", then why it failed and when it tries again
            async with http.get(f"{url}/readyz") as response:
                assert response.status == 503
                waiting = await response.json()
            if "trying again" in waiting["parts"]["discord"]["detail"]:
                break
            await asyncio.sleep(0.02)
        # Discord comes back: the next try (after the 1 s backoff) logs in and serves.
        async with fake_discord(monkeypatch) as (_api, gateway):
            await gateway.wait_identified()
            ready = await _ready(http, url)
            assert not serving.done()

    assert waiting["failing"] == ["discord"]
    assert "can't reach Discord to log in" in waiting["parts"]["discord"]["detail"]
    assert "trying again in 1 s" in waiting["parts"]["discord"]["detail"]
    assert ready["status"] == "ready"
    assert any("trying again" in r.getMessage() for r in caplog.records)


async def test_run_delivers_the_outbox_through_discord_with_the_nonce(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'pathbot.db'}"
    settings = load_settings(discord_token="fake-token", database_url=url, data_dir=tmp_path)
    async with fake_discord(monkeypatch) as (api, gateway), in_background(runner.run(settings)):
        await gateway.wait_identified()
        await gateway.dispatch("INTERACTION_CREATE", interaction("help"))
        await api.wait_for("POST", "/callback")  # the workspace exists now
        key = await _enqueue_reminder(url, f"user:{MEMBER_ID}")
        (sent,) = await api.wait_for("POST", "/messages")

    (opened,) = api.matching("POST", "/users/@me/channels")
    assert opened.body == {"recipient_id": int(MEMBER_ID)}
    assert sent.body is not None
    assert sent.body["nonce"] == key  # the outbox's idempotency key, enforced
    assert sent.body["enforce_nonce"] is True
    assert sent.body["embeds"][0]["title"] == "Time to study"


async def _enqueue_reminder(url: str, target: str, day: int = 0) -> str:
    """A reminder due now; `day` shifts its local date, so several can be queued."""
    reply = Reply(title="Time to study", lines=["Day 3: attention"])
    return await enqueue_now(url, MessageKind.REMINDER, Target.parse(target), reply, day=day)


async def test_a_second_process_on_the_same_sqlite_is_one_clear_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'pathbot.db'}"
    settings = load_settings(discord_token="fake-token", database_url=url, data_dir=tmp_path)
    lock_path = sqlite_lock_path(url)
    assert lock_path is not None
    other_process = ProcessLock(lock_path)
    other_process.acquire()
    try:
        async with fake_discord(monkeypatch):
            with pytest.raises(Fatal) as stopped:
                await asyncio.wait_for(runner.run(settings), timeout=10)
    finally:
        other_process.release()

    err = str(stopped.value)
    assert "another pathbot process is already using this SQLite database" in err
    assert "Traceback" not in err


async def test_admin_commands_are_hidden_from_members_and_installs_are_guild_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    settings = _settings(tmp_path)
    async with fake_discord(monkeypatch) as (api, gateway), in_background(runner.run(settings)):
        await gateway.wait_identified()
        (sync,) = await api.wait_for("PUT", "/commands")
        for _ in range(100):  # READY is handled just after identifying
            if any("invite it with" in r.getMessage() for r in caplog.records):
                break
            await asyncio.sleep(0.05)
    (ready,) = [r.getMessage() for r in caplog.records if "invite it with" in r.getMessage()]
    assert "permissions=34359856128" in ready
    assert "scope=bot%20applications.commands" in ready
    assert isinstance(sync.body, list)
    by_name = {command["name"]: command for command in sync.body}
    manage_guild = discord.Permissions(manage_guild=True).value
    # A permission bit set; Discord documents it as a string, discord.py sends the number.
    assert int(by_name["report"]["default_member_permissions"]) == manage_guild
    assert int(by_name["set-channel"]["default_member_permissions"]) == manage_guild
    assert by_name["log"]["default_member_permissions"] is None
    assert by_name["help"]["default_member_permissions"] is None
    assert all(command["integration_types"] == [0] for command in sync.body)
