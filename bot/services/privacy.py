"""Export everything about a member (JSON) and forget them entirely."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.replies import Attachment, Reply
from bot.services.context import Core
from bot.services.member_messages import forget_messages, pending_for
from bot.services.progress import counted
from bot.storage.models import (
    BuddyGroup,
    Celebration,
    CheckIn,
    DmChannel,
    FinishedExercise,
    HourLog,
    KnownPerson,
    Member,
    WeeklyTotal,
    Workspace,
    WorkspaceAdmin,
)

CONFIRM_WORD = "confirm"

#: Every table holding something about a member, and the /export section showing it.
#: A test compares this with the schema, so a new table cannot be forgotten.
MEMBER_DATA = {
    "members": "member",
    "pauses": "pauses",
    "checkins": "checkins",
    "hour_logs": "hour_logs",
    "weekly_totals": "weekly_totals",
    "finished_exercises": "finished_exercises",
    "workspace_admins": "admin",
    "outbox": "pending_messages",
    "dm_channels": "dm_channel",
    "known_people": "platform_profile",
    "celebrations": "celebrations",
    "buddy_groups": "buddies",
}
#: Tables that never name a member.
NOT_ABOUT_MEMBERS = frozenset({"workspaces", "seen_requests", "slack_installations"})


async def export(db: AsyncSession, core: Core, workspace: Workspace, member: Member) -> Reply:
    checkins = await db.scalars(
        select(CheckIn).where(CheckIn.member_id == member.id).order_by(CheckIn.local_date)
    )
    logs = await db.scalars(
        select(HourLog).where(HourLog.member_id == member.id).order_by(HourLog.id)
    )
    exercises = await db.scalars(
        select(FinishedExercise)
        .where(FinishedExercise.member_id == member.id)
        .order_by(FinishedExercise.id)
    )
    weeks = await db.scalars(
        select(WeeklyTotal)
        .where(WeeklyTotal.member_id == member.id)
        .order_by(WeeklyTotal.week_start)
    )
    on_admin_list = await db.scalar(
        select(WorkspaceAdmin.id)
        .where(WorkspaceAdmin.workspace_id == workspace.id)
        .where(WorkspaceAdmin.user_id == member.user_id)
    )
    data: dict[str, Any] = {
        "exported_at": core.clock.now().isoformat(),
        "workspace": {"platform": workspace.platform, "id": workspace.external_id},
        "member": {
            "user_id": member.user_id,
            "display_name": member.display_name,
            "timezone": member.timezone,
            "reminder_time": member.reminder_time.strftime("%H:%M"),
            "start_date": member.start_date.isoformat(),
            "counts_from": member.counts_from.isoformat() if member.counts_from else None,
            "status": member.status,
            "leaderboard_opt_out": member.leaderboard_opt_out,
            "total_minutes": member.total_minutes,
            "weekly_goal_minutes": member.weekly_goal_minutes,
            "reminder_days": member.reminder_days,
            "evening_nudge": member.nudges,
            "celebrate": member.celebrate,
            "buddy": member.buddy,
            "joined_at": _utc_text(member.joined_at),
        },
        "admin": {"on_workspace_admin_list": on_admin_list is not None},
        "pauses": [
            {
                "start": p.start_date.isoformat(),
                "end": p.end_date.isoformat() if p.end_date else None,
            }
            for p in member.pauses
        ],
        "checkins": [
            {"date": c.local_date.isoformat(), "status": c.status, "note": c.note} for c in checkins
        ],
        "hour_logs": [
            {
                "date": h.local_date.isoformat(),
                "minutes": h.minutes,
                "note": h.note,
                "path_week": h.path_week,
                "block": h.block_index,
                "created_at": _utc_text(h.created_at),
            }
            for h in logs
        ],
        "finished_exercises": [
            {"week": e.path_week, "title": e.title, "date": e.local_date.isoformat()}
            for e in exercises
        ],
        "weekly_totals": [
            {"week_start": w.week_start.isoformat(), "minutes": w.minutes} for w in weeks
        ],
        "pending_messages": await pending_for(db, member),
        "platform_profile": await _platform_profile(db, workspace, member),
        "dm_channel": await db.scalar(
            select(DmChannel.channel_id).where(*_dm_channel_of(workspace, member))
        ),
        "buddies": [
            {"week": row.week_start.isoformat(), "group": row.group_no}
            for row in await db.scalars(
                select(BuddyGroup)
                .where(BuddyGroup.member_id == member.id)
                .order_by(BuddyGroup.week_start)
            )
        ],
        "celebrations": [
            {"date": row.local_date.isoformat(), "milestone": row.milestone, "text": row.text}
            for row in await db.scalars(
                select(Celebration)
                .where(Celebration.member_id == member.id)
                .order_by(Celebration.local_date)
            )
        ],
    }
    content = json.dumps(data, indent=2, ensure_ascii=False)
    return Reply(
        title="Your data",
        lines=[
            f"{counted(len(data['checkins']), 'check-in')}, "
            f"{counted(len(data['hour_logs']), 'hour log')}, "
            f"{counted(len(data['finished_exercises']), 'finished exercise')}, "
            f"{counted(len(data['pending_messages']), 'message')} waiting to reach you."
        ],
        attachment=Attachment(
            filename=f"pathbot-{member.user_id}.json",
            content_type="application/json",
            content=content,
        ),
    )


def _dm_channel_of(workspace: Workspace, member: Member) -> list[ColumnElement[bool]]:
    return [DmChannel.platform == workspace.platform, DmChannel.user_id == member.user_id]


def _known_as(workspace: Workspace, member: Member) -> list[ColumnElement[bool]]:
    return [
        KnownPerson.platform == workspace.platform,
        KnownPerson.workspace == workspace.external_id,
        KnownPerson.user_id == member.user_id,
    ]


async def _platform_profile(
    db: AsyncSession, workspace: Workspace, member: Member
) -> dict[str, Any] | None:
    """What the platform told pathbot about them (name, admin role, time zone)."""
    known = await db.scalar(select(KnownPerson).where(*_known_as(workspace, member)))
    if known is None:
        return None
    return {
        "display_name": known.display_name,
        "is_admin": known.is_admin,
        "timezone": known.timezone,
        "refreshed_at": _utc_text(known.refreshed_at),
    }


def _utc_text(when: datetime) -> str:
    # SQLite hands timestamps back without their zone; they were stored as UTC.
    aware = when if when.tzinfo is not None else when.replace(tzinfo=UTC)
    return aware.astimezone(UTC).isoformat()


def forget_warning() -> Reply:
    return Reply(
        title="Forget me?",
        lines=[
            "This deletes everything pathbot knows about you here: your membership, "
            "check-ins, hours, exercises, pauses, admin role and messages waiting for you, "
            "and takes you off queued leaderboards. It cannot be undone.",
            "Run /export first if you want a copy, then /forgetme confirm.",
        ],
    )


async def forget(db: AsyncSession, core: Core, workspace: Workspace, member: Member) -> Reply:
    # Cascades remove check-ins, logs, totals, exercises and pauses with the member.
    await db.execute(delete(Member).where(Member.id == member.id))
    await db.execute(
        delete(WorkspaceAdmin)
        .where(WorkspaceAdmin.workspace_id == workspace.id)
        .where(WorkspaceAdmin.user_id == member.user_id)
    )
    await forget_messages(db, core, workspace, member)
    await db.execute(delete(DmChannel).where(*_dm_channel_of(workspace, member)))
    await db.execute(delete(KnownPerson).where(*_known_as(workspace, member)))
    return Reply(title="Forgotten", lines=["Everything about you here is deleted. Take care!"])
