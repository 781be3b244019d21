"""The console shows the daily post and the caller's own reminders as they come due."""

from __future__ import annotations

import io
from datetime import date, time, timedelta

from bot.adapters.console.chat import announce
from bot.adapters.console.scheduled import due_check
from bot.adapters.console.session import console_caller
from bot.clock import FakeClock
from bot.curriculum.loader import load_curriculum
from bot.services.context import Core
from bot.storage.models import Member
from tests.conftest import Database
from tests.unit.test_scheduling_console import CURRICULUM, T0, seed


async def test_due_messages_for_the_caller_and_the_channel_only(database: Database) -> None:
    member_id = await seed(database)  # "me": reminder 02:30 New York; post 08:00 London
    async with database.sessions() as session, session.begin():
        me = await session.get(Member, member_id)
        assert me is not None
        session.add(
            Member(
                workspace_id=me.workspace_id,
                user_id="someone-else",
                display_name="Else",
                timezone="America/New_York",
                reminder_time=time(2, 30),
                start_date=date(2027, 1, 4),
                joined_at=T0,
            )
        )
    clock = FakeClock(T0 + timedelta(hours=7, minutes=30))
    core = Core(sessions=database.sessions, clock=clock, curriculum=load_curriculum(CURRICULUM))
    check = due_check(core, console_caller("me", "local", admin=False))

    out = io.StringIO()
    assert await announce(check, out) == 1  # my reminder; not the other member's
    assert "📣 reminder · 2027-01-04 02:30 America/New_York" in out.getvalue()
    assert "Hi Me, your plan for today" in out.getvalue()
    assert "Else" not in out.getvalue()

    assert await announce(check, io.StringIO()) == 0  # nothing twice
    clock.set(T0 + timedelta(hours=8))
    posted = io.StringIO()
    assert await announce(check, posted, prompt_again=True) == 1
    assert "📣 daily post · 2027-01-04 08:00 Europe/London" in posted.getvalue()
    assert posted.getvalue().endswith("you> ")
