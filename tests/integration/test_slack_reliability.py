"""Slack as it really behaves, through the real slack-bolt and the fake Slack API: a
response_url that no longer answers, a token refused mid-run, and DM channels that
survive a restart (conversations.open is rate limited)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import select

from bot.adapters.slack import SlackAdapter
from bot.adapters.slack.sender import SlackSender
from bot.caller import Caller, Platform
from bot.clock import FakeClock
from bot.commands.dispatcher import Dispatcher
from bot.curriculum.models import Curriculum
from bot.replies import Reply
from bot.scheduling.delivery import DeliveryWorker, Outcome
from bot.scheduling.failures import act_on
from bot.scheduling.jobs import enqueue_due
from bot.scheduling.ratelimit import KeyedPacer
from bot.scheduling.senders import Target
from bot.services.context import Core
from bot.storage.models import Workspace
from bot.storage.outbox import OutboxMessage
from tests.conftest import Database
from tests.fakes.slack_api import (
    SIGNING_SECRET,
    FakeSlackAPI,
    dm_event_body,
    running_fake_slack,
)
from tests.fakes.slack_runner import JSON, signed_request, slack_adapter, slash

ADA = "U0ADA0001"
NOW = datetime(2027, 1, 4, 12, 0, tzinfo=UTC)


def _adapter(fake: FakeSlackAPI, database: Database, curriculum: Curriculum) -> SlackAdapter:
    return slack_adapter(fake, database, curriculum, NOW, as_run=True)


async def test_an_answer_slack_no_longer_takes_goes_to_the_dm(
    database: Database, shipped_curriculum: Curriculum, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    async with running_fake_slack() as fake:
        fake.add_user(ADA, "Ada")
        adapter = _adapter(fake, database, shipped_curriculum)
        fake.response_urls_expired = True  # as for an answer that took over 30 minutes
        response = await slash(adapter, fake, "help", ADA)
        (opened,) = await fake.wait_for("conversations.open")
        (posted,) = await fake.wait_for("chat.postMessage")

    assert response.status == 200
    assert opened.args["users"] == ADA
    assert "pathbot commands" in str(posted.args)  # the answer itself, not an error
    said = " ".join(r.getMessage() for r in caplog.records)
    assert "expired_url" in said
    assert fake.root_url not in said  # never the response_url itself


async def test_a_refused_token_keeps_the_message_and_the_workspace(
    database: Database, shipped_curriculum: Curriculum
) -> None:
    clock = FakeClock(NOW)
    core = Core(database.sessions, clock, shipped_curriculum)
    dispatcher = Dispatcher(core)
    admin = Caller(Platform.SLACK, "T0001", "U0BOSS001", "Boss", is_platform_admin=True)
    for line in ("/cohort-start 2027-01-04", "/set-channel daily C0DAILY01", "/post-time 08:00"):
        assert (await dispatcher.handle(admin, line)).ok
    async with running_fake_slack() as fake:
        adapter = _adapter(fake, database, shipped_curriculum)
        worker = DeliveryWorker(
            database.sessions, {"slack": SlackSender(adapter)}, clock, on_failure=act_on
        )
        # Slack's answer to a token it cannot validate (rotated, mistyped, IP allow-list).
        fake.fail_next["chat.postMessage"] = (200, {"ok": False, "error": "invalid_auth"}, {})
        async with database.sessions() as db, db.begin():
            assert await enqueue_due(db, core, clock.now()) == 1
        outcome = await worker.deliver_one()
    async with database.sessions() as db:
        row = await db.scalar(select(OutboxMessage))
        workspace = await db.scalar(select(Workspace))

    assert outcome is Outcome.RATE_LIMITED  # paused, not dead
    assert row is not None
    assert (row.status, row.attempts) == ("pending", 0)
    assert workspace is not None
    assert workspace.active
    assert worker.paused == {"slack": "Slack refused the bot token: invalid_auth"}


async def test_a_dm_channel_is_opened_once_across_restarts(
    database: Database, shipped_curriculum: Curriculum
) -> None:
    async with running_fake_slack() as fake:
        for _ in range(2):  # two runs of the bot, each DMing her
            adapter = _adapter(fake, database, shipped_curriculum)
            await adapter.send(f"dm:{ADA}", _hello())
        opened = len(fake.called("conversations.open"))
        posted = fake.called("chat.postMessage")

    assert opened == 1
    assert len(posted) == 2
    assert posted[0].args["channel"] == posted[1].args["channel"]


class _NoCore:
    """The adapter's handler, never asked here: these tests only send."""

    async def handle(self, caller: Caller, line: str) -> Reply:
        raise AssertionError("no command expected")

    async def workspace_gone(self, platform: Platform, external_id: str, reason: str) -> None:
        raise AssertionError("no event expected")

    async def first_time(self, key: str) -> bool:
        return True


def _hello() -> Reply:
    return Reply(title="Hello", lines=["a DM"])


async def test_a_dm_answer_waits_out_a_429_and_arrives(
    database: Database, shipped_curriculum: Curriculum
) -> None:
    async with running_fake_slack() as fake:
        fake.add_user(ADA, "Ada")
        adapter = _adapter(fake, database, shipped_curriculum)
        # Slack's 429: HTTP 429 with Retry-After (seconds), as its rate-limit docs say.
        fake.fail_next["chat.postMessage"] = (
            429,
            {"ok": False, "error": "ratelimited"},
            {"Retry-After": "1"},
        )
        await signed_request(adapter, dm_event_body("help", user_id=ADA), JSON)
        posts = await fake.wait_for("chat.postMessage", count=2)

    assert "pathbot commands" in str(posts[-1].args)


async def test_channel_posts_are_one_a_second_per_channel() -> None:
    now = [0.0]
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    pacer = KeyedPacer(1.0, monotonic=lambda: now[0], sleep=sleep)
    async with running_fake_slack() as fake:
        client = AsyncWebClient(token="xoxb-test", base_url=fake.base_url)
        adapter = SlackAdapter(
            _NoCore(), client=client, signing_secret=SIGNING_SECRET, clock=FakeClock(NOW)
        )
        sender = SlackSender(adapter, pacer)
        for channel in ("C0DAILY01", "C0DAILY01", "C0BOARD01", "C0DAILY01"):
            await sender.send(Target.channel(channel), _hello(), idempotency_key="k")

    # The second and third posts to C0DAILY01 wait their second; C0BOARD01 does not.
    assert slept == [1.0, 1.0]
    assert [c.args["channel"] for c in fake.called("chat.postMessage")] == [
        "C0DAILY01",
        "C0DAILY01",
        "C0BOARD01",
        "C0DAILY01",
    ]
