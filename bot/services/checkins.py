"""Daily check-ins: done, partial or blocked; checking in again the same day updates it."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.replies import ActionStyle, Reply, ReplyAction
from bot.services import last_active, streak_memo
from bot.services.context import Core, UserError
from bot.services.members import require_active
from bot.services.text_rules import accept_note
from bot.storage.models import CheckIn, Member
from bot.text import neutralize_mentions


class CheckInStatus(StrEnum):
    DONE = "done"
    PARTIAL = "partial"
    BLOCKED = "blocked"


_REPLIES = {
    CheckInStatus.DONE: "Nice work today!",
    CheckInStatus.PARTIAL: "Some progress beats none: see you tomorrow.",
    CheckInStatus.BLOCKED: "Being stuck is part of it: /ask or your cohort can help.",
}


#: One-tap check-in buttons, offered with /today and the daily reminder.
CHECKIN_ACTIONS = (
    ReplyAction(label="Done ✅", command="/checkin done", style=ActionStyle.SUCCESS),
    ReplyAction(label="Partly", command="/checkin partial"),
    ReplyAction(label="Blocked", command="/checkin blocked"),
)


def checkin_actions_for(workspace_external_id: str) -> list[ReplyAction]:
    """The check-in buttons pinned to one workspace.

    A reminder is a DM, and a click in a Discord DM carries no guild: the pin makes
    it check the member in where the reminder came from.
    """
    return [
        action.model_copy(update={"workspace": workspace_external_id}) for action in CHECKIN_ACTIONS
    ]


def parse_status(text: str) -> CheckInStatus:
    try:
        return CheckInStatus(text.strip().lower())
    except ValueError:
        raise UserError(
            f"{text!r} isn't a check-in status", "Use done, partial or blocked."
        ) from None


async def checked_in(db: AsyncSession, member_id: int, day: date) -> CheckIn | None:
    return await db.scalar(
        select(CheckIn).where(CheckIn.member_id == member_id).where(CheckIn.local_date == day)
    )


async def check_in(
    db: AsyncSession, core: Core, member: Member, status: CheckInStatus, note: str | None
) -> Reply:
    require_active(member)
    note = accept_note(note)
    today = core.local_today(member.timezone)
    row = await checked_in(db, member.id, today)
    updated = row is not None
    if row is None:
        row = CheckIn(member_id=member.id, local_date=today)
        db.add(row)
    row.status = status.value
    row.note = note
    row.updated_at = core.clock.now()
    await last_active.touch(db, member, today)
    await streak_memo.refresh(db, core, member)
    lines = [_REPLIES[status]]
    if note:
        lines.append(f"Note: {neutralize_mentions(note)}")
    title = "Check-in updated" if updated else "Checked in"
    return Reply(title=f"{title}: {status.value} ({today.isoformat()})", lines=lines)
