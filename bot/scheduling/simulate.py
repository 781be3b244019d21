"""Running the real jobs and delivery over a simulated clock (preview, tests, the console)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import FakeClock
from bot.scheduling import localtime
from bot.scheduling.delivery import DeliveryWorker
from bot.scheduling.jobs import enqueue_due
from bot.scheduling.outbox import reply_of
from bot.scheduling.planning import ScheduleConfig
from bot.scheduling.senders import RecordingSender, Sender
from bot.services.context import Core
from bot.storage.models import Member, MemberStatus, Workspace
from bot.storage.outbox import OutboxMessage, OutboxStatus

PLATFORMS = ("console", "discord", "slack")


@dataclass(frozen=True, slots=True)
class Delivered:
    """One message as it went out."""

    at_utc: datetime
    local_date: date
    local_time: str
    kind: str
    workspace: str
    target: str
    text: str

    @classmethod
    def of(cls, row: OutboxMessage, workspace: str, at_utc: datetime, text: str) -> Delivered:
        return cls(
            at_utc=at_utc,
            local_date=row.local_date,
            local_time=row.local_time,
            kind=row.kind,
            workspace=workspace,
            target=row.target,
            text=text,
        )

    def as_json(self) -> dict[str, str]:
        return {
            "at_utc": self.at_utc.isoformat(),
            "local_time": self.local_time,
            "kind": self.kind,
            "workspace": self.workspace,
            "target": self.target,
            "text": self.text,
        }


def recording_senders() -> dict[str, Sender]:
    return {platform: RecordingSender(platform) for platform in PLATFORMS}


async def tick(
    core: Core, worker: DeliveryWorker, now: datetime, config: ScheduleConfig | None = None
) -> int:
    """One scheduler run at `now`, then deliver whatever is due; returns rows enqueued."""
    async with core.sessions() as db, db.begin():
        enqueued = await enqueue_due(db, core, now, config)
    await worker.drain()
    return enqueued


async def simulate(
    core: Core, start: datetime, end: datetime, config: ScheduleConfig | None = None
) -> list[Delivered]:
    """Jump from one due moment to the next between `start` and `end`, delivering as it goes."""
    clock = FakeClock(start)
    worker = DeliveryWorker(core.sessions, recording_senders(), clock)
    now = start
    while True:
        async with core.sessions() as db:
            upcoming = await next_due_after(db, now, config)
        if upcoming is None or upcoming > end:
            break
        now = upcoming
        clock.set(now)
        await tick(core, worker, now, config)
    return await delivered(core, since=start)


async def delivered(core: Core, since: datetime) -> list[Delivered]:
    """Every message sent since `since`, in the order it went out."""
    async with core.sessions() as db:
        rows = await db.execute(
            select(OutboxMessage, Workspace.external_id)
            .join(Workspace, Workspace.id == OutboxMessage.workspace_id)
            .where(OutboxMessage.status == OutboxStatus.SENT.value)
            .where(OutboxMessage.sent_at >= since)
            .order_by(OutboxMessage.sent_at, OutboxMessage.id)
        )
        return [
            Delivered.of(row, external_id, row.sent_at or row.due_at, reply_of(row).text())
            for row, external_id in rows.all()
        ]


async def next_due_after(
    db: AsyncSession, after: datetime, config: ScheduleConfig | None = None
) -> datetime | None:
    """The first instant after `after` at which something may become due.

    Lets a simulation jump from one moment to the next instead of ticking
    every minute; eligibility is still decided by `enqueue_due`.
    """
    config = config or ScheduleConfig()
    times: list[datetime] = []
    weekly = (config.weekly_weekday, config.weekly_time)
    nudges: set[time] = {config.nudge_time} if config.nudge_time is not None else set()
    for workspace in await db.scalars(select(Workspace)):
        post = workspace.daily_post_time or config.default_post_time
        times += _candidates(after, workspace.timezone, [post], weekly)
        if workspace.nudge_time is not None:
            nudges.add(workspace.nudge_time)
    members = await db.execute(
        select(Member.timezone, Member.reminder_time)
        .where(Member.status == MemberStatus.ACTIVE.value)
        .distinct()
    )
    for timezone, reminder in members.all():
        times += _candidates(after, timezone, [reminder, *sorted(nudges)], weekly)
    # Snoozed reminders come at an instant of their own.
    times += list(
        await db.scalars(select(Member.snoozed_until).where(Member.snoozed_until > after))
    )
    later = [instant for instant in times if instant > after]
    return min(later, default=None)


def _candidates(
    after: datetime, timezone: str, daily: list[time], weekly: tuple[int, time]
) -> list[datetime]:
    zone = ZoneInfo(timezone)
    today = after.astimezone(zone).date()
    found = []
    for day in (today, today + timedelta(days=1)):
        walls = [*daily, weekly[1]] if day.weekday() == weekly[0] else daily
        found += [localtime.resolve(day, wall, zone) for wall in walls]
    return found
