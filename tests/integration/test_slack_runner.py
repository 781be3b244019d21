"""The Slack runner's two transports against fakes: Socket Mode and HTTP events."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.platforms import configured_platforms
from bot.adapters.slack import SlackAdapter
from bot.adapters.slack.runner import build_adapter, http_events, run, serve, socket_mode
from bot.caller import Caller
from bot.clock import FakeClock
from bot.config import load_settings
from bot.errors import Fatal
from bot.replies import Reply
from tests.fakes.slack_api import (
    SIGNING_SECRET,
    FakeSlackAPI,
    block_actions_payload,
    running_fake_slack,
    signed_headers,
    slash_command_body,
    slash_command_fields,
)

ADA = "U0ADA0001"


class Echo:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.seen: set[str] = set()

    async def first_time(self, key: str) -> bool:
        new = key not in self.seen
        self.seen.add(key)
        return new

    async def handle(self, caller: Caller, line: str) -> Reply:
        self.lines.append(line)
        return Reply(title=f"You said {line}", ephemeral=True)


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlackAPI]:
    async with running_fake_slack() as api:
        api.add_user(ADA, "Ada")
        yield api


@pytest.fixture
def echo() -> Echo:
    return Echo()


@pytest.fixture
def adapter(fake: FakeSlackAPI, echo: Echo) -> SlackAdapter:
    settings = load_settings(slack_bot_token="xoxb-test", slack_signing_secret=SIGNING_SECRET)
    client = AsyncWebClient(token="xoxb-test", base_url=fake.base_url)
    clock = FakeClock(datetime(2027, 1, 6, 12, tzinfo=UTC))
    return build_adapter(settings, echo, clock, client)


async def test_socket_mode_acks_the_envelope_and_replies(fake: FakeSlackAPI, echo: Echo) -> None:
    # Socket Mode needs no signing secret: Slack authenticates the websocket instead.
    settings = load_settings(slack_bot_token="xoxb-test", slack_signing_secret="")
    client = AsyncWebClient(token="xoxb-test", base_url=fake.base_url)
    clock = FakeClock(datetime(2027, 1, 6, 12, tzinfo=UTC))
    adapter = build_adapter(settings, echo, clock, client)
    async with socket_mode(adapter, "xapp-test"):
        await fake.wait_connected()
        envelope_id = await fake.push(
            "slash_commands", slash_command_fields(fake, "today", user_id=ADA)
        )
        (reply,) = await fake.wait_for("response_url")
        acks = await fake.wait_for("socket_ack")

    assert echo.lines == ["today"]
    assert acks[0].args["envelope_id"] == envelope_id
    assert reply.args["blocks"][0]["text"]["text"] == "You said today"
    assert len(fake.called("apps.connections.open")) == 1


async def test_socket_mode_delivers_button_clicks(fake: FakeSlackAPI, echo: Echo) -> None:
    settings = load_settings(slack_bot_token="xoxb-test", slack_signing_secret="")
    client = AsyncWebClient(token="xoxb-test", base_url=fake.base_url)
    adapter = build_adapter(settings, echo, FakeClock(datetime(2027, 1, 6, 12, tzinfo=UTC)), client)
    async with socket_mode(adapter, "xapp-test"):
        await fake.wait_connected()
        await fake.push("interactive", block_actions_payload(fake, "/checkin done", user_id=ADA))
        (reply,) = await fake.wait_for("response_url")

    assert echo.lines == ["/checkin done"]
    assert reply.args["response_type"] == "ephemeral"
    assert reply.args["blocks"][0]["text"]["text"] == "You said /checkin done"


async def test_http_events_verify_signatures(
    adapter: SlackAdapter, fake: FakeSlackAPI, echo: Echo
) -> None:
    body = slash_command_body(fake, "progress", user_id=ADA)
    async with http_events(adapter, "127.0.0.1", 0) as url, aiohttp.ClientSession() as http:
        assert url.endswith("/slack/events")
        async with http.post(url, data=body, headers=signed_headers(body)) as response:
            assert response.status == 200
        (reply,) = await fake.wait_for("response_url")
        forged = signed_headers(body, secret="guess")
        async with http.post(url, data=body, headers=forged) as response:
            assert response.status == 401

    assert echo.lines == ["progress"]
    assert reply.args["blocks"][0]["text"]["text"] == "You said progress"


async def test_serve_needs_socket_mode_or_a_signing_secret(adapter: SlackAdapter) -> None:
    settings = load_settings(
        slack_bot_token="xoxb-test", slack_app_token="", slack_signing_secret=""
    )

    with pytest.raises(Fatal) as stopped:
        await serve(adapter, settings)

    assert "SLACK_APP_TOKEN" in str(stopped.value)


async def test_refused_bot_token_is_one_clear_line(
    adapter: SlackAdapter, fake: FakeSlackAPI
) -> None:
    fake.fail_next["auth.test"] = (200, {"ok": False, "error": "invalid_auth"}, {})
    settings = load_settings(slack_bot_token="xoxb-bad", slack_app_token="xapp-test")

    with pytest.raises(Fatal) as stopped:
        await asyncio.wait_for(serve(adapter, settings), timeout=5)

    err = str(stopped.value)
    assert "Slack refused SLACK_BOT_TOKEN (invalid_auth)" in err
    assert "Traceback" not in err


async def test_run_without_a_bot_token_is_one_clear_line(tmp_path: Path) -> None:
    with pytest.raises(Fatal):
        await run(load_settings(slack_bot_token="", data_dir=tmp_path))


async def test_unreachable_slack_is_one_clear_line(adapter: SlackAdapter) -> None:
    adapter.client.base_url = "http://127.0.0.1:9/api/"  # nothing listens on port 9
    adapter.client.retry_handlers = []  # no real backoff sleep in a test
    settings = load_settings(slack_bot_token="xoxb-test", slack_app_token="xapp-test")

    with pytest.raises(Fatal) as stopped:
        await serve(adapter, settings)

    assert "can't reach Slack" in str(stopped.value)


async def test_with_discord_configured_too_slack_is_served_by_the_discord_runner(
    tmp_path: Path,
) -> None:
    settings = load_settings(discord_token="d", slack_bot_token="xoxb-s", data_dir=tmp_path)

    assert configured_platforms(settings) == ["discord", "slack"]
    # Returns at once: `bot.adapters.discord.runner.run` serves both on one core and
    # one scheduler (SQLite allows one scheduler per database).
    await asyncio.wait_for(run(settings), timeout=5)
