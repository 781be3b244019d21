"""The outbox's Slack sender: real slack_sdk calls, Slack's errors mapped for retries."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack import SlackAdapter
from bot.adapters.slack.sender import SlackSender
from bot.caller import Caller
from bot.clock import FakeClock
from bot.replies import Reply
from bot.scheduling.senders import PermanentError, RateLimited, Target, TransientError
from tests.fakes.slack_api import SIGNING_SECRET, FakeSlackAPI, running_fake_slack


class NoCommands:
    async def handle(self, caller: Caller, line: str) -> Reply:
        raise AssertionError("the sender never dispatches")

    async def first_time(self, key: str) -> bool:
        raise AssertionError("the sender receives nothing")


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlackAPI]:
    async with running_fake_slack() as api:
        yield api


@pytest.fixture
def sender(fake: FakeSlackAPI) -> SlackSender:
    client = AsyncWebClient(token="xoxb-test", base_url=fake.base_url)
    clock = FakeClock(datetime(2027, 1, 6, 12, tzinfo=UTC))
    adapter = SlackAdapter(NoCommands(), client=client, signing_secret=SIGNING_SECRET, clock=clock)
    return SlackSender(adapter)


async def test_user_target_goes_to_their_dm(sender: SlackSender, fake: FakeSlackAPI) -> None:
    await sender.send(Target.user("U0ADA0001"), Reply(title="Reminder"), idempotency_key="k1")
    await sender.send(Target.channel("C0DAILY01"), Reply(title="Plan"), idempotency_key="k2")

    assert [c.args["users"] for c in fake.called("conversations.open")] == ["U0ADA0001"]
    assert [c.args["channel"] for c in fake.called("chat.postMessage")] == [
        "D0ADA0001",
        "C0DAILY01",
    ]


@pytest.mark.parametrize(
    ("status", "body", "headers", "error"),
    [
        (429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "30"}, RateLimited),
        (200, {"ok": False, "error": "rate_limited"}, {}, RateLimited),
        (200, {"ok": False, "error": "channel_not_found"}, {}, PermanentError),
        (200, {"ok": False, "error": "is_archived"}, {}, PermanentError),
        (200, {"ok": False, "error": "internal_error"}, {}, TransientError),
        (503, {"ok": False, "error": "service_unavailable"}, {}, TransientError),
    ],
)
async def test_slack_errors_are_mapped_for_the_worker(
    sender: SlackSender,
    fake: FakeSlackAPI,
    status: int,
    body: dict[str, Any],
    headers: dict[str, str],
    error: type[Exception],
) -> None:
    fake.fail_next["chat.postMessage"] = (status, body, headers)

    with pytest.raises(error) as raised:
        await sender.send(Target.channel("C0DAILY01"), Reply(title="x"), idempotency_key="k")

    if isinstance(raised.value, RateLimited):
        # As long as Slack asks; a 200 "rate_limited" without Retry-After pauses a second.
        assert raised.value.retry_after == float(headers.get("Retry-After", 1))


async def test_unreachable_slack_is_transient(sender: SlackSender, fake: FakeSlackAPI) -> None:
    client = sender._adapter.client
    client.base_url = "http://127.0.0.1:9/api/"  # nothing listens on port 9
    client.retry_handlers = []  # slack_sdk would back off and retry once: a real sleep

    with pytest.raises(TransientError):
        await sender.send(Target.channel("C0DAILY01"), Reply(title="x"), idempotency_key="k")


async def test_malformed_target_is_permanent(sender: SlackSender) -> None:
    with pytest.raises(PermanentError, match="not a Slack target"):
        await sender.send(Target.channel("#general"), Reply(title="x"), idempotency_key="k")
