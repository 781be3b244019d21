"""`pathbot run`'s HTTP server: /healthz, /readyz and /metrics, on the real runner."""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from sqlalchemy.ext.asyncio import create_async_engine

from bot.adapters.discord import runner
from bot.config import Settings, load_settings
from bot.metrics import Metrics
from bot.ops.http import Readiness, add_routes, serving_http
from bot.ops.readiness import database_ready
from tests.fakes.discord_interactions import interaction, option
from tests.fakes.discord_runner import fake_discord, in_background
from tests.fakes.slack_api import (
    SIGNING_SECRET,
    Call,
    FakeSlackAPI,
    running_fake_slack,
    signed_headers,
    slash_command_body,
)


async def _http_url(caplog: pytest.LogCaptureFixture) -> str:
    """The server's address, as the start-up line announces it."""
    for _ in range(200):
        for record in caplog.records:
            fields = getattr(record, "fields", None)
            if isinstance(fields, dict) and "http" in fields:
                return str(fields["http"])
        await asyncio.sleep(0.05)
    raise AssertionError("no 'HTTP on …' line was logged")


async def _ready(http: aiohttp.ClientSession, url: str) -> dict[str, object]:
    for _ in range(200):
        async with http.get(f"{url}/readyz") as response:
            body: dict[str, object] = await response.json()
            if response.status == 200:
                return body
        await asyncio.sleep(0.05)
    raise AssertionError(f"/readyz never became ready: {body}")


async def test_health_readiness_and_metrics_while_serving_discord(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    settings = load_settings(
        discord_token="fake-token",
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'pathbot.db'}",
        data_dir=tmp_path,
    )
    async with (
        fake_discord(monkeypatch) as (api, gateway),
        in_background(runner.run(settings)),
        aiohttp.ClientSession() as http,
    ):
        await gateway.wait_identified()
        url = await _http_url(caplog)
        async with http.get(f"{url}/healthz") as response:
            assert response.status == 200
        ready = await _ready(http, url)
        parts = ready["parts"]
        assert isinstance(parts, dict)
        assert set(parts) == {"database", "discord", "scheduler", "deliveries"}
        assert parts["scheduler"]["detail"] == "leader"
        assert parts["deliveries"] == {"ok": True, "detail": "flowing"}
        assert "gateway connected" in parts["discord"]["detail"]

        await gateway.dispatch("INTERACTION_CREATE", interaction("join", option("reminder", "7pm")))
        await api.wait_for("POST", "/callback")
        await gateway.dispatch("INTERACTION_CREATE", interaction("log", option("duration", "0")))
        await api.wait_for("POST", "/callback", count=2)
        async with http.get(f"{url}/metrics") as response:
            assert response.status == 200
            assert response.headers["Content-Type"].startswith("text/plain")
            metrics = await response.text()

    assert 'pathbot_commands_total{command="join",outcome="ok"} 1.0' in metrics
    assert 'pathbot_commands_total{command="log",outcome="refused"} 1.0' in metrics
    assert 'pathbot_command_seconds_count{command="join"} 1.0' in metrics
    assert 'pathbot_outbox_messages{state="pending"} 0.0' in metrics
    # One line per command, with its outcome and no text of the command.
    lines = [r for r in caplog.records if getattr(r, "fields", {}).get("command") == "join"]
    assert [r.fields["outcome"] for r in lines] == ["ok"]  # type: ignore[attr-defined]


async def test_readyz_names_the_failing_part() -> None:
    readiness = Readiness()
    dead = create_async_engine("postgresql+asyncpg://nobody@127.0.0.1:9/none")

    async def fine() -> tuple[bool, str]:
        return True, "serving"

    async def loading_failed() -> tuple[bool, str]:
        return False, "could not load or build it"

    readiness.add("discord", fine)
    readiness.add("database", lambda: database_ready(dead))
    readiness.add("ask index", loading_failed)
    app = web.Application()
    add_routes(app, Metrics(), readiness)
    try:
        async with serving_http(app, "127.0.0.1", 0) as url, aiohttp.ClientSession() as http:
            async with http.get(f"{url}/readyz") as response:
                assert response.status == 503
                body = await response.json()
            async with http.get(f"{url}/healthz") as response:
                assert response.status == 200  # up, though not ready
    finally:
        await dead.dispose()
    assert body["status"] == "not ready"
    assert sorted(body["failing"]) == ["ask index", "database"]
    assert body["parts"]["discord"] == {"ok": True, "detail": "serving"}
    assert body["parts"]["database"]["ok"] is False


