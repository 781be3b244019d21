"""Who is slipping, said to organisers: /at-risk, /at-risk-rules, /digest and the weekly
organiser digest (the members themselves are found by bot.services.slipping)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.replies import Reply
from bot.services.context import Core, UserError
from bot.services.slipping import SlippingList, slipping
from bot.storage.models import Member, MemberStatus, Workspace

#: Lines a reply lists before "… and N more" (a chat message has room for a page).
SHOWN = 20
MAX_BEHIND_HOURS = 100
MAX_SILENT_DAYS = 30


def _lines(found: SlippingList) -> list[str]:
    lines = [
        f"{person.name}: {'; '.join(person.reasons)} "
        f"(last active {person.last_active.isoformat() if person.last_active else 'never'})"
        for person in found.people
    ]
    if found.total > len(found.people):
        lines.append(f"… and {found.total - len(found.people)} more: the dashboard lists everyone")
    return lines


async def at_risk_reply(db: AsyncSession, core: Core, workspace: Workspace) -> Reply:
    found = await slipping(db, core, workspace, SHOWN)
    rules = (
        f"Behind by {workspace.risk_behind_hours}h or more, silent {workspace.risk_silent_days} "
        "days, blocked, or a long streak ending tonight (/at-risk-rules to change)."
    )
    if not found.total:
        return Reply(title="Nobody is slipping", lines=[rules])
    return Reply(title=f"{found.total} member(s) slipping", lines=[*_lines(found), rules])


def set_rules(workspace: Workspace, behind_minutes: int, silent_days: int) -> Reply:
    if not 60 <= behind_minutes <= MAX_BEHIND_HOURS * 60 or behind_minutes % 60:
        raise UserError(
            f"Hours behind go in whole hours from 1h to {MAX_BEHIND_HOURS}h",
            "For example: /at-risk-rules 5h 3",
        )
    if not 1 <= silent_days <= MAX_SILENT_DAYS:
        raise UserError(f"Silent days go from 1 to {MAX_SILENT_DAYS}")
    workspace.risk_behind_hours = behind_minutes // 60
    workspace.risk_silent_days = silent_days
    return Reply(
        title="Slipping rules set",
        lines=[
            f"A member is listed when {workspace.risk_behind_hours}h or more behind the plan, "
            f"or silent for {silent_days} days, or blocked, or about to lose a long streak."
        ],
    )


def set_digest(workspace: Workspace, where: str, channel: str | None) -> Reply:
    """/digest dm|channel [CHANNEL]|off: where the weekly organiser digest goes."""
    if where == "off":
        workspace.digest_on = False
        return Reply(title="Weekly digest off", lines=["Turn it on again: /digest dm"])
    workspace.digest_on = True
    if where == "dm":
        workspace.digest_channel = None
        return Reply(
            title="Weekly digest by DM",
            lines=["Every listed admin (/admin-add) gets it in a direct message."],
        )
    if channel is None:
        raise UserError("Pick the channel: /digest channel #organisers")
    workspace.digest_channel = channel
    return Reply(title="Weekly digest to a channel", lines=[f"It goes to <#{channel}>."])


async def members_by_status(db: AsyncSession, workspace: Workspace) -> dict[str, int]:
    """How many members are active, paused and left (every status, zeros included)."""
    counts = await db.execute(
        select(Member.status, func.count())
        .where(Member.workspace_id == workspace.id)
        .group_by(Member.status)
    )
    return {status.value: 0 for status in MemberStatus} | {s: int(n) for s, n in counts.all()}


async def digest_reply(db: AsyncSession, core: Core, workspace: Workspace) -> Reply:
    """The weekly organiser digest: the cohort in numbers and who is slipping."""
    found = await slipping(db, core, workspace, SHOWN)
    by_status = await members_by_status(db, workspace)
    cohort = (
        f"{by_status[MemberStatus.ACTIVE.value]} active, "
        f"{by_status[MemberStatus.PAUSED.value]} paused, "
        f"{by_status[MemberStatus.LEFT.value]} left."
    )
    lines = [cohort]
    if found.total:
        lines += [f"{found.total} slipping:", *_lines(found)]
    else:
        lines.append("Nobody is slipping this week.")
    return Reply(
        title=f"Organiser digest ({core.local_today(workspace.timezone):%A %Y-%m-%d})",
        lines=lines,
        ephemeral=False,
    )
