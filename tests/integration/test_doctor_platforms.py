"""`pathbot doctor` against fake Discord, Slack and OpenAI servers: a good deployment
and a broken one, as an organiser would run it."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.caller import Caller, Platform
from bot.cli.app import build_app
from bot.clock import SystemClock
from bot.commands.dispatcher import Dispatcher
from bot.curriculum.models import Curriculum
from bot.services.context import Core
from bot.storage import migrate
from bot.storage.engine import make_engine, make_sessions
from tests.fakes.discord_api import running_fake_discord
from tests.fakes.openai_server import FakeOpenAI
from tests.fakes.slack_api import running_fake_slack

DISCORD_CHANNEL = "800000000000000042"
ANNOUNCEMENTS = "800000000000000043"


async def _database(path: Path, curriculum: Curriculum) -> str:
    url = f"sqlite+aiosqlite:///{path}"
    engine = make_engine(url)
    await migrate.upgrade(engine)
    dispatcher = Dispatcher(Core(make_sessions(engine), SystemClock(), curriculum))
    on_discord = Caller(Platform.DISCORD, "g1", "u1", "Boss", True)
    on_slack = Caller(Platform.SLACK, "T1", "U1", "Boss", True)
    for caller, line in [
        (on_discord, f"/set-channel daily {DISCORD_CHANNEL}"),
        (on_discord, f"/set-channel leaderboard {ANNOUNCEMENTS}"),
        (on_slack, "/set-channel daily C0DAILY01"),
        (on_slack, "/set-channel leaderboard C0GONE001"),
    ]:
        assert (await dispatcher.handle(caller, line)).ok
    await engine.dispose()
    return url


def _doctor(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> tuple[int, dict[str, dict[str, str]]]:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    result = CliRunner().invoke(build_app(), ["doctor", "--json"])
    checks = json.loads(result.output.strip().splitlines()[-1])
    return result.exit_code, {check["name"]: check for check in checks}


async def test_doctor_on_a_good_and_a_broken_deployment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shipped_curriculum: Curriculum
) -> None:
    url = await _database(tmp_path / "p.db", shipped_curriculum)
    llm = FakeOpenAI()
    await llm.start()
    try:
        async with running_fake_discord() as discord_api, running_fake_slack() as slack:
            discord_api.channels[DISCORD_CHANNEL] = "study-plan"
            discord_api.channels[ANNOUNCEMENTS] = "announcements"
            # Members (and so the bot) may read but not post in #announcements.
            send = str(1 << 11)
            discord_api.overwrites[ANNOUNCEMENTS] = [
                {"id": discord_api.guild_id, "type": 0, "allow": "0", "deny": send}
            ]
            slack.channels["C0DAILY01"] = {"id": "C0DAILY01", "name": "daily", "is_member": True}
            slack.channels["C0GONE001"] = {"id": "C0GONE001", "name": "board", "is_member": False}
            env = {
                "PATHBOT_DATABASE_URL": url,
                "PATHBOT_DATA_DIR": str(tmp_path),
                "DISCORD_TOKEN": "fake-token",
                "PATHBOT_DISCORD_API_URL": discord_api.base_url,
                "SLACK_BOT_TOKEN": "xoxb-fake",
                "SLACK_APP_TOKEN": "xapp-fake",
                "SLACK_API_URL": slack.base_url,
                "OPENAI_BASE_URL": llm.base_url,
                "OPENAI_API_KEY": "sk-fake",
                "PATHBOT_LLM_MODEL": "fake-model",
            }
            code, good = await asyncio.to_thread(_doctor, env, monkeypatch)

            discord_api.refuse_token = True
            slack.fail_next["auth.test"] = (200, {"ok": False, "error": "invalid_auth"}, {})
            llm.models = []
            code_broken, broken = await asyncio.to_thread(_doctor, env, monkeypatch)
    finally:
        await llm.close()

    assert good["discord token"]["status"] == "ok"
    assert "permissions=34359856128" in good["discord invite"]["detail"]
    assert good["discord daily channel (g1)"]["status"] == "ok"
    assert "can view, send and embed" in good["discord daily channel (g1)"]["detail"]
    assert good["discord leaderboard channel (g1)"] == {
        "name": "discord leaderboard channel (g1)",
        "status": "fail",
        "detail": "the bot lacks Send Messages in #announcements: grant them to its role there",
    }
    assert good["slack token"]["status"] == "ok"
    assert good["slack events"]["detail"] == "Socket Mode"
    assert good["slack daily channel (T1)"]["status"] == "ok"
    # One real problem in the good deployment: the bot is not in the leaderboard channel.
    assert good["slack leaderboard channel (T1)"]["status"] == "fail"
    assert "/invite" in good["slack leaderboard channel (T1)"]["detail"]
    assert good["llm"]["status"] == "ok"
    assert code == 1

    assert code_broken == 1
    assert broken["discord token"]["status"] == "fail"
    assert "Discord refused DISCORD_TOKEN" in broken["discord token"]["detail"]
    assert broken["slack token"] == {
        "name": "slack token",
        "status": "fail",
        "detail": "Slack refused SLACK_BOT_TOKEN (invalid_auth)",
    }
    assert broken["llm"]["status"] == "warn"  # /ask still answers without it
    assert "fake-token" not in json.dumps(broken)
