"""Lines a reply carries once, because a delivery failed for good.

A member whose DMs are closed learns it on their next command (and how to turn
reminders back on); an admin learns of a channel the bot cannot post in on their
next admin command. "Once" holds when two commands arrive together: each notice
is claimed by a conditional UPDATE, which only one transaction can win.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.replies import Reply
from bot.storage.models import Member, Workspace

REMINDERS_ON_HINT = "run /settings reminders on"


async def with_notices(
    db: AsyncSession,
    reply: Reply,
    workspace: Workspace,
    member: Member | None,
    *,
    admin_command: bool,
) -> Reply:
    lines: list[str] = []
    if member is not None and member.dm_off_reason is not None and not member.dm_off_told:
        claimed = await db.execute(
            update(Member)
            .where(Member.id == member.id, Member.dm_off_told.is_(False))
            .values(dm_off_told=True)
            .returning(Member.dm_off_reason)
            .execution_options(synchronize_session=False)
        )
        reason = claimed.scalar_one_or_none()
        if reason is not None:
            lines.append(
                f"Heads up: {reason}, so your daily reminders are off. "
                f"Allow direct messages from me (or unblock me), then {REMINDERS_ON_HINT}."
            )
    if admin_command and workspace.admin_notice:
        claimed = await db.execute(
            update(Workspace)
            .where(Workspace.id == workspace.id, Workspace.admin_notice.is_not(None))
            .values(admin_notice=None)
            .returning(Workspace.id)
            .execution_options(synchronize_session=False)
        )
        if claimed.scalar_one_or_none() is not None:
            lines.append(f"Heads up: {workspace.admin_notice}")
    if not lines:
        return reply
    return reply.model_copy(update={"lines": [*reply.lines, *lines]})
