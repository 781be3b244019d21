"""The dashboard on a real aiohttp server on 127.0.0.1, over a seeded cohort, for tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from aiohttp import web
from sqlalchemy import select, update

from bot.clock import FakeClock
from bot.commands.dispatcher import Dispatcher
from bot.curriculum.models import Curriculum
from bot.dashboard.web import Dashboard
from bot.ops.http import serving_http
from bot.replies import Reply
from bot.scheduling.outbox import NewMessage, enqueue
from bot.scheduling.senders import Target
from bot.services.context import Core
from bot.services.dashboard_links import DashboardLinks, Role
from bot.storage.models import Workspace
from bot.storage.outbox import MessageKind, OutboxMessage, OutboxStatus
from tests.conftest import Database, caller_for

KEY = "dashboard-test-key-0123456789abcdef"
#: Wednesday of the cohort's second week.
NOW = datetime(2027, 1, 13, 12, tzinfo=UTC)


@dataclass
class Site:
    url: str
    core: Core
    clock: FakeClock
    links: DashboardLinks
    #: Our workspace ("w1") and another one ("w2"), by their ids.
    ours: int
    theirs: int
    #: A dead message in each.
    our_dead: int
    their_dead: int

    def link(
        self, user: str = "boss", role: Role = Role.ORGANISER, workspace: int | None = None
    ) -> str:
        """A link as /dashboard or /me makes it, for a workspace nobody signed out yet."""
        return self.links.link(workspace or self.ours, user, role, generation=0)


async def _seed(core: Core) -> None:
    dispatcher = Dispatcher(core)
    boss = caller_for("boss", admin=True)
    for line in ("/cohort-start 2027-01-04", "/workspace-tz UTC"):
        await dispatcher.handle(boss, line)
    people = {"ada": "6h", "bob": "1h", "cy": "3h30"}
    for name, hours in people.items():
        caller = caller_for(name)
        await dispatcher.handle(caller, "/join 2027-01-04 UTC 08:00")
        await dispatcher.handle(caller, f"/log {hours} reading")
    await dispatcher.handle(caller_for("ada"), "/checkin done")
    await dispatcher.handle(caller_for("bob"), "/checkin blocked stuck on the tokenizer exercise")
    await dispatcher.handle(caller_for("dee"), "/join 2027-01-04 UTC 08:00")
    await dispatcher.handle(caller_for("dee"), "/pause")
    # Another workspace, whose data must never show.
    eve = caller_for("eve", workspace="w2")
    await dispatcher.handle(eve, "/join 2027-01-04 UTC 08:00")
    await dispatcher.handle(eve, "/log 9h secret-project")


async def _dead(core: Core, workspace_id: int, user: str) -> int:
    async with core.sessions() as db, db.begin():
        message = NewMessage(
            kind=MessageKind.REMINDER,
            workspace_id=workspace_id,
            platform="console",
            target=Target.user(user),
            local_date=NOW.date(),
            local_time="2027-01-13 08:00 UTC",
            reply=Reply(title="Reminder"),
            due_at=NOW - timedelta(hours=4),
            expires_at=None,
        )
        await enqueue(db, [message], NOW)
        row_id = await db.scalar(
            select(OutboxMessage.id).where(OutboxMessage.workspace_id == workspace_id)
        )
        assert row_id is not None
        await db.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == row_id)
            .values(status=OutboxStatus.DEAD.value, last_error="refused: Unknown Channel")
        )
        return row_id


@asynccontextmanager
async def dashboard_site(database: Database, curriculum: Curriculum) -> AsyncIterator[Site]:
    clock = FakeClock(NOW)
    links = DashboardLinks(KEY, "http://pending", clock)
    core = Core(database.sessions, clock, curriculum, links=links)
    await _seed(core)
    async with core.sessions() as db:
        ids = dict((await db.execute(select(Workspace.external_id, Workspace.id))).all())
    our_dead = await _dead(core, ids["w1"], "bob")
    their_dead = await _dead(core, ids["w2"], "eve")
    app = web.Application()
    Dashboard(replace(core)).add_routes(app)
    async with serving_http(app, "127.0.0.1", 0) as url:
        links.public_url = url
        yield Site(url, core, clock, links, ids["w1"], ids["w2"], our_dead, their_dead)
