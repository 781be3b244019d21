"""Two scheduler runs at the same instant (two processes, or a job that overlaps itself)."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time
from pathlib import Path

from bot.clock import FakeClock
from bot.curriculum.loader import load_curriculum
from bot.scheduling.jobs import enqueue_due
from bot.scheduling.outbox import list_messages
from bot.scheduling.planning import ScheduleConfig
from bot.services.context import Core
from bot.storage.models import Member, Workspace
from tests.conftest import Database

CURRICULUM = Path(__file__).resolve().parents[2] / "curriculum" / "ai-engineering.yaml"
NOW = datetime(2027, 1, 11, 23, 0, tzinfo=UTC)  # a Monday, late: everything of the day is due


async def test_two_runs_at_once_enqueue_each_message_once(database: Database) -> None:
    async with database.sessions() as session, session.begin():
        workspace = Workspace(
            platform="discord",
            external_id="g",
            timezone="UTC",
            cohort_start=date(2027, 1, 4),
            daily_channel="daily",
            daily_post_time=time(8, 0),
            leaderboard_channel="board",
            streak_freezes_per_week=1,
            created_at=NOW,
        )
        session.add(workspace)
        await session.flush()
        session.add_all(
            Member(
                workspace_id=workspace.id,
                user_id=f"m{n}",
                display_name=f"M{n}",
                timezone="Europe/London",
                reminder_time=time(9, 0),
                start_date=date(2027, 1, 4),
                joined_at=NOW,
            )
            for n in range(20)
        )
    core = Core(
        sessions=database.sessions, clock=FakeClock(NOW), curriculum=load_curriculum(CURRICULUM)
    )
    config = ScheduleConfig(nudge_time=time(21, 0))

    async def run() -> int:
        async with database.sessions() as session, session.begin():
            return await enqueue_due(session, core, NOW, config)

    counts = await asyncio.gather(run(), run())
    async with database.sessions() as session:
        rows = await list_messages(session, limit=1000)
    # Post + board + 20 × (reminder, nudge, weekly summary).
    assert len(rows) == 2 + 20 * 3
    assert sum(counts) == len(rows)
    assert await run() == 0
