"""The scheduler's messages about the cohort as a whole, beside the daily ones in
`jobs.py`: this week's buddies, the day's milestones, the organisers' weekly digest.

Built on `planning.PlannerBase` (the instant, the workspace, the helpers); `jobs._Planner`
adds the daily messages.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from bot.scheduling import localtime
from bot.scheduling.outbox import MessageKind, NewMessage
from bot.scheduling.planning import PlannerBase
from bot.scheduling.senders import Target
from bot.services import buddies, celebrations
from bot.services.at_risk import digest_reply
from bot.services.timeline import cohort_week
from bot.storage.models import Celebration, Member, MemberStatus, WorkspaceAdmin


class CohortMessages(PlannerBase):
    """Buddies, milestones and the organisers' digest of one workspace at one instant."""

    async def buddies(self) -> list[NewMessage]:
        """Mondays with the leaderboard: this week's buddies paired and introduced."""
        ws = self.workspace
        weekly = self._weekly_due(self.zone)
        if weekly is None or weekly[1] > self.now:
            return []
        today, due = weekly
        monday = today - timedelta(days=today.weekday())
        groups = await buddies.pair_week(self.db, self.core, ws, monday)
        path_week = cohort_week(self.core.curriculum, ws, today)
        messages = []
        for group in groups:
            ids = [buddy.user_id for buddy in group]
            # Slack opens a conversation of the group with the bot; elsewhere, a DM each.
            targets = (
                [Target.group(ids)] if ws.platform == "slack" else [Target.user(i) for i in ids]
            )
            wanted = [t for t in targets if self._wanted(MessageKind.BUDDY_INTRO, t, today, due)]
            if wanted:
                reply = buddies.introduction(self.core, group, monday, path_week)
                messages += [
                    self._message(MessageKind.BUDDY_INTRO, t, today, self.zone, due, reply)
                    for t in wanted
                ]
        return messages

    async def celebrations(self) -> list[NewMessage]:
        """The day's milestones, once, in the daily channel at 20:00 (workspace time)."""
        ws = self.workspace
        if ws.daily_channel is None:
            return []
        target = Target.channel(ws.daily_channel)
        due = localtime.resolve(self.today, celebrations.POST_TIME, self.zone)
        if not self._wanted(MessageKind.CELEBRATIONS, target, self.today, due):
            return []
        rows = await self.db.execute(
            select(Celebration.id, Member.display_name, Celebration.text)
            .join(Member, Member.id == Celebration.member_id)
            .where(
                Celebration.workspace_id == ws.id,
                Celebration.posted.is_(False),
                Celebration.local_date <= self.today,
                Member.celebrate.is_(True),
                Member.status == MemberStatus.ACTIVE.value,
            )
            .order_by(Celebration.local_date, Celebration.id)
        )
        found = rows.all()
        if not found:
            return []
        # Marked in the transaction that queues the post: both happen, or neither.
        await self.db.execute(
            update(Celebration)
            .where(Celebration.id.in_([row[0] for row in found]))
            .values(posted=True)
            .execution_options(synchronize_session=False)
        )
        reply = celebrations.post(self.today, [(name, text) for _, name, text in found])
        return [self._message(MessageKind.CELEBRATIONS, target, self.today, self.zone, due, reply)]

    async def organiser_digest(self) -> list[NewMessage]:
        """Weekly, with the leaderboard: to the digest channel, or each listed admin's DMs."""
        ws = self.workspace
        weekly = self._weekly_due(self.zone)
        if not ws.digest_on or ws.cohort_start is None or weekly is None:
            return []
        today, due = weekly
        if today < ws.cohort_start + timedelta(days=7):
            return []  # nothing to say before the cohort's first week is over
        if ws.digest_channel is not None:
            targets = [Target.channel(ws.digest_channel)]
        else:
            admins = await self.db.scalars(
                select(WorkspaceAdmin.user_id).where(WorkspaceAdmin.workspace_id == ws.id)
            )
            targets = [Target.user(user_id) for user_id in sorted(admins)]
        wanted = [t for t in targets if self._wanted(MessageKind.ORGANISER_DIGEST, t, today, due)]
        if not wanted:
            return []
        reply = await digest_reply(self.db, self.core, ws)
        return [
            self._message(MessageKind.ORGANISER_DIGEST, target, today, self.zone, due, reply)
            for target in wanted
        ]
