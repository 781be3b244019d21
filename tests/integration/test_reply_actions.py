"""One-tap check-in: /today's buttons, clicked through the real discord.py and slack-bolt.

The button must be in the payload each platform is sent, and a click (a component
interaction on Discord, a signed block_actions request on Slack) must record the
check-in for whoever clicked, in the database, with a private answer.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import discord
import pytest
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import select

from bot.adapters.console.chat import to_text
from bot.adapters.discord import PathbotDiscordClient
from bot.adapters.slack import SlackAdapter
from bot.adapters.slack.render import render_blocks
from bot.caller import Caller, Platform
from bot.clock import FakeClock
from bot.commands.dispatcher import Dispatcher
from bot.curriculum.models import Curriculum
from bot.replies import ActionStyle, Reply, ReplyAction
from bot.services.context import Core
from bot.services.memberships import DirectMessageScopes
from bot.storage.models import CheckIn, Member, Workspace
from tests.conftest import Database
from tests.fakes.discord_api import FakeDiscordAPI, running_fake_discord
from tests.fakes.discord_interactions import (
    GUILD_ID,
    MEMBER_ID,
    component_interaction,
    interaction,
)
from tests.fakes.slack_api import (
    SIGNING_SECRET,
    TEAM_ID,
    FakeSlackAPI,
    block_actions_body,
    running_fake_slack,
    signed_headers,
)

ADA_SLACK = "U0ADA0001"
CHECKIN_COMMANDS = ["/checkin done", "/checkin partial", "/checkin blocked"]


@pytest.fixture
def core(database: Database, shipped_curriculum: Curriculum) -> Core:
    return Core(
        database.sessions, FakeClock(datetime(2027, 1, 6, 12, tzinfo=UTC)), shipped_curriculum
    )


async def checkins(database: Database, platform: str) -> list[tuple[str, str, str]]:
    """(workspace, user, status) of every check-in on `platform`."""
    async with database.sessions() as db:
        rows = await db.execute(
            select(Workspace.external_id, Member.user_id, CheckIn.status)
            .join(Member, Member.id == CheckIn.member_id)
            .join(Workspace, Workspace.id == Member.workspace_id)
            .where(Workspace.platform == platform)
        )
        return [tuple(row) for row in rows.all()]  # type: ignore[misc]


# -- Discord ---------------------------------------------------------------------------------


@pytest.fixture
async def fake_discord() -> AsyncIterator[FakeDiscordAPI]:
    async with running_fake_discord() as api:
        yield api


async def test_discord_today_buttons_and_a_click_checks_in(
    database: Database,
    core: Core,
    fake_discord: FakeDiscordAPI,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    dispatcher = Dispatcher(core)
    joined = await dispatcher.handle(
        Caller(Platform.DISCORD, GUILD_ID, MEMBER_ID, "Ada"), "/join 2027-01-04 Europe/Berlin"
    )
    assert joined.ok, joined
    monkeypatch.setattr(discord.http.Route, "BASE", fake_discord.base_url)
    client = PathbotDiscordClient(
        dispatcher,
        dispatcher.commands(),
        dm_scopes=DirectMessageScopes(core.sessions, Platform.DISCORD),
    )
    await client.login("fake-token")
    try:
        client._connection.parse_interaction_create(interaction("today"))
        (today,) = await fake_discord.wait_for("POST", "/callback")
        assert today.body is not None
        (row,) = today.body["data"]["components"]
        buttons = row["components"]
        assert [b["custom_id"] for b in buttons] == [f"pathbot:{c}" for c in CHECKIN_COMMANDS]
        assert [b["label"] for b in buttons] == ["Done ✅", "Partly", "Blocked"]
        assert buttons[0]["style"] == discord.ButtonStyle.success.value
        assert await checkins(database, "discord") == []

        # The reminder arrives as a DM: the click comes from the DM, without a server.
        client._connection.parse_interaction_create(
            component_interaction("pathbot:/checkin done", in_guild=False)
        )
        _, clicked = await fake_discord.wait_for("POST", "/callback", count=2)
    finally:
        await client.close()

    assert await checkins(database, "discord") == [(GUILD_ID, MEMBER_ID, "done")]
    assert clicked.body is not None
    assert clicked.body["type"] == 4
    assert int(clicked.body["data"]["flags"]) & 64  # only the clicker sees the answer
    embed = clicked.body["data"]["embeds"][0]
    assert embed["title"] == "Checked in: done (2027-01-06)"
    assert embed["color"] == discord.Colour.green().value


async def test_discord_click_in_a_server_checks_in_the_clicker(
    database: Database,
    core: Core,
    fake_discord: FakeDiscordAPI,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    dispatcher = Dispatcher(core)
    other = "800000000000000077"
    for user in (MEMBER_ID, other):
        await dispatcher.handle(Caller(Platform.DISCORD, GUILD_ID, user, user), "/join 2027-01-04")
    monkeypatch.setattr(discord.http.Route, "BASE", fake_discord.base_url)
    client = PathbotDiscordClient(dispatcher, dispatcher.commands())
    await client.login("fake-token")
    try:
        client._connection.parse_interaction_create(
            component_interaction("pathbot:/checkin partial", user_id=other)
        )
        (clicked,) = await fake_discord.wait_for("POST", "/callback")
        # Components that are not pathbot's are left alone.
        client._connection.parse_interaction_create(component_interaction("poll:yes"))
        client._connection.parse_interaction_create(
            component_interaction("pathbot:/checkin blocked")
        )
        await fake_discord.wait_for("POST", "/callback", count=2)
    finally:
        await client.close()

    assert sorted(await checkins(database, "discord")) == sorted(
        [(GUILD_ID, other, "partial"), (GUILD_ID, MEMBER_ID, "blocked")]
    )
    assert clicked.body is not None
    assert int(clicked.body["data"]["flags"]) & 64
    assert len(fake_discord.matching("POST", "/callback")) == 2


async def test_discord_send_carries_buttons(
    fake_discord: FakeDiscordAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Unused:
        async def handle(self, caller: Caller, line: str) -> Reply:
            raise AssertionError

    monkeypatch.setattr(discord.http.Route, "BASE", fake_discord.base_url)
    client = PathbotDiscordClient(Unused(), [])
    await client.login("fake-token")
    try:
        reply = Reply(
            title="Hi Ada, your plan for today",
            actions=[
                ReplyAction(label="Done ✅", command="/checkin done", style=ActionStyle.SUCCESS),
                ReplyAction(label="x" * 80, command="/checkin " + "y" * 81),  # longest allowed
            ],
        )
        await client.send(f"dm:{MEMBER_ID}", reply, nonce="reminder-1")
        # A sent view is not kept in memory waiting for clicks.
        assert client._connection._view_store.persistent_views == []
    finally:
        await client.close()

    (sent,) = fake_discord.matching("POST", "/messages")
    assert sent.body is not None
    (row,) = sent.body["components"]
    done, longest = row["components"]
    assert done["custom_id"] == "pathbot:/checkin done"
    assert len(longest["custom_id"]) == 98  # within Discord's 100
    assert len(longest["label"]) == 80


# -- Slack -----------------------------------------------------------------------------------


@pytest.fixture
async def fake_slack() -> AsyncIterator[FakeSlackAPI]:
    async with running_fake_slack() as api:
        api.add_user(ADA_SLACK, "Ada")
        yield api


async def test_slack_today_buttons_and_a_signed_click_checks_in(
    database: Database, core: Core, fake_slack: FakeSlackAPI
) -> None:
    dispatcher = Dispatcher(core)
    names = [name for spec in dispatcher.commands() for name in (spec.name, *spec.aliases)]
    adapter = SlackAdapter(
        dispatcher,
        client=AsyncWebClient(token="xoxb-test", base_url=fake_slack.base_url),
        signing_secret=SIGNING_SECRET,
        clock=core.clock,
        command_names=names,
    )
    caller = Caller(Platform.SLACK, TEAM_ID, ADA_SLACK, "Ada")
    assert (await dispatcher.handle(caller, "/join 2027-01-04 Europe/Berlin")).ok

    # The reminder (or /today) as the scheduler would send it: a DM with buttons.
    today = await dispatcher.handle(caller, "/today")
    await adapter.send(f"dm:{ADA_SLACK}", today)
    (posted,) = await fake_slack.wait_for("chat.postMessage")
    blocks = posted.args["blocks"]
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    (actions,) = [b for b in blocks if b["type"] == "actions"]
    values = [e["value"] for e in actions["elements"]]
    assert values == CHECKIN_COMMANDS
    assert actions["elements"][0]["style"] == "primary"

    clicked = actions["elements"][2]
    body = block_actions_body(
        fake_slack, clicked["value"], user_id=ADA_SLACK, action_id=clicked["action_id"]
    )
    response = await adapter.app.async_dispatch(
        AsyncBoltRequest(body=body, headers=signed_headers(body))
    )
    assert response.status == 200  # acked at once
    (answer,) = await fake_slack.wait_for("response_url")

    assert await checkins(database, "slack") == [(TEAM_ID, ADA_SLACK, "blocked")]
    assert answer.args["response_type"] == "ephemeral"
    assert answer.args["replace_original"] is False
    assert "Checked in: blocked" in answer.args["blocks"][0]["text"]["text"]
    # Hints in the answer use Slack's spelling; the button values stay core commands.
    assert "/pathbot ask" in json.dumps(answer.args)


async def test_slack_click_with_a_bad_signature_is_refused(
    database: Database, core: Core, fake_slack: FakeSlackAPI
) -> None:
    dispatcher = Dispatcher(core)
    adapter = SlackAdapter(
        dispatcher,
        client=AsyncWebClient(token="xoxb-test", base_url=fake_slack.base_url),
        signing_secret=SIGNING_SECRET,
        clock=core.clock,
    )
    assert (await dispatcher.handle(Caller(Platform.SLACK, TEAM_ID, ADA_SLACK, "Ada"), "/join")).ok
    body = block_actions_body(fake_slack, "/checkin done", user_id=ADA_SLACK)

    response = await adapter.app.async_dispatch(
        AsyncBoltRequest(body=body, headers=signed_headers(body, secret="wrong"))
    )

    assert response.status == 401
    assert await checkins(database, "slack") == []


# -- every platform's rendering --------------------------------------------------------------


def test_actions_render_on_every_platform() -> None:
    reply = Reply(
        title="Today",
        actions=[
            ReplyAction(label="Done <!here>", command="/checkin done", style=ActionStyle.SUCCESS),
            ReplyAction(label="Blocked", command="/checkin blocked", style=ActionStyle.DANGER),
            ReplyAction(label="Partly", command="/checkin partial"),
        ],
    )

    (slack_actions,) = [b for b in render_blocks(reply) if b["type"] == "actions"]
    assert [e.get("style") for e in slack_actions["elements"]] == ["primary", "danger", None]
    assert len({e["action_id"] for e in slack_actions["elements"]}) == 3
    assert "<!here>" not in json.dumps(slack_actions)
    assert to_text(reply).splitlines()[1:] == [
        "→ reply /checkin done  (Done <!here>)",
        "→ reply /checkin blocked  (Blocked)",
        "→ reply /checkin partial  (Partly)",
    ]
    # Outbox rows store replies as JSON: actions survive the round trip.
    assert Reply.model_validate_json(reply.model_dump_json()) == reply


def test_an_action_command_must_be_a_command_line() -> None:
    with pytest.raises(ValueError, match="pattern"):
        ReplyAction(label="Done", command="checkin done")
    with pytest.raises(ValueError, match="at most 90"):  # would not fit a Discord custom_id
        ReplyAction(label="Done", command="/checkin " + "y" * 82)
