"""Slack end to end: signed requests through slack-bolt into the real core and back."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack import SlackAdapter
from bot.clock import FakeClock
from bot.commands.dispatcher import Dispatcher
from bot.config import DEFAULT_CURRICULUM
from bot.curriculum.loader import load_curriculum
from bot.services.context import Core
from tests.conftest import Database
from tests.fakes.slack_api import (
    SIGNING_SECRET,
    FakeSlackAPI,
    dm_event_body,
    running_fake_slack,
    signed_headers,
    slash_command_body,
)

ADA = "U0ADA0001"


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlackAPI]:
    async with running_fake_slack() as api:
        api.add_user(ADA, "Ada")
        yield api


async def test_join_log_and_refusal_through_slack(database: Database, fake: FakeSlackAPI) -> None:
    clock = FakeClock(datetime(2027, 1, 6, 12, tzinfo=UTC))
    core = Core(database.sessions, clock, load_curriculum(DEFAULT_CURRICULUM))
    client = AsyncWebClient(token="xoxb-test", base_url=fake.base_url)
    dispatcher = Dispatcher(core)
    names = [name for spec in dispatcher.commands() for name in (spec.name, *spec.aliases)]
    adapter = SlackAdapter(
        dispatcher,
        client=client,
        signing_secret=SIGNING_SECRET,
        clock=clock,
        command_names=names,
    )

    async def slash(text: str) -> dict[str, object]:
        body = slash_command_body(fake, text, user_id=ADA)
        count = len(fake.called("response_url")) + 1
        response = await adapter.app.async_dispatch(
            AsyncBoltRequest(body=body, headers=signed_headers(body))
        )
        assert response.status == 200
        return (await fake.wait_for("response_url", count))[-1].args

    joined = await slash("join Europe/Berlin 8am")
    logged = await slash('log 1h30 read "the HNSW paper" with @here')
    refused = await slash("log 1x")

    assert not joined["blocks"][0]["text"]["text"].startswith(":warning:"), joined
    assert not logged["blocks"][0]["text"]["text"].startswith(":warning:"), logged
    assert "@here" not in json.dumps(logged)
    # The core's hints ("See /today …") are respelled for Slack's single command.
    joined_text = json.dumps(joined)
    assert "/pathbot today" in joined_text
    assert " /today" not in joined_text
    assert refused["response_type"] == "ephemeral"
    assert refused["blocks"][0]["text"]["text"].startswith(":warning:")
    assert "I couldn't read “1x” as a duration" in json.dumps(refused, ensure_ascii=False)

    # The same member, by DM, without a slash.
    body = dm_event_body("progress", user_id=ADA)
    headers = signed_headers(body) | {"content-type": "application/json"}
    await adapter.app.async_dispatch(AsyncBoltRequest(body=body, headers=headers))
    (posted,) = await fake.wait_for("chat.postMessage")
    assert not posted.args["blocks"][0]["text"]["text"].startswith(":warning:"), posted.args
