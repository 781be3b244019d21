"""Who a Slack caller is, asked of Slack only when it matters (users.info is Tier 4,
about 100 calls a minute), kept in the database, refreshed by `user_change` events,
and never turned from admin to non-admin by a rate limit. Through the real slack-bolt."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.adapters.slack import SlackAdapter
from bot.caller import Platform
from bot.curriculum.models import Curriculum
from bot.storage.known_people import Known, KnownPeople
from tests.conftest import Database
from tests.fakes.slack_api import (
    TEAM_ID,
    FakeSlackAPI,
    event_body,
    running_fake_slack,
)
from tests.fakes.slack_runner import JSON, signed_request, slack_adapter, slash

NOW = datetime(2027, 1, 6, 12, tzinfo=UTC)
BOSS = "U0BOSS001"


def _adapter(fake: FakeSlackAPI, database: Database, curriculum: Curriculum) -> SlackAdapter:
    return slack_adapter(fake, database, curriculum, NOW, as_run=True)


async def _say(adapter: SlackAdapter, fake: FakeSlackAPI, text: str, user_id: str) -> str:
    """A signed slash command, and the text of its answer."""
    before = len(fake.called("response_url"))
    assert (await slash(adapter, fake, text, user_id)).status == 200
    answers = await fake.wait_for("response_url", count=before + 1)
    return str(answers[-1].args)


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
        changed = event_body({"type": "user_change", "user": demoted})
        assert (await signed_request(adapter, changed, JSON)).status == 200
        refused = await _say(adapter, fake, "workspace", BOSS)
        calls = len(fake.called("users.info"))

    assert "admins only" in refused
    assert calls == 0
    known = await people.get(TEAM_ID, BOSS)
    assert known is not None
    assert not known.is_admin
