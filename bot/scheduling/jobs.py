"""What is due now: the pure function the every-minute job calls.

`enqueue_due` works everything out from the database and the instant it is
given, so a run after downtime catches up on whatever is still due today, and
running it twice (or in two processes) enqueues nothing new: the outbox's
unique key does the rest. Tests and the preview call it on a fake clock.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from bot.clock import FakeClock
from bot.curriculum.planner import day_plan
from bot.curriculum.planner_models import DayStatus
from bot.replies import Reply
from bot.scheduling import localtime
from bot.scheduling.cohort_jobs import CohortMessages
from bot.scheduling.outbox import MessageKind, NewMessage, enqueue
from bot.scheduling.planning import ScheduleConfig
from bot.scheduling.senders import Target
from bot.services.checkins import checkin_actions_for
from bot.services.context import Core
from bot.services.plan import render_day
from bot.services.reminder_controls import later_action
from bot.services.reminders import (
    DueMember,
    dm_recipients,
    last_week_leaderboard,
    members_due_reminder,
    reminder_day,
    weekly_summary,
)
from bot.services.timeline import calendar_for
from bot.storage.models import Member, Workspace

CHECKIN_HINT = "Done for today? Reply /checkin done"


async def enqueue_due(
    db: AsyncSession, core: Core, now: datetime, config: ScheduleConfig | None = None
) -> int:
    """Insert an outbox row for every message due at `now` that is not there yet."""
    config = config or ScheduleConfig()
    # Every service asked below sees the same instant.
    core = replace(core, clock=FakeClock(now))
    inserted = 0
    # A workspace that removed the bot gets nothing until it is back.
    active = select(Workspace).where(Workspace.active.is_(True)).order_by(Workspace.id)
    for workspace in await db.scalars(active):
        planner = _Planner(db, core, workspace, now, config)
        await planner.load_existing()
        messages = [
            *planner.daily_post(),
            *await planner.leaderboard(),
            *await planner.reminders_and_nudges(),
            *await planner.weekly_summaries(),
            *await planner.organiser_digest(),
            *await planner.celebrations(),
            *await planner.buddies(),
        ]
        inserted += await enqueue(db, messages, now)
    return inserted


class _Planner(CohortMessages):
    """The messages of one workspace at one instant."""

    def daily_post(self) -> list[NewMessage]:
        ws = self.workspace
        if ws.daily_channel is None or ws.cohort_start is None:
            return []
        target = Target.channel(ws.daily_channel)
        due = localtime.resolve(
            self.today, ws.daily_post_time or self.config.default_post_time, self.zone
        )
        if not self._wanted(MessageKind.DAILY_POST, target, self.today, due):
            return []
        plan = day_plan(self.core.curriculum, ws.cohort_start, self.today)
        if plan.status is not DayStatus.ACTIVE:
            return []
        day = render_day(plan, self.core)
        # A thread's name is at most 100 characters on Discord.
        thread = f"{self.today:%a %d %b}: {day.title}"[:100] if ws.daily_thread else None
        reply = day.model_copy(
            update={
                "title": f"Today for the cohort: {day.title}",
                "ephemeral": False,
                "thread": thread,
            }
        )
        return [self._message(MessageKind.DAILY_POST, target, self.today, self.zone, due, reply)]

    async def leaderboard(self) -> list[NewMessage]:
        ws = self.workspace
        if ws.leaderboard_channel is None or ws.cohort_start is None:
            return []
        weekly = self._weekly_due(self.zone)
        if weekly is None:
            return []
        today, due = weekly
        last_day = ws.cohort_start + timedelta(days=self.core.curriculum.total_days - 1)
        # Last week's board: only once the first week is over, and not after the path ended.
        if not ws.cohort_start + timedelta(days=7) <= today <= last_day + timedelta(days=7):
            return []
        target = Target.channel(ws.leaderboard_channel)
        if not self._wanted(MessageKind.LEADERBOARD, target, today, due):
            return []
        reply = await last_week_leaderboard(self.db, self.core, ws)
        return [self._message(MessageKind.LEADERBOARD, target, today, self.zone, due, reply)]

    async def _anything_new_for_members(self) -> bool:
        """A cheap pre-check, so the full due-member scan runs only when it can find something."""
        rows = await self.db.execute(
            select(
                Member.user_id,
                Member.timezone,
                Member.reminder_time,
                Member.snooze_date,
                Member.snoozed_until,
            ).where(*dm_recipients(self.workspace.id))
        )
        for user_id, timezone, reminder, snooze_date, snoozed_until in rows.all():
            zone = ZoneInfo(timezone)
            today = self.now.astimezone(zone).date()
            target = Target.user(user_id)
            snoozed = snoozed_until if snooze_date == today else None
            if snoozed is not None and self._wanted(
                MessageKind.SNOOZED_REMINDER, target, today, snoozed
            ):
                return True
            walls = [(MessageKind.REMINDER, reminder)]
            nudge_time = self.workspace.nudge_time or self.config.nudge_time
            if nudge_time is not None:
                walls.append((MessageKind.NUDGE, nudge_time))
            for kind, wall in walls:
                if self._wanted(kind, target, today, localtime.resolve(today, wall, zone)):
                    return True
        return False

    async def reminders_and_nudges(self) -> list[NewMessage]:
        messages: list[NewMessage] = []
        if not await self._anything_new_for_members():
            return messages
        for member in await members_due_reminder(self.db, self.core, self.workspace.id):
            zone = ZoneInfo(member.timezone)
            target = Target.user(member.user_id)
            due = localtime.resolve(member.local_date, member.reminder_time, zone)
            if self._wanted(MessageKind.REMINDER, target, member.local_date, due):
                reply = await self._reminder(member)
                messages.append(
                    self._message(MessageKind.REMINDER, target, member.local_date, zone, due, reply)
                )
            snoozed = member.snoozed_until
            kind = MessageKind.SNOOZED_REMINDER
            if snoozed is not None and self._wanted(kind, target, member.local_date, snoozed):
                reply = await self._reminder(member)
                messages.append(
                    self._message(kind, target, member.local_date, zone, snoozed, reply)
                )
            nudge_time = self.workspace.nudge_time or self.config.nudge_time
            if nudge_time is None or not member.nudges:
                continue
            nudge_due = localtime.resolve(member.local_date, nudge_time, zone)
            if self._wanted(MessageKind.NUDGE, target, member.local_date, nudge_due):
                reply = Reply(
                    title=f"Still time today, {member.display_name}",
                    lines=[
                        "No check-in yet today. Even 20 minutes keeps the streak.",
                        CHECKIN_HINT,
                    ],
                    actions=checkin_actions_for(self.workspace.external_id),
                )
                messages.append(
                    self._message(
                        MessageKind.NUDGE, target, member.local_date, zone, nudge_due, reply
                    )
                )
        return messages

    async def _reminder(self, member: DueMember) -> Reply:
        day = await reminder_day(self.db, self.core, member.member_id) or Reply(title="Today")
        return Reply(
            title=f"Hi {member.display_name}, your plan for today",
            lines=[day.title, *day.lines, CHECKIN_HINT],
            fields=day.fields,
            actions=[
                *checkin_actions_for(self.workspace.external_id),
                later_action(self.workspace.external_id),
            ],
        )

    async def weekly_summaries(self) -> list[NewMessage]:
        # Local dates run from UTC-12 to UTC+14: skip the member scan on days no zone is in.
        local_days = {(self.now + timedelta(hours=hours)).date() for hours in (-12, 14)}
        if all(day.weekday() != self.config.weekly_weekday for day in local_days):
            return []
        members = await self.db.scalars(
            select(Member)
            .where(*dm_recipients(self.workspace.id))
            .options(selectinload(Member.pauses))
        )
        messages = []
        for member in members:
            zone = ZoneInfo(member.timezone)
            weekly = self._weekly_due(zone)
            if weekly is None:
                continue
            today, due = weekly
            target = Target.user(member.user_id)
            if not self._wanted(MessageKind.WEEKLY_SUMMARY, target, today, due):
                continue
            calendar = calendar_for(member, self.core.curriculum, today)
            # A week to sum up: the member's first week is over and last week was on the path.
            if calendar.locate(today - timedelta(days=7))[0] in (
                DayStatus.NOT_STARTED,
                DayStatus.COMPLETE,
            ):
                continue
            # The summary reviews the week just ended: ask as of yesterday (its Sunday),
            # so hours, streak and "next week" are last week's and this week's.
            yesterday = replace(self.core, clock=FakeClock(self.now - timedelta(days=1)))
            reply = await weekly_summary(self.db, yesterday, member.id)
            if reply is not None:
                messages.append(
                    self._message(MessageKind.WEEKLY_SUMMARY, target, today, zone, due, reply)
                )
        return messages
