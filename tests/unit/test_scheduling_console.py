from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from bot.clock import FakeClock
from bot.curriculum.loader import load_curriculum
from bot.scheduling.console import due_messages
from bot.scheduling.jobs import ScheduleConfig
from bot.services.context import Core
from bot.storage.models import CheckIn, Member, Workspace
from tests.conftest import Database

CURRICULUM = Path(__file__).resolve().parents[2] / "curriculum" / "ai-engineering.yaml"
T0 = datetime(2027, 1, 4, 0, 0, tzinfo=UTC)


async def seed(db: Database, platform: str = "console") -> int:
    async with db.sessions() as session, session.begin():
        workspace = Workspace(
            platform=platform,
            external_id="local",
            timezone="Europe/London",
            cohort_start=date(2027, 1, 4),
            daily_channel="cohort",
            daily_post_time=time(8, 0),
            leaderboard_channel=None,
            streak_freezes_per_week=1,
            created_at=T0,
        )
        session.add(workspace)
        await session.flush()
        member = Member(
            workspace_id=workspace.id,
            user_id="me",
            display_name="Me",
            timezone="America/New_York",
            reminder_time=time(2, 30),
            start_date=date(2027, 1, 4),
            joined_at=T0,
        )
        session.add(member)
        await session.flush()
        return member.id


async def test_due_messages_fire_once_at_their_minute_and_catch_up(database: Database) -> None:
    member_id = await seed(database)
    core = Core(
        sessions=database.sessions, clock=FakeClock(T0), curriculum=load_curriculum(CURRICULUM)
    )
    seen = []
    # Minute by minute through the morning: the post at 08:00 London, the reminder at
    # 02:30 New York (07:30 UTC), each exactly once.
    now = T0 + timedelta(hours=7)
    while now < T0 + timedelta(hours=9):
        seen += [(now, message.kind) for message in await due_messages(core, now)]
        now += timedelta(minutes=1)
    assert seen == [
        (T0 + timedelta(hours=7, minutes=30), "reminder"),
        (T0 + timedelta(hours=8), "daily_post"),
    ]
    # Down all day until 22:00 London: tomorrow's nothing yet, today's nothing twice.
    assert await due_messages(core, T0 + timedelta(hours=22)) == []
    # The next day the member checks in before the reminder: only the post arrives,
    # and late (the bot was down until 11:00), but on its own day.
    async with database.sessions() as session, session.begin():
        session.add(
            CheckIn(member_id=member_id, local_date=date(2027, 1, 5), status="done", updated_at=T0)
        )
    late = await due_messages(core, T0 + timedelta(days=1, hours=11))
    assert [(m.kind, m.local_time) for m in late] == [
        ("daily_post", "2027-01-05 08:00 Europe/London (GMT)")
    ]


async def test_platform_workspaces_are_not_delivered_to_the_console(database: Database) -> None:
    await seed(database, platform="discord")
    core = Core(
        sessions=database.sessions, clock=FakeClock(T0), curriculum=load_curriculum(CURRICULUM)
    )
    assert await due_messages(core, T0 + timedelta(hours=9), ScheduleConfig()) == []
