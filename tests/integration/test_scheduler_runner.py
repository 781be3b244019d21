"""`scheduling(...)` as `pathbot run` uses it: the job runs at start, the worker delivers."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.curriculum.loader import load_curriculum
from bot.replies import Reply
from bot.scheduling.locks import AlreadyRunning
from bot.scheduling.runner import scheduling
from bot.scheduling.senders import RecordingSender, Target
from bot.services.context import Core
from bot.storage.models import Workspace
from tests.conftest import Database

CURRICULUM = Path(__file__).resolve().parents[2] / "curriculum" / "ai-engineering.yaml"
NOW = datetime(2027, 1, 4, 12, 0, tzinfo=UTC)


class SignallingSender(RecordingSender):
    def __init__(self) -> None:
        super().__init__(platform="discord")
        self.arrived = asyncio.Event()

    async def send(self, target: Target, reply: Reply, *, idempotency_key: str) -> None:
        await super().send(target, reply, idempotency_key=idempotency_key)
        self.arrived.set()


async def test_scheduling_enqueues_at_start_and_delivers(own_database: Database) -> None:
    database = own_database
    async with database.sessions() as session, session.begin():
        session.add(
            Workspace(
                platform="discord",
                external_id="g",
                timezone="UTC",
                cohort_start=date(2027, 1, 4),
                daily_channel="daily",
                daily_post_time=time(8, 0),
                leaderboard_channel=None,
                streak_freezes_per_week=1,
                created_at=NOW,
            )
        )
    core = Core(
        sessions=database.sessions, clock=FakeClock(NOW), curriculum=load_curriculum(CURRICULUM)
    )
    sender = SignallingSender()
    async with scheduling(core, database.engine, {"discord": sender}) as running:
        await asyncio.wait_for(sender.arrived.wait(), timeout=30)
        assert running.leader.held
        if database.backend == "sqlite":
            with pytest.raises(AlreadyRunning, match="SQLite serves one process"):
                async with scheduling(core, database.engine, {"discord": sender}):
                    pass
        # A second run of the job in the same minute enqueues nothing new.
        assert await running.tick() == 0
    assert [sent.target for sent in sender.sent] == [Target.channel("daily")]
    assert sender.sent[0].reply.title.startswith("Today for the cohort: Day 1")
