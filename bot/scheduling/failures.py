"""When a message can never be delivered, someone is told and nothing repeats it.

The delivery worker calls `act_on` in the transaction that marks the row dead:

- DMs closed: the member's reminders go off (`dm_off_reason`), their other pending
  DMs are cancelled, and their next command tells them, once, how to turn them on;
- a channel gone or not writable: the setting that named it is cleared, so no job
  queues the same doomed post tomorrow; the error shows in /workspace; the admins
  on the workspace's list get a DM, and the next admin command carries the line;
- the bot removed or uninstalled: the workspace goes inactive and its pending rows
  are cancelled; nothing is queued for it until it is back.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.replies import Reply
from bot.scheduling.outbox import MessageKind, NewMessage, enqueue
from bot.scheduling.senders import Failure, PermanentError, Target, TargetKind
from bot.services import member_messages
from bot.services.workspaces import mark_inactive
from bot.storage.models import Member, Workspace
from bot.storage.outbox import OutboxMessage, delivery_note

log = logging.getLogger(__name__)

_WHICH = {"daily_channel": "daily", "leaderboard_channel": "leaderboard"}


async def act_on(
    session: AsyncSession, row: OutboxMessage, error: PermanentError, now: datetime
) -> None:
    workspace = await session.get(Workspace, row.workspace_id)
    if workspace is None:
        return
    target = Target.parse(row.target)
    failure = error.failure
    if failure is Failure.DM_CLOSED and target.kind is TargetKind.USER:
        await _dms_closed(session, workspace, target.id, str(error))
    elif failure is Failure.CHANNEL_GONE and target.kind is TargetKind.CHANNEL:
        await _channel_gone(session, workspace, row, target.id, str(error), now)
    elif failure is Failure.REMOVED:
        await _removed(session, workspace, str(error), now)
    else:
        workspace.last_delivery_error = delivery_note(now, f"a {row.kind} to {row.target}: {error}")


async def _dms_closed(
    session: AsyncSession, workspace: Workspace, user_id: str, reason: str
) -> None:
    member = await session.scalar(
        select(Member).where(Member.workspace_id == workspace.id, Member.user_id == user_id)
    )
    if member is None or member.dm_off_reason is not None:
        return
    member.dm_off_reason = f"I couldn't DM you ({reason})"
    member.dm_off_told = False
    await member_messages.cancel_pending(session, member)
    log.warning(
        "reminders off for a member of %s:%s: their DMs are closed",
        workspace.platform,
        workspace.external_id,
    )


async def _channel_gone(
    session: AsyncSession,
    workspace: Workspace,
    row: OutboxMessage,
    channel_id: str,
    reason: str,
    now: datetime,
) -> None:
    cleared = []
    for column, which in _WHICH.items():
        if getattr(workspace, column) == channel_id:
            setattr(workspace, column, None)
            cleared.append(which)
    settings = " and ".join(cleared) or "that"
    fix = " / ".join(f"/set-channel {which}" for which in cleared) or "/set-channel"
    notice = (
        f"The {settings} channel ({channel_id}) refused the {row.kind.replace('_', ' ')} "
        f"({reason}), so I stopped posting there. Pick a channel I can post in with {fix}."
    )
    workspace.last_delivery_error = delivery_note(now, notice)
    workspace.admin_notice = notice
    log.warning(
        "%s:%s: %s channel cleared after a permanent failure",
        workspace.platform,
        workspace.external_id,
        settings,
    )
    await session.refresh(workspace, ["admins"])
    admins = [admin.user_id for admin in workspace.admins]
    if admins:
        reply = Reply(title="pathbot could not post", lines=[notice], ephemeral=False)
        await enqueue(
            session,
            [
                NewMessage(
                    kind=MessageKind.ADMIN_NOTICE,
                    workspace_id=workspace.id,
                    platform=workspace.platform,
                    target=Target.user(admin),
                    local_date=now.date(),
                    local_time=f"{now:%Y-%m-%d %H:%M} UTC",
                    reply=reply,
                    due_at=now,
                    expires_at=now + timedelta(days=2),
                )
                for admin in admins
            ],
            now,
        )


async def _removed(session: AsyncSession, workspace: Workspace, reason: str, now: datetime) -> None:
    await mark_inactive(session, workspace, f"the bot was removed or uninstalled ({reason})", now)
