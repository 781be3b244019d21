"""What Discord's gateway and interaction deadlines do to a running bot, through the real
discord.py against the fakes: a dropped connection, RECONNECT, INVALID_SESSION, and
interactions answered too late."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.config import Settings, load_settings
from bot.storage.engine import make_engine, make_sessions
from bot.storage.models import HourLog
from bot.storage.outbox import OutboxMessage
from tests.fakes.discord_api import FakeDiscordAPI
from tests.fakes.discord_interactions import MEMBER_ID, interaction, option
from tests.fakes.discord_runner import bot_on_fakes, logged
from tests.integration.test_discord_runner import _enqueue_reminder


def _settings(tmp_path: Path) -> Settings:
    return load_settings(
        discord_token="fake-token",
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'pathbot.db'}",
        data_dir=tmp_path,
    )


async def _hour_logs(tmp_path: Path) -> int:
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'pathbot.db'}")
    try:
        async with make_sessions(engine)() as db:
            return int(await db.scalar(select(func.count()).select_from(HourLog)) or 0)
    finally:
        await engine.dispose()


async def test_a_dropped_connection_resumes_and_nothing_is_lost(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'pathbot.db'}"
    async with bot_on_fakes(monkeypatch, _settings(tmp_path)) as (api, gateway):
        await gateway.dispatch("INTERACTION_CREATE", interaction("join"))
        await api.wait_for("POST", "/callback")
        await gateway.drop()
        # While the bot is away: a command (kept for the RESUME) and a reminder (REST).
        await gateway.dispatch("INTERACTION_CREATE", interaction("log", option("duration", "45m")))
        key = await _enqueue_reminder(url, f"user:{MEMBER_ID}")
        resumes = await gateway.wait_resumed()
        await api.wait_for("POST", "/callback", count=2)
        (sent,) = await api.wait_for("POST", "/messages")
        await gateway.dispatch("INTERACTION_CREATE", interaction("undo"))
        await api.wait_for("POST", "/callback", count=3)

    assert len(gateway.identified) == 1  # resumed, not identified again
    assert [accepted for _, accepted in resumes] == [True]
    assert resumes[0][0]["session_id"] == "fake-session-1"
    assert sent.body is not None
    assert sent.body["nonce"] == key
    assert await _hour_logs(tmp_path) == 0  # logged once while away, undone once after


@pytest.mark.parametrize("fault", ["reconnect", "invalid-session-resumable"])
async def test_reconnect_and_a_resumable_invalid_session_resume(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fault: str
) -> None:
    async with bot_on_fakes(monkeypatch, _settings(tmp_path)) as (api, gateway):
        if fault == "reconnect":
            await gateway.reconnect()
        else:
            await gateway.invalidate(resumable=True)
        resumes = await gateway.wait_resumed()
        await gateway.dispatch("INTERACTION_CREATE", interaction("help"))
        await api.wait_for("POST", "/callback")

    assert len(gateway.identified) == 1
    assert [accepted for _, accepted in resumes] == [True]


async def test_an_invalid_session_identifies_again_and_keeps_serving(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with bot_on_fakes(monkeypatch, _settings(tmp_path)) as (api, gateway):
        await gateway.invalidate(resumable=False)
        # discord.py waits 5 s before identifying again (Discord's identify rate limit).
        await gateway.wait_identified(count=2, within_s=10.0)
        await gateway.dispatch("INTERACTION_CREATE", interaction("help"))
        (answer,) = await api.wait_for("POST", "/callback")

    assert answer.body is not None
    assert answer.body["type"] == 4


async def test_an_interaction_that_arrives_too_late_is_not_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    async with bot_on_fakes(monkeypatch, _settings(tmp_path)) as (api, gateway):
        await gateway.dispatch("INTERACTION_CREATE", interaction("join"))
        await api.wait_for("POST", "/callback")
        # Made 4 s ago (a replay after an outage): Discord answers 10062 to anything.
        stale = interaction("log", option("duration", "1h"), age_s=4.0)
        await gateway.dispatch("INTERACTION_CREATE", stale)
        await api.wait_for("POST", "/callback", count=2)
        await gateway.dispatch("INTERACTION_CREATE", interaction("help"))
        calls = await api.wait_for("POST", "/callback", count=3)

    assert calls[1].body is not None
    assert calls[1].body["type"] == 5  # it tried to acknowledge first…
    assert await _hour_logs(tmp_path) == 0  # …and, refused, never logged the hour
    assert any("10062" in r.getMessage() for r in caplog.records)
    assert calls[2].body is not None
    assert calls[2].body["type"] == 4  # and the bot serves the next one


async def test_a_follow_up_past_the_token_window_is_logged_not_raised(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)

    def expire_followups(api: FakeDiscordAPI) -> None:
        api.followup_window_s = 0.0  # as if the deferred answer took over 15 minutes

    async with bot_on_fakes(monkeypatch, _settings(tmp_path), expire_followups) as (api, gateway):
        await gateway.dispatch("INTERACTION_CREATE", interaction("export", age_s=0.5))
        await api.wait_for("POST", "/webhooks")
        await gateway.dispatch("INTERACTION_CREATE", interaction("help"))
        calls = await api.wait_for("POST", "/callback", count=2)

    assert any("50027" in r.getMessage() for r in caplog.records)
    assert not any(r.levelno >= logging.ERROR for r in caplog.records)
    assert calls[-1].body is not None
    assert calls[-1].body["type"] == 4


async def test_dm_channels_are_opened_once_across_restarts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'pathbot.db'}"
    for sends in (1, 2):  # two runs of the bot, each sending the member a reminder
        async with bot_on_fakes(monkeypatch, _settings(tmp_path)) as (api, gateway):
            await gateway.dispatch("INTERACTION_CREATE", interaction("help"))
            await api.wait_for("POST", "/callback")  # the workspace exists
            await _enqueue_reminder(url, f"user:{MEMBER_ID}", day=sends)
            await api.wait_for("POST", "/messages")
            opened = len(api.matching("POST", "/users/@me/channels"))
            assert opened == (1 if sends == 1 else 0), sends  # the second run remembers


async def test_opening_dms_too_fast_waits_and_loses_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'pathbot.db'}"
    monkeypatch.setattr("bot.adapters.discord.sender.DM_OPEN_PAUSE_S", 0.5)
    async with bot_on_fakes(monkeypatch, _settings(tmp_path)) as (api, gateway):
        await gateway.dispatch("INTERACTION_CREATE", interaction("help"))
        await api.wait_for("POST", "/callback")
        api.dm_open_limit = (0, 60.0)  # Discord says 40003 to the next DM opened
        await _enqueue_reminder(url, f"user:{MEMBER_ID}")
        await api.wait_for("POST", "/users/@me/channels")
        api.dm_open_limit = None  # later, it is allowed again
        (sent,) = await api.wait_for("POST", "/messages")

    assert len(api.matching("POST", "/users/@me/channels")) == 2  # refused once, then opened
    assert sent.body is not None
    assert await _outbox_statuses(url) == ["sent"]  # never dead, DMs never turned off


async def test_a_refused_token_mid_run_pauses_deliveries_and_loses_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR)
    url = f"sqlite+aiosqlite:///{tmp_path / 'pathbot.db'}"
    async with bot_on_fakes(monkeypatch, _settings(tmp_path)) as (api, gateway):
        await gateway.dispatch("INTERACTION_CREATE", interaction("help"))
        await api.wait_for("POST", "/callback")
        api.refuse_token = True  # the owner reset the token in the Developer Portal
        for day in range(3):
            await _enqueue_reminder(url, f"user:{MEMBER_ID}", day=day)
        await logged(caplog, "refused the bot's token")
        statuses = await _outbox_statuses(url)

    assert statuses == ["pending", "pending", "pending"]  # none dead-lettered
    refusals = [r for r in caplog.records if "refused the bot's token" in r.getMessage()]
    assert len(refusals) == 1  # said once, not once per row


async def _outbox_statuses(url: str) -> list[str]:
    engine = make_engine(url)
    try:
        async with make_sessions(engine)() as db:
            return list(await db.scalars(select(OutboxMessage.status).order_by(OutboxMessage.id)))
    finally:
        await engine.dispose()


@pytest.mark.parametrize("checked", [True, False])
async def test_a_late_resend_looks_before_it_posts_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, checked: bool
) -> None:
    """The first send is posted but its answer is lost; Discord has forgotten the nonce
    by the time the worker tries again. Looking first, one message; without, two."""
    from bot.adapters.discord.sender import DiscordSender

    url = f"sqlite+aiosqlite:///{tmp_path / 'pathbot.db'}"
    monkeypatch.setattr(DiscordSender, "idempotent_for_s", 0.0)
    if not checked:

        async def never(*args: object, **kwargs: object) -> bool:
            return False

        monkeypatch.setattr(DiscordSender, "already_sent", never)
    async with bot_on_fakes(monkeypatch, _settings(tmp_path)) as (api, gateway):
        api.nonce_window_s = 0.0
        await gateway.dispatch("INTERACTION_CREATE", interaction("help"))
        await api.wait_for("POST", "/callback")
        api.lose_next_answers = 1
        await _enqueue_reminder(url, f"user:{MEMBER_ID}")
        for _ in range(100):
            if await _outbox_statuses(url) == ["sent"]:
                break
            await asyncio.sleep(0.1)
        statuses = await _outbox_statuses(url)

    ((channel, posted),) = api.posted.items()
    assert statuses == ["sent"]
    assert len(posted) == (1 if checked else 2), channel
    assert bool(api.matching("GET", f"/channels/{channel}/messages")) is checked
