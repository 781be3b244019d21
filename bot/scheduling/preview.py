"""`pathbot preview`: a sample cohort on a throw-away database, run on a simulated clock.

The real jobs and the real outbox run; only the clock and the sender are fake.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from bot.clock import FakeClock
from bot.curriculum.models import Curriculum
from bot.scheduling.planning import ScheduleConfig
from bot.scheduling.simulate import Delivered, simulate
from bot.services.context import Core
from bot.storage import migrate
from bot.storage.engine import make_engine, make_sessions
from bot.storage.models import CheckIn, Member, MemberStatus, Pause, Workspace

#: (name, zone, reminder time): UTC-10 to UTC+10, daylight-saving zones included.
SAMPLE_MEMBERS = [
    ("Ada", "Europe/London", time(7, 30)),
    ("Bo", "America/New_York", time(19, 0)),
    ("Chandra", "Asia/Kolkata", time(6, 45)),
    ("Dana", "Australia/Sydney", time(20, 30)),
    ("Eli", "Pacific/Honolulu", time(12, 0)),
    ("Femi", "Africa/Lagos", time(18, 0)),
    ("Gus", "America/Los_Angeles", time(8, 0)),
    ("Hana", "Asia/Tokyo", time(21, 0)),
]
#: Who is paused, and who checks in early every day (indexes into SAMPLE_MEMBERS).
PAUSED, EARLY_BIRD = 1, 2
WORKSPACE_ZONE = "Europe/London"


@dataclass(frozen=True)
class PreviewOptions:
    start: date
    days: int
    members: int
    nudge_time: time | None


async def run_preview(curriculum: Curriculum, options: PreviewOptions) -> list[Delivered]:
    with tempfile.TemporaryDirectory(prefix="pathbot-preview-") as directory:
        url = f"sqlite+aiosqlite:///{Path(directory) / 'preview.db'}"
        engine = make_engine(url)
        try:
            await migrate.upgrade(engine)
            sessions = make_sessions(engine)
            begin = datetime.combine(options.start, time(0, 0), UTC)
            # Start early enough that UTC+14 is still on the day before the cohort starts.
            begin -= timedelta(hours=14)
            core = Core(sessions=sessions, clock=FakeClock(begin), curriculum=curriculum)
            await _seed(core, options, begin)
            # What `pathbot run` uses: the nudge is the workspace's (/nudge-time), seeded.
            config = ScheduleConfig()
            end = datetime.combine(options.start + timedelta(days=options.days), time(0), UTC)
            # UTC-12's last day ends twelve hours after UTC's; keep only the asked-for days.
            sent = await simulate(core, begin, end + timedelta(hours=12), config)
            last = options.start + timedelta(days=options.days)
            return [message for message in sent if message.local_date < last]
        finally:
            await engine.dispose()


async def _seed(core: Core, options: PreviewOptions, now: datetime) -> None:
    async with core.sessions() as db, db.begin():
        workspace = Workspace(
            platform="console",
            external_id="preview",
            timezone=WORKSPACE_ZONE,
            cohort_start=options.start,
            daily_channel="cohort",
            daily_post_time=time(8, 0),
            nudge_time=options.nudge_time,
            leaderboard_channel="leaderboard",
            streak_freezes_per_week=1,
            created_at=now,
        )
        db.add(workspace)
        await db.flush()
        for index in range(options.members):
            name, zone, reminder = SAMPLE_MEMBERS[index % len(SAMPLE_MEMBERS)]
            if index >= len(SAMPLE_MEMBERS):
                name = f"{name}{index // len(SAMPLE_MEMBERS) + 1}"
            member = Member(
                workspace_id=workspace.id,
                user_id=name.lower(),
                display_name=name,
                timezone=zone,
                reminder_time=reminder,
                start_date=options.start,
                status=(MemberStatus.PAUSED if index == PAUSED else MemberStatus.ACTIVE).value,
                joined_at=now,
            )
            db.add(member)
            await db.flush()
            if index == PAUSED:
                db.add(Pause(member_id=member.id, start_date=options.start, end_date=None))
            if index == EARLY_BIRD:
                db.add_all(
                    CheckIn(
                        member_id=member.id,
                        local_date=options.start + timedelta(days=n),
                        status="done",
                        updated_at=now,
                    )
                    for n in range(options.days + 1)
                )
