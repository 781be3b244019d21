"""A Slack retry or replay is handled once, through the real slack-bolt and the real core.

Slack redelivers an event it thinks timed out (`X-Slack-Retry-Num`, the same
`event_id`); a signed request replayed within its five minutes repeats its
`trigger_id`. Both are acked again and change nothing; two processes on one
database agree, since the keys are stored there.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

from slack_bolt.request.async_request import AsyncBoltRequest
from sqlalchemy import func, select

from bot.adapters.slack import SlackAdapter
from bot.adapters.slack.runner import socket_mode
from bot.curriculum.models import Curriculum
from bot.storage.engine import make_engine, make_sessions
from bot.storage.models import HourLog
from tests.conftest import Database
from tests.fakes.slack_api import (
    FakeSlackAPI,
    dm_event_body,
    running_fake_slack,
    signed_headers,
    slash_command_body,
)
from tests.fakes.slack_runner import slack_adapter, slash

ADA = "U0ADA0001"
NOW = datetime(2027, 1, 6, 12, tzinfo=UTC)


def _json_headers(body: str) -> dict[str, str]:
    return signed_headers(body) | {"content-type": "application/json"}


async def _logs(database: Database) -> int:
    async with database.sessions() as db:
        return int(await db.scalar(select(func.count()).select_from(HourLog)) or 0)


@asynccontextmanager
async def _ada_joined(
    database: Database, curriculum: Curriculum
) -> AsyncIterator[tuple[FakeSlackAPI, SlackAdapter]]:
    """The fake Slack, an adapter on the real core, and Ada joined through a slash command."""
    async with running_fake_slack() as fake:
        fake.add_user(ADA, "Ada")
        adapter = slack_adapter(fake, database, curriculum, NOW)
        await _joined(adapter, fake)
        yield fake, adapter


async def _joined(adapter: SlackAdapter, fake: FakeSlackAPI) -> None:
    assert (await slash(adapter, fake, "join 2027-01-04", ADA)).status == 200
    await fake.wait_for("response_url")


async def test_a_retried_dm_event_logs_once(
    database: Database, shipped_curriculum: Curriculum
) -> None:
    async with _ada_joined(database, shipped_curriculum) as (fake, adapter):
        body = dm_event_body("log 30m", user_id=ADA, event_id="Ev0RETRY01")
        statuses = []
        for retry in (None, "1", "2"):
            headers = signed_headers(body) | {"content-type": "application/json"}
            if retry is not None:
                headers |= {"x-slack-retry-num": retry, "x-slack-retry-reason": "http_timeout"}
            response = await adapter.app.async_dispatch(
                AsyncBoltRequest(body=body, headers=headers)
            )
            statuses.append(response.status)
        await fake.wait_for("chat.postMessage")
        await asyncio.sleep(0.1)  # a second reply, were there one, would be on its way
        posts = len(fake.called("chat.postMessage"))

    assert statuses == [200, 200, 200]  # every delivery is acked the same way
    assert await _logs(database) == 1
    assert posts == 1


async def test_a_replayed_slash_command_counts_once(
    database: Database, shipped_curriculum: Curriculum
) -> None:
    async with _ada_joined(database, shipped_curriculum) as (fake, adapter):
        body = slash_command_body(fake, "log 1h", user_id=ADA)
        headers = signed_headers(body) | {"content-type": "application/x-www-form-urlencoded"}
        for _ in range(3):  # the same signed request, replayed within its five minutes
            response = await adapter.app.async_dispatch(
                AsyncBoltRequest(body=body, headers=headers)
            )
            assert response.status == 200
        await fake.wait_for("response_url", count=2)  # the join's answer and the log's
        await asyncio.sleep(0.1)
        answers = len(fake.called("response_url"))

    assert await _logs(database) == 1
    assert answers == 2


async def test_two_processes_on_one_database_agree(
    database: Database, shipped_curriculum: Curriculum
) -> None:
    other_engine = make_engine(database.url)
    try:
        async with running_fake_slack() as fake:
            fake.add_user(ADA, "Ada")
            first = slack_adapter(fake, database, shipped_curriculum, NOW)
            second = slack_adapter(
                fake, database, shipped_curriculum, NOW, sessions=make_sessions(other_engine)
            )
            await _joined(first, fake)
            body = dm_event_body("log 45m", user_id=ADA, event_id="Ev0TWOPROC")
            requests = [
                adapter.app.async_dispatch(
                    AsyncBoltRequest(
                        body=body,
                        headers=signed_headers(body) | {"content-type": "application/json"},
                    )
                )
                for adapter in (first, second)
            ]
            responses = await asyncio.gather(*requests)
            await fake.wait_for("chat.postMessage")
    finally:
        await other_engine.dispose()
    assert [r.status for r in responses] == [200, 200]
    assert await _logs(database) == 1


async def test_a_socket_mode_redelivery_is_handled_once(
    database: Database, shipped_curriculum: Curriculum
) -> None:
    async with _ada_joined(database, shipped_curriculum) as (fake, adapter):
        payload: dict[str, Any] = json.loads(
            dm_event_body("log 20m", user_id=ADA, event_id="Ev0SOCKET")
        )
        async with socket_mode(adapter, "xapp-test"):
            await fake.wait_connected()
            for _ in range(2):  # Slack resends an envelope it saw no ack for
                await fake.push("events_api", payload)
            await fake.wait_for("socket_ack", count=2)
            await fake.wait_for("chat.postMessage")
            await asyncio.sleep(0.1)
            posts = len(fake.called("chat.postMessage"))

    assert await _logs(database) == 1
    assert posts == 1


async def test_join_takes_the_members_slack_time_zone(
    database: Database, shipped_curriculum: Curriculum
) -> None:
    from bot.storage.models import Member

    async with running_fake_slack() as fake:
        fake.add_user(ADA, "Ada", tz="Asia/Kolkata")
        fake.add_user("U0BOB0001", "Bob", tz="Mars/Olympus_Mons")  # not a zone anyone knows
        adapter = slack_adapter(fake, database, shipped_curriculum, NOW)
        for user in (ADA, "U0BOB0001"):
            await slash(adapter, fake, "join", user)
        ada_reply, _ = await fake.wait_for("response_url", count=2)
    async with database.sessions() as db:
        zones = dict((await db.execute(select(Member.user_id, Member.timezone))).all())
    assert zones == {ADA: "Asia/Kolkata", "U0BOB0001": "UTC"}  # Bob: the workspace's
    assert "Asia/Kolkata (from your profile" in json.dumps(ada_reply.args)
