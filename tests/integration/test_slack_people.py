"""Who a Slack caller is, asked of Slack only when it matters (users.info is Tier 4,
about 100 calls a minute), kept in the database, refreshed by `user_change` events,
and never turned from admin to non-admin by a rate limit. Through the real slack-bolt."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from slack_bolt.request.async_request import AsyncBoltRequest

from bot.adapters.slack import SlackAdapter
from bot.caller import Platform
from bot.curriculum.models import Curriculum
from bot.storage.known_people import Known, KnownPeople
from tests.conftest import Database
from tests.fakes.slack_api import (
    TEAM_ID,
    FakeSlackAPI,
    running_fake_slack,
    signed_headers,
    slash_command_body,
)
from tests.fakes.slack_runner import slack_adapter

NOW = datetime(2027, 1, 6, 12, tzinfo=UTC)
BOSS = "U0BOSS001"


def _adapter(fake: FakeSlackAPI, database: Database, curriculum: Curriculum) -> SlackAdapter:
    return slack_adapter(fake, database, curriculum, NOW, as_run=True)


async def _say(adapter: SlackAdapter, fake: FakeSlackAPI, text: str, user_id: str) -> str:
    """A signed slash command, and the text of its answer."""
    before = len(fake.called("response_url"))
    body = slash_command_body(fake, text, user_id=user_id)
    headers = signed_headers(body) | {"content-type": "application/x-www-form-urlencoded"}
    response = await adapter.app.async_dispatch(AsyncBoltRequest(body=body, headers=headers))
    assert response.status == 200
    answers = await fake.wait_for("response_url", count=before + 1)
    return str(answers[-1].args)


async def _event(adapter: SlackAdapter, event: dict[str, Any]) -> None:
    body = json.dumps(
        {
            "token": "x",
            "team_id": TEAM_ID,
            "api_app_id": "A0PATHBOT",
            "type": "event_callback",
            "event_id": "Ev0USERCHG",
            "event_time": 1790000000,
            "event": event,
        }
    )
    headers = signed_headers(body) | {"content-type": "application/json"}
    response = await adapter.app.async_dispatch(AsyncBoltRequest(body=body, headers=headers))
    assert response.status == 200


async def test_a_morning_rush_asks_slack_nothing(
    database: Database, shipped_curriculum: Curriculum
) -> None:
    async with running_fake_slack() as fake:
        fake.per_minute["users.info"] = 100  # Slack's Tier 4
        adapter = _adapter(fake, database, shipped_curriculum)
        for n in range(150):  # more people in a minute than users.info would answer
            await _say(adapter, fake, "help", f"U0RUSH{n:04d}")
        calls = len(fake.called("users.info"))

    assert calls == 0  # /help needs no name and no role


async def test_an_admin_command_asks_once_and_a_429_is_waited_out(
    database: Database, shipped_curriculum: Curriculum
) -> None:
    async with running_fake_slack() as fake:
        fake.add_user(BOSS, "Boss", admin=True)
        adapter = _adapter(fake, database, shipped_curriculum)
        limited = {"ok": False, "error": "ratelimited"}
        fake.fail_next["users.info"] = (429, limited, {"Retry-After": "1"})
        first = await _say(adapter, fake, "workspace", BOSS)
        second = await _say(adapter, fake, "workspace", BOSS)
        calls = len(fake.called("users.info"))

    assert "Workspace settings" in first  # the 429 waited out: still an admin
    assert "Workspace settings" in second
    assert calls == 2  # the 429, then the answer; the second command asked nothing


async def test_slack_failing_never_demotes_an_admin_it_knew(
    database: Database, shipped_curriculum: Curriculum
) -> None:
    people = KnownPeople(database.sessions, Platform.SLACK.value)
    old = Known("Boss", True, "Europe/Paris", NOW - timedelta(days=3))  # long past its day
    await people.put(TEAM_ID, BOSS, old)
    async with running_fake_slack() as fake:
        adapter = _adapter(fake, database, shipped_curriculum)
        fake.fail_next["users.info"] = (200, {"ok": False, "error": "fatal_error"}, {})
        said = await _say(adapter, fake, "workspace", BOSS)

    assert "Workspace settings" in said


async def test_a_user_change_event_keeps_the_role_current_without_asking(
    database: Database, shipped_curriculum: Curriculum
) -> None:
    people = KnownPeople(database.sessions, Platform.SLACK.value)
    await people.put(TEAM_ID, BOSS, Known("Boss", True, None, NOW))
    async with running_fake_slack() as fake:
        adapter = _adapter(fake, database, shipped_curriculum)
        assert "Workspace settings" in await _say(adapter, fake, "workspace", BOSS)
        demoted = {"id": BOSS, "team_id": TEAM_ID, "name": "boss", "is_admin": False}
        await _event(adapter, {"type": "user_change", "user": demoted})
        refused = await _say(adapter, fake, "workspace", BOSS)
        calls = len(fake.called("users.info"))

    assert "admins only" in refused
    assert calls == 0
    known = await people.get(TEAM_ID, BOSS)
    assert known is not None
    assert not known.is_admin