async def test_a_port_in_use_is_one_clear_line() -> None:
    app = web.Application()
    async with serving_http(app, "127.0.0.1", 0) as url:
        port = int(url.rsplit(":", 1)[1])
        from bot.errors import Fatal

        with pytest.raises(Fatal, match="PATHBOT_HTTP_PORT"):
            async with serving_http(web.Application(), "127.0.0.1", port):
                pass


async def test_pathbot_health_asks_the_running_server(monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from bot.cli.app import build_app

    async def index_failed() -> tuple[bool, str]:
        return False, "could not load or build it"

    readiness = Readiness()
    readiness.add("ask index", index_failed)
    app = web.Application()
    add_routes(app, Metrics(), readiness)

    def health(*args: str) -> tuple[int, str]:
        result = CliRunner().invoke(build_app(), ["health", *args])
        return result.exit_code, result.output

    async with serving_http(app, "127.0.0.1", 0) as url:
        monkeypatch.setenv("PATHBOT_HTTP_PORT", url.rsplit(":", 1)[1])
        up = await asyncio.to_thread(health)
        ready = await asyncio.to_thread(health, "--ready")
    gone = await asyncio.to_thread(health)

    assert up[0] == 0
    assert "ok" in up[1]
    assert ready[0] == 1
    assert "ask index (could not load or build it)" in ready[1]
    assert gone[0] == 1
    assert "no answer" in gone[1]


async def test_slack_events_and_operations_share_one_server(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from bot.adapters.slack import runner as slack_runner

    caplog.set_level(logging.INFO)
    async with running_fake_slack() as slack:
        settings = _slack_settings(slack, tmp_path)
        async with in_background(slack_runner.run(settings)), aiohttp.ClientSession() as http:
            url = await _http_url(caplog)
            await _ready(http, url)
            answer = await _slack_join(http, url, slack)
            async with http.get(f"{url}/metrics") as response:
                metrics = await response.text()
    assert "Welcome" in json.dumps(answer.args)
    assert 'pathbot_commands_total{command="join",outcome="ok"} 1.0' in metrics


async def test_an_unreachable_platform_does_not_hold_up_the_other(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import discord

    caplog.set_level(logging.INFO)
    monkeypatch.setattr(discord.http.Route, "BASE", "http://127.0.0.1:9/api/v10")  # refused
    async with running_fake_slack() as slack:
        settings = _slack_settings(slack, tmp_path, discord_token="fake-token")
        async with in_background(runner.run(settings)), aiohttp.ClientSession() as http:
            url = await _http_url(caplog)
            for _ in range(200):  # until Slack is served; Discord keeps failing
                async with http.get(f"{url}/readyz") as response:
                    waiting = await response.json()
                if waiting["parts"]["slack"]["ok"]:
                    break
                await asyncio.sleep(0.05)
            answer = await _slack_join(http, url, slack)

    assert waiting["failing"] == ["discord"]
    assert "trying again" in waiting["parts"]["discord"]["detail"]
    assert "Welcome" in json.dumps(answer.args)


def _slack_settings(slack: FakeSlackAPI, tmp_path: Path, **extra: str) -> Settings:
    """Slack over HTTP against the fake Slack API, on this test's own SQLite file."""
    return load_settings(
        slack_bot_token="xoxb-fake",
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=slack.base_url,
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'pathbot.db'}",
        data_dir=tmp_path,
        **extra,
    )


async def _slack_join(http: aiohttp.ClientSession, url: str, slack: FakeSlackAPI) -> Call:
    """A signed `/pathbot join` to pathbot's own HTTP server, and Slack's answer."""
    body = slash_command_body(slack, "join", user_id="U0ADA0001")
    headers = {**signed_headers(body), "Content-Type": "application/x-www-form-urlencoded"}
    async with http.post(f"{url}/slack/events", data=body, headers=headers) as response:
        assert response.status == 200
    (answer,) = await slack.wait_for("response_url")
    return answer
