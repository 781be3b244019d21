"""What every part of the scheduler's planner shares: the settings it runs with, the
workspace and instant it plans for, the outbox keys already there, and how a message
is made (`jobs._Planner` and `cohort_jobs.CohortMessages` build on it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.replies import Reply
from bot.scheduling import localtime
from bot.scheduling.outbox import MessageKind, NewMessage
from bot.scheduling.senders import Target
from bot.services.context import Core
from bot.storage.models import Workspace
from bot.storage.outbox import OutboxMessage


@dataclass(frozen=True, slots=True)
class ScheduleConfig:
    """Times not stored per workspace; all are local wall times."""

    #: The daily post when the workspace has not set one.
    default_post_time: time = time(8, 0)
    #: The evening nudge for members with no check-in yet; None = off.
    nudge_time: time | None = None
    #: The weekly leaderboard (workspace's zone) and summary DMs (each member's zone).
    weekly_time: time = time(9, 0)
    #: 0 = Monday.
    weekly_weekday: int = 0


class PlannerBase:
    """The messages of one workspace at one instant: the state and helpers."""

    def __init__(
        self,
        db: AsyncSession,
        core: Core,
        workspace: Workspace,
        now: datetime,
        config: ScheduleConfig,
    ) -> None:
        self.db, self.core, self.workspace, self.now, self.config = db, core, workspace, now, config
        self.zone = ZoneInfo(workspace.timezone)
        self.today = now.astimezone(self.zone).date()
        self.existing: set[tuple[str, str, date]] = set()

    async def load_existing(self) -> None:
        """Keys already in the outbox around today, so nothing is rendered twice."""
        rows = await self.db.execute(
            select(OutboxMessage.kind, OutboxMessage.target, OutboxMessage.local_date).where(
                OutboxMessage.workspace_id == self.workspace.id,
                # Members' zones may be up to two dates away from the workspace's.
                OutboxMessage.local_date >= self.today - timedelta(days=2),
                OutboxMessage.local_date <= self.today + timedelta(days=2),
            )
        )
        self.existing = {(kind, target, day) for kind, target, day in rows.all()}

    def _message(
        self,
        kind: MessageKind,
        target: Target,
        day: date,
        zone: ZoneInfo,
        due: datetime,
        reply: Reply,
    ) -> NewMessage:
        return NewMessage(
            kind=kind,
            workspace_id=self.workspace.id,
            platform=self.workspace.platform,
            target=target,
            local_date=day,
            local_time=localtime.describe(due, zone),
            reply=reply,
            due_at=due,
            # A message for a day that is over is no use: it expires instead of arriving late.
            expires_at=localtime.end_of_day(day, zone),
        )

    def _wanted(self, kind: MessageKind, target: Target, day: date, due: datetime) -> bool:
        return due <= self.now and (kind.value, str(target), day) not in self.existing

    def _weekly_due(self, zone: ZoneInfo) -> tuple[date, datetime] | None:
        today = self.now.astimezone(zone).date()
        if today.weekday() != self.config.weekly_weekday:
            return None
        return today, localtime.resolve(today, self.config.weekly_time, zone)
