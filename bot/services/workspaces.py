"""Workspaces: found or created on first contact, and their admins' settings."""

from __future__ import annotations

import logging
from datetime import date, datetime, time

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from bot.caller import Caller, Platform
from bot.replies import Reply, ReplyField
from bot.services import streak_memo
from bot.services.context import Core, UserError
from bot.services.progress import days_text
from bot.storage.atomic import upsert
from bot.storage.models import Workspace, WorkspaceAdmin
from bot.storage.outbox import OutboxMessage, cancel_pending, delivery_note

log = logging.getLogger(__name__)

MAX_FREEZES_PER_WEEK = 7


async def find_workspace(db: AsyncSession, caller: Caller) -> Workspace | None:
    # One round trip with the (short) admin list joined: every command starts here.
    result = await db.execute(
        select(Workspace)
        .where(Workspace.platform == caller.platform.value)
        .where(Workspace.external_id == caller.workspace_id)
        .options(joinedload(Workspace.admins))
    )
    return result.unique().scalar_one_or_none()


async def ensure_workspace(db: AsyncSession, core: Core, caller: Caller) -> Workspace:
    """The caller's workspace, created on first contact.

    Five people's first commands in a new workspace arrive together: the insert skips
    a row another transaction made (waiting for it to commit on PostgreSQL), so every
    one of them finds the same single row.
    """
    workspace = await find_workspace(db, caller)
    if workspace is not None:
        return workspace
    await db.execute(
        upsert(db, Workspace)
        .values(
            platform=caller.platform.value,
            external_id=caller.workspace_id,
            timezone=core.default_timezone,
            streak_freezes_per_week=1,
            created_at=core.clock.now(),
        )
        .on_conflict_do_nothing(index_elements=["platform", "external_id"])
    )
    workspace = await find_workspace(db, caller)
    assert workspace is not None  # inserted above, or by the transaction it waited for
    return workspace


def is_admin(workspace: Workspace | None, caller: Caller) -> bool:
    if caller.is_platform_admin:
        return True
    return workspace is not None and any(a.user_id == caller.user_id for a in workspace.admins)


def describe(workspace: Workspace) -> Reply:
    admins = ", ".join(sorted(a.user_id for a in workspace.admins)) or "(platform admins only)"
    return Reply(
        title="Workspace settings",
        fields=[
            ReplyField(name="Time zone", value=workspace.timezone),
            ReplyField(name="Cohort start", value=_or_unset(workspace.cohort_start)),
            ReplyField(name="Daily post channel", value=workspace.daily_channel or "(not set)"),
            ReplyField(name="Daily post time", value=_or_unset(workspace.daily_post_time)),
            ReplyField(name="Daily thread", value="on" if workspace.daily_thread else "off"),
            ReplyField(
                name="Leaderboard channel", value=workspace.leaderboard_channel or "(not set)"
            ),
            ReplyField(
                name="Streak freezes per week", value=str(workspace.streak_freezes_per_week)
            ),
            ReplyField(name="Admins", value=admins, inline=False),
            ReplyField(
                name="Last delivery problem",
                value=workspace.last_delivery_error or "none",
                inline=False,
            ),
        ],
    )


def _or_unset(value: date | time | None) -> str:
    if value is None:
        return "(not set)"
    return value.strftime("%H:%M") if isinstance(value, time) else value.isoformat()


def set_channel(workspace: Workspace, which: str, channel: str | None) -> Reply:
    if not channel:
        raise UserError(
            "Tell me which channel (or run this in the channel itself)",
            "e.g. /set-channel daily #study-plan (type # and pick the channel)",
        )
    if which == "daily":
        workspace.daily_channel = channel
    elif which == "leaderboard":
        workspace.leaderboard_channel = channel
    else:
        raise UserError(f"There is no {which!r} channel: use daily or leaderboard")
    # <#id> shows as the channel's name on both platforms, and never pings.
    return Reply(title="Channel set", lines=[f"The {which} channel is now <#{channel}>."])


def set_daily_thread(workspace: Workspace, on: bool) -> Reply:
    workspace.daily_thread = on
    if on:
        said = "Each daily post gets a thread for that day's discussion (on Discord)."
    else:
        said = "Daily posts no longer get a thread."
    return Reply(title="Daily thread " + ("on" if on else "off"), lines=[said])


