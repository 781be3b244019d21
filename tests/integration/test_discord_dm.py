"""Commands sent in a DM to the bot run in the member's own workspace.

Through the real discord.py client against the fake Discord API, with the real
dispatcher and `DirectMessageScopes` on both database backends: one workspace,
two (the most recently active one, named in a footer), none (a friendly refusal).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import discord
import pytest
from sqlalchemy import select

from bot.adapters.discord import PathbotDiscordClient
from bot.caller import Caller, Platform
from bot.clock import FakeClock
from bot.commands.dispatcher import Dispatcher
from bot.curriculum.models import Curriculum
from bot.services.context import Core
from bot.services.memberships import DirectMessageScopes, workspaces_of
from bot.storage.models import CheckIn, Member, MemberStatus, Workspace
from tests.conftest import Database
from tests.fakes.discord_api import APPLICATION_ID, FakeDiscordAPI, running_fake_discord
from tests.fakes.discord_interactions import (
    GUILD_ID,
    MEMBER_ID,
    component_interaction,
    interaction,
    option,
)

OTHER_GUILD = "800000000000000055"


@dataclass
class Setup:
    database: Database
    clock: FakeClock
    dispatcher: Dispatcher
    client: PathbotDiscordClient
    fake: FakeDiscordAPI

    async def member_says(self, guild: str, line: str, user: str = MEMBER_ID) -> None:
        reply = await self.dispatcher.handle(Caller(Platform.DISCORD, guild, user, "Ada"), line)
        assert reply.ok, reply

    async def dm(self, payload: dict[str, Any]) -> dict[str, Any]:
        before = len(self.fake.matching("POST", "/callback"))
        self.client._connection.parse_interaction_create(payload)
        recorded = await self.fake.wait_for("POST", "/callback", count=before + 1)
        body = recorded[-1].body
        assert body is not None
        data: dict[str, Any] = body["data"]
        return data

    async def checkins(self) -> list[tuple[str, str]]:
        async with self.database.sessions() as db:
            rows = await db.execute(
                select(Workspace.external_id, CheckIn.status)
                .join(Member, Member.id == CheckIn.member_id)
                .join(Workspace, Workspace.id == Member.workspace_id)
            )
            return [(str(ws), str(status)) for ws, status in rows.all()]


@pytest.fixture
async def setup(
    database: Database, shipped_curriculum: Curriculum, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Setup]:
    clock = FakeClock(datetime(2027, 1, 6, 12, tzinfo=UTC))
    core = Core(database.sessions, clock, shipped_curriculum)
    dispatcher = Dispatcher(core)
    async with running_fake_discord() as fake:
        monkeypatch.setattr(discord.http.Route, "BASE", fake.base_url)
        client = PathbotDiscordClient(
            dispatcher,
            dispatcher.commands(),
            dm_scopes=DirectMessageScopes(database.sessions, Platform.DISCORD),
        )
        await client.login("fake-token")
        try:
            yield Setup(database, clock, dispatcher, client, fake)
        finally:
            await client.close()


def dm_checkin(status: str = "done") -> dict[str, Any]:
    return interaction("checkin", option("status", status), in_guild=False)


async def test_member_commands_are_offered_in_dms_admin_ones_are_not(setup: Setup) -> None:
    (sync,) = setup.fake.matching("PUT", f"/applications/{APPLICATION_ID}/commands")
    assert sync.body is not None
    contexts = {command["name"]: command["contexts"] for command in sync.body}
    for member_command in ("checkin", "today", "log", "progress", "help", "ask", "settings"):
        assert contexts[member_command] == [0, 1], member_command
    for admin_command in ("report", "set-channel"):
        assert contexts[admin_command] == [0], admin_command


async def test_dm_runs_in_the_only_workspace(setup: Setup) -> None:
    await setup.member_says(GUILD_ID, "/join 2027-01-04 Europe/Berlin")

    data = await setup.dm(dm_checkin())

    assert await setup.checkins() == [(GUILD_ID, "done")]
    (embed,) = data["embeds"]
    assert embed["title"] == "Checked in: done (2027-01-06)"
    assert "(in " not in embed.get("description", "")


async def test_dm_picks_the_most_recently_active_workspace_and_says_so(setup: Setup) -> None:
    await setup.member_says(GUILD_ID, "/join 2027-01-04 Europe/Berlin")
    await setup.member_says(OTHER_GUILD, "/join 2027-01-04 Europe/Berlin")
    setup.clock.advance(timedelta(hours=1))
    await setup.member_says(GUILD_ID, "/log 1h read the paper")  # GUILD_ID is now the latest

    data = await setup.dm(dm_checkin("partial"))

    assert await setup.checkins() == [(GUILD_ID, "partial")]
    assert data["embeds"][0]["description"].splitlines()[-1] == f"(in {GUILD_ID})"

    setup.clock.advance(timedelta(hours=1))
    await setup.member_says(OTHER_GUILD, "/log 30m")
    data = await setup.dm(interaction("progress", in_guild=False))
    assert data["embeds"][0]["description"].splitlines()[-1] == f"(in {OTHER_GUILD})"


async def test_a_reminder_button_runs_in_the_server_it_was_made_for(setup: Setup) -> None:
    await setup.member_says(GUILD_ID, "/join 2027-01-04 Europe/Berlin")
    await setup.member_says(OTHER_GUILD, "/join 2027-01-04 Europe/Berlin")
    setup.clock.advance(timedelta(hours=1))
    await setup.member_says(OTHER_GUILD, "/log 1h")  # OTHER_GUILD is the most recent

    # GUILD_ID's reminder: its buttons are pinned to GUILD_ID.
    data = await setup.dm(
        component_interaction(f"pathbot@{GUILD_ID}:/checkin done", in_guild=False)
    )

    assert await setup.checkins() == [(GUILD_ID, "done")]
    assert data["embeds"][0]["description"].splitlines()[-1] == f"(in {GUILD_ID})"

    # Pinned to a server they have left: the usual rule (most recently active) applies.
    await setup.member_says(GUILD_ID, "/leave")
    await setup.dm(component_interaction(f"pathbot@{GUILD_ID}:/checkin partial", in_guild=False))
    assert sorted(await setup.checkins()) == [(GUILD_ID, "done"), (OTHER_GUILD, "partial")]


async def test_dm_without_any_membership_is_told_to_join_from_a_server(setup: Setup) -> None:
    await setup.member_says(GUILD_ID, "/join 2027-01-04")
    await setup.member_says(GUILD_ID, "/leave")  # left members count as not joined

    data = await setup.dm(dm_checkin())

    assert await setup.checkins() == []
    (embed,) = data["embeds"]
    assert embed["title"] == "Join from your server"
    assert "Run /join in your server first" in embed["description"]
    assert int(data["flags"]) & 64
    # Help needs no workspace and still answers.
    data = await setup.dm(interaction("help", in_guild=False))
    assert data["embeds"][0]["title"] == "pathbot commands"


async def test_workspaces_of_orders_by_latest_activity(setup: Setup) -> None:
    await setup.member_says(GUILD_ID, "/join 2027-01-04")
    setup.clock.advance(timedelta(minutes=5))
    await setup.member_says(OTHER_GUILD, "/join 2027-01-04")
    await setup.member_says(GUILD_ID, "/join 2027-01-04", user="800000000000000099")
    await setup.member_says("800000000000000066", "/join 2027-01-04")
    await setup.member_says("800000000000000066", "/pause")
    await setup.member_says("800000000000000077", "/join 2027-01-04")
    await setup.member_says("800000000000000077", "/leave")

    async with setup.database.sessions() as db:
        found = await workspaces_of(db, "discord", MEMBER_ID)
        assert [(m.workspace_id, m.status) for m in found] == [
            ("800000000000000066", MemberStatus.PAUSED),
            (OTHER_GUILD, MemberStatus.ACTIVE),
            (GUILD_ID, MemberStatus.ACTIVE),
        ]
        assert all(m.last_active.tzinfo is not None for m in found)
        setup.clock.advance(timedelta(minutes=5))
        await setup.member_says(GUILD_ID, "/checkin done")
        found = await workspaces_of(db, "discord", MEMBER_ID)
        assert found[0].workspace_id == GUILD_ID
        assert await workspaces_of(db, "slack", MEMBER_ID) == []
