"""What a new server's admin sees: the welcome when the bot arrives, and /setup.

/setup is a checklist of what the daily post, the reminders and the leaderboard need,
each missing item naming the command that fixes it. Whether the bot may post in a
channel is the platform's to say: the adapter gives the dispatcher a `ChannelAccess`
(Discord answers from the gateway's view of the server); without one the checklist
says it could not check.
"""

from __future__ import annotations

from typing import Protocol

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.replies import Reply
from bot.storage.models import Member, Workspace
from bot.storage.models.people import MemberStatus

DONE, TODO = "✅", "❌"
#: When the daily plan goes out if no admin chose (bot.scheduling.jobs.ScheduleConfig).
DEFAULT_POST_TIME = "08:00"


class ChannelAccess(Protocol):
    """Why the bot cannot post in a channel of a workspace, or None when it can."""

    async def __call__(self, workspace_id: str, channel_id: str) -> str | None: ...


def welcome() -> Reply:
    """Posted once in a server the bot has just joined (Discord's system channel)."""
    return Reply(
        title="Hello! I'm pathbot, your cohort's study companion",
        lines=[
            "Every day I post the path's tasks here, remind each member at their own time, "
            "collect check-ins and hours, and post a weekly leaderboard. Ask me what to read "
            "with /ask.",
            "**Set me up in three steps** (admins):",
            "1. /set-channel daily in the channel for the daily plan "
            "(and /set-channel leaderboard where the board goes)",
            "2. /cohort-start with the date your cohort begins, and /workspace-tz",
            "3. Members run /join; /setup shows what is still missing",
        ],
        ephemeral=False,
    )


async def checklist(db: AsyncSession, workspace: Workspace, access: ChannelAccess | None) -> Reply:
    lines = [
        await _channel_line(
            "Daily post channel", workspace, workspace.daily_channel, "daily", access
        ),
        await _channel_line(
            "Leaderboard channel", workspace, workspace.leaderboard_channel, "leaderboard", access
        ),
    ]
    if workspace.daily_post_time is None:
        lines.append(f"{DONE} Post time: {DEFAULT_POST_TIME} (the default; /post-time to change)")
    else:
        lines.append(f"{DONE} Post time: {workspace.daily_post_time:%H:%M} (/post-time)")
    if workspace.timezone == "UTC":
        lines.append(f"{TODO} Time zone: UTC, the default. Set yours: /workspace-tz Europe/Berlin")
    else:
        lines.append(f"{DONE} Time zone: {workspace.timezone} (/workspace-tz)")
    if workspace.cohort_start is None:
        lines.append(f"{TODO} Cohort start: not set. /cohort-start 2027-01-04")
    else:
        lines.append(f"{DONE} Cohort start: {workspace.cohort_start:%A %Y-%m-%d} (/cohort-start)")
    joined = await db.scalar(
        select(func.count())
        .select_from(Member)
        .where(Member.workspace_id == workspace.id, Member.status != MemberStatus.LEFT.value)
    )
    if joined:
        lines.append(f"{DONE} Members: {joined} joined")
    else:
        lines.append(f"{TODO} Members: nobody yet. Ask everyone to run /join")
    missing = sum(line.startswith(TODO) for line in lines)
    title = "Setup: all done" if not missing else f"Setup: {missing} thing(s) to do"
    return Reply(title=title, lines=lines)


async def _channel_line(
    label: str,
    workspace: Workspace,
    channel: str | None,
    which: str,
    access: ChannelAccess | None,
) -> str:
    if channel is None:
        return f"{TODO} {label}: not set. Run /set-channel {which} in that channel"
    if access is None:
        return f"{DONE} {label}: <#{channel}> (whether I can post there is not checked here)"
    problem = await access(workspace.external_id, channel)
    if problem is not None:
        return f"{TODO} {label}: <#{channel}>, but {problem}. Fix it, or /set-channel {which}"
    return f"{DONE} {label}: <#{channel}> (I can post there)"