def set_post_time(workspace: Workspace, when: time) -> Reply:
    workspace.daily_post_time = when
    return Reply(
        title="Daily post time set",
        lines=[f"The day's plan is posted at {when:%H:%M} ({workspace.timezone})."],
    )


def set_cohort_start(workspace: Workspace, start: date) -> Reply:
    workspace.cohort_start = start
    return Reply(
        title="Cohort start set",
        lines=[f"New members start on {start:%A %Y-%m-%d} unless they choose a date."],
    )


def set_timezone(workspace: Workspace, timezone: str) -> Reply:
    workspace.timezone = timezone
    return Reply(title="Workspace time zone set", lines=[f"The workspace now runs on {timezone}."])


async def set_freezes(db: AsyncSession, workspace: Workspace, count: int) -> Reply:
    if not 0 <= count <= MAX_FREEZES_PER_WEEK:
        raise UserError(f"Streak freezes per week go from 0 to {MAX_FREEZES_PER_WEEK}")
    if count != workspace.streak_freezes_per_week:
        # Every past streak is counted again with the new allowance.
        await streak_memo.forget_workspace(db, workspace.id)
    workspace.streak_freezes_per_week = count
    return Reply(
        title="Streak freezes set",
        lines=[
            "A missed day now breaks a streak at once."
            if count == 0
            else f"Each member may now miss {days_text(count)} "
            "per path week without losing their streak."
        ],
    )


async def add_admin(db: AsyncSession, workspace: Workspace, user_id: str) -> Reply:
    if any(a.user_id == user_id for a in workspace.admins):
        return Reply(title="Already an admin", lines=[f"{user_id} is already an admin."])
    workspace.admins.append(WorkspaceAdmin(user_id=user_id))
    await db.flush()
    return Reply(title="Admin added", lines=[f"{user_id} is now an admin of this workspace."])


async def remove_admin(db: AsyncSession, workspace: Workspace, user_id: str) -> Reply:
    if not any(a.user_id == user_id for a in workspace.admins):
        raise UserError(f"{user_id} is not on this workspace's admin list")
    await db.execute(
        delete(WorkspaceAdmin)
        .where(WorkspaceAdmin.workspace_id == workspace.id)
        .where(WorkspaceAdmin.user_id == user_id)
    )
    await db.refresh(workspace, ["admins"])
    # Their dashboard session goes with them (and, the session being the workspace's
    # generation, everyone else's: the other organisers ask the bot again).
    workspace.dashboard_generation += 1
    return Reply(
        title="Admin removed",
        lines=[
            f"{user_id} is no longer an admin here.",
            "Everyone was signed out of the web dashboard: ask the bot again with /dashboard.",
        ],
    )


async def mark_inactive(db: AsyncSession, workspace: Workspace, reason: str, now: datetime) -> None:
    """The bot is gone from this workspace: cancel its queue, queue nothing more.

    It comes back on its own: the next command from there makes it active again.
    """
    if not workspace.active:
        return
    workspace.active = False
    workspace.last_delivery_error = delivery_note(now, reason)
    await cancel_pending(db, OutboxMessage.workspace_id == workspace.id)
    log.warning("%s:%s is inactive: %s", workspace.platform, workspace.external_id, reason)


async def workspace_gone(
    db: AsyncSession, platform: Platform, external_id: str, reason: str, now: datetime
) -> bool:
    """The platform says the bot left (guild removed, app uninstalled); True if known."""
    workspace = await db.scalar(
        select(Workspace).where(
            Workspace.platform == platform.value, Workspace.external_id == external_id
        )
    )
    if workspace is None:
        return False
    await mark_inactive(db, workspace, reason, now)
    return True


async def workspace_back(db: AsyncSession, platform: Platform, external_id: str) -> None:
    """The bot was added (again) to a workspace: one that was inactive is active again."""
    workspace = await db.scalar(
        select(Workspace).where(
            Workspace.platform == platform.value, Workspace.external_id == external_id
        )
    )
    if workspace is not None and not workspace.active:
        workspace.active = True
        log.info("%s:%s is active again: the bot was added back", platform.value, external_id)
