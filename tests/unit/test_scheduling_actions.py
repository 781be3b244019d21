"""The daily reminder offers one-tap check-in buttons, pinned to its workspace."""

from __future__ import annotations

from datetime import time, timedelta

from bot.clock import FakeClock
from bot.curriculum.loader import load_curriculum
from bot.scheduling.delivery import DeliveryWorker
from bot.scheduling.jobs import ScheduleConfig, enqueue_due
from bot.scheduling.senders import RecordingSender
from bot.services.context import Core
from tests.conftest import Database
from tests.unit.test_scheduling_console import CURRICULUM, T0, seed


async def test_reminder_and_nudge_carry_checkin_buttons_for_their_workspace(
    database: Database,
) -> None:
    await seed(database)
    core = Core(
        sessions=database.sessions, clock=FakeClock(T0), curriculum=load_curriculum(CURRICULUM)
    )
    # The reminder is due at 02:30 New York (07:30 UTC); the nudge at 21:00 New York.
    config = ScheduleConfig(nudge_time=time(21, 0))
    sender = RecordingSender(platform="console")
    for hours in (7.5, 26):
        now = T0 + timedelta(hours=hours)
        async with core.sessions() as db, db.begin():
            await enqueue_due(db, core, now, config)
        await DeliveryWorker(core.sessions, {"console": sender}, FakeClock(now)).drain()

    by_title = {sent.reply.title: sent.reply for sent in sender.sent}
    reminders = [r for title, r in by_title.items() if title.startswith("Hi Me")]
    nudges = [r for title, r in by_title.items() if title.startswith("Still time")]
    assert len(reminders) == 1
    assert len(nudges) == 1
    checkins = ["/checkin done", "/checkin partial", "/checkin blocked"]
    for reply in (*reminders, *nudges):
        # The reminder also offers Later (/snooze); the evening nudge is the last call.
        later = ["/snooze"] if reply in reminders else []
        assert [a.command for a in reply.actions] == [*checkins, *later]
        assert {a.workspace for a in reply.actions} == {"local"}
