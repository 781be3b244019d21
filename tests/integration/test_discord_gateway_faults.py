"""What Discord's gateway and interaction deadlines do to a running bot, through the real
discord.py against the fakes: a dropped connection, RECONNECT, INVALID_SESSION, and
interactions answered too late."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.config import Settings, load_settings
from bot.storage.engine import make_engine, make_sessions
from bot.storage.models import HourLog
from tests.fakes.discord_api import FakeDiscordAPI
from tests.fakes.discord_interactions import MEMBER_ID, interaction, option
from tests.fakes.discord_runner import bot_on_fakes
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
