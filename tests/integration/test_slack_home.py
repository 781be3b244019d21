"""The App Home tab, through the real slack-bolt: drawn when opened (how to start, for
someone who has not joined), and drawn again after a check-in."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime

from bot.adapters.slack import SlackAdapter
from bot.curriculum.models import Curriculum
from tests.conftest import Database
from tests.fakes.slack_api import (
    FakeSlackAPI,
    event_body,
    running_fake_slack,
)
from tests.fakes.slack_runner import JSON, signed_request, slack_adapter, slash

ADA = "U0ADA0001"
NOW = datetime(2027, 1, 6, 12, tzinfo=UTC)  # a Wednesday in the path's first week


def _adapter(fake: FakeSlackAPI, database: Database, curriculum: Curriculum) -> SlackAdapter:
    return slack_adapter(fake, database, curriculum, NOW)


async def _home_opened(adapter: SlackAdapter) -> None:
    opened = {"type": "app_home_opened", "user": ADA, "channel": "D0ADA01", "tab": "home"}
    assert (await signed_request(adapter, event_body(opened), JSON)).status == 200


async def _say(adapter: SlackAdapter, fake: FakeSlackAPI, text: str) -> None:
    assert (await slash(adapter, fake, text, ADA)).status == 200


def _text(view: dict[str, object]) -> str:
    return json.dumps(view["blocks"], ensure_ascii=False)


async def test_the_home_tab_shows_how_to_start_then_the_day(
    database: Database, shipped_curriculum: Curriculum
) -> None:
    async with running_fake_slack() as fake:
        fake.add_user(ADA, "Ada", tz="Europe/Berlin")
        adapter = _adapter(fake, database, shipped_curriculum)
        await _home_opened(adapter)
        (before,) = await fake.wait_for("views.publish")
        await _say(adapter, fake, "join 2027-01-04")
        await fake.wait_for("views.publish", count=2)  # joining draws it again
        await _home_opened(adapter)
        published = await fake.wait_for("views.publish", count=3)
        await _say(adapter, fake, "checkin done")
        after_checkin = await fake.wait_for("views.publish", count=4)
        await asyncio.sleep(0.1)

    first = before.args
    assert first["user_id"] == ADA
    assert first["view"]["type"] == "home"
    assert "/pathbot join" in _text(first["view"])
    day = _text(published[-1].args["view"])
    assert "Day 3, week 1" in day  # the plan for her day
    assert "Longest streak" in day  # and her progress
    assert '"type": "actions"' in day  # with the check-in buttons
    assert "/pathbot join" not in day
    assert after_checkin[-1].args["view"]["type"] == "home"
    assert len(published[-1].args["view"]["blocks"]) <= 100
