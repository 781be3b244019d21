"""The outbox rows that concern one member: cancelled when they pause or leave,
gone or rewritten when they are forgotten, listed when they export.

A row concerns a member when it is addressed to them (a reminder, a nudge, a weekly
summary: `target` is their DMs) or names them (a leaderboard, a buddy introduction,
the day's milestones, the organisers' digest).
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import FakeClock
from bot.replies import LeaderboardCard, Reply, ReplyField
from bot.services.context import Core
from bot.services.reminders import last_week_leaderboard
from bot.storage.models import Member, Workspace
from bot.storage.outbox import MessageKind, OutboxMessage, OutboxStatus, user_target
from bot.storage.outbox import cancel_pending as cancel
from bot.text import neutralize_mentions

#: What a forgotten member's name becomes in a message to others that names them.
FORGOTTEN = "(a former member)"
#: Messages to others that can name a member: a queued leaderboard is drawn again
#: without them; every other copy (and every sent one) loses their name.
NAMING_OTHERS = (
    MessageKind.LEADERBOARD,
    MessageKind.BUDDY_INTRO,
    MessageKind.CELEBRATIONS,
    MessageKind.ORGANISER_DIGEST,
)


def _to_member(workspace_id: int, member: Member) -> Any:
    return (OutboxMessage.workspace_id == workspace_id) & (
        OutboxMessage.target == user_target(member.user_id)
    )


async def cancel_pending(db: AsyncSession, member: Member) -> int:
    """Pending messages to the member will not go out (they paused or left)."""
    return await cancel(db, _to_member(member.workspace_id, member))


async def pending_for(db: AsyncSession, member: Member) -> list[dict[str, Any]]:
    """The messages still waiting to reach the member, for /export."""
    rows = await db.scalars(
        select(OutboxMessage)
        .where(_to_member(member.workspace_id, member))
        .where(OutboxMessage.status == OutboxStatus.PENDING.value)
        .order_by(OutboxMessage.due_at, OutboxMessage.id)
    )
    return [
        {
            "kind": row.kind,
            "due": row.local_time,
            "message": json.loads(row.body),
        }
        for row in rows
    ]


async def forget_messages(
    db: AsyncSession, core: Core, workspace: Workspace, member: Member
) -> None:
    """Delete every row addressed to the member and take them out of every leaderboard.

    Call after the member row is deleted: a queued leaderboard is drawn again from the
    database as it now stands (as of its own due time), so they are simply not on it.
    One already posted cannot be unsent; its stored copy loses their name.
    """
    await db.execute(
        delete(OutboxMessage)
        .where(_to_member(workspace.id, member))
        .execution_options(synchronize_session=False)
    )
    # A group conversation's address names each member in it (a Slack buddy group DM).
    groups = await db.scalars(
        select(OutboxMessage).where(
            OutboxMessage.workspace_id == workspace.id,
            OutboxMessage.target.like("group:%"),
        )
    )
    for row in groups:
        if member.user_id in row.target.removeprefix("group:").split(","):
            await db.delete(row)
    boards = await db.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.workspace_id == workspace.id)
        .where(OutboxMessage.kind.in_([kind.value for kind in NAMING_OTHERS]))
    )
    # As the leaderboard wrote it (mentions neutralised) and as typed.
    names = {member.display_name, neutralize_mentions(member.display_name)}
    for row in boards:
        if not any(name in row.body for name in names):
            continue
        if row.kind == MessageKind.LEADERBOARD.value and row.status == OutboxStatus.PENDING.value:
            as_then = replace(core, clock=FakeClock(row.due_at))
            row.body = (await last_week_leaderboard(db, as_then, workspace)).model_dump_json()
        else:
            row.body = _redact(Reply.model_validate_json(row.body), names).model_dump_json()


def _redact(reply: Reply, names: set[str]) -> Reply:
    def clean(text: str) -> str:
        for name in sorted(names, key=len, reverse=True):
            text = text.replace(name, FORGOTTEN)
        return text

    card = reply.card
    if isinstance(card, LeaderboardCard):
        rows = [row.model_copy(update={"name": clean(row.name)}) for row in card.rows]
        card = card.model_copy(update={"rows": rows})
    return reply.model_copy(
        update={
            "title": clean(reply.title),
            "lines": [clean(line) for line in reply.lines],
            "fields": [
                ReplyField(name=clean(f.name), value=clean(f.value), inline=f.inline)
                for f in reply.fields
            ],
            # The card's rows too: its picture is drawn from them when shown again.
            "card": card,
        }
    )
