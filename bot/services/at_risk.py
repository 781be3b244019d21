"""Who is slipping: members behind plan, silent, blocked, or about to lose a long streak,
each with one line of why and their last activity (the dashboard; /at-risk next)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from bot.services.checkins import CheckInStatus
from bot.services.context import Core
from bot.services.hours import hours_text
from bot.services.progress import expected_minutes
from bot.services.streaks import active_dates_by_member, compute_streaks
from bot.services.timeline import calendar_for
from bot.storage.models import CheckIn, HourLog, Member, MemberStatus, Workspace

#: Defaults: hours behind the plan, days without a check-in or a log, a streak worth
#: warning about, and how far back a `blocked` check-in counts.
BEHIND_HOURS = 5
SILENT_DAYS = 3
LONG_STREAK = 7
BLOCKED_WITHIN_DAYS = 7


@dataclass
class Slipping:
    name: str
    user_id: str
    last_active: date | None
    reasons: list[str] = field(default_factory=list)


async def slipping(db: AsyncSession, core: Core, workspace: Workspace) -> list[Slipping]:
    members = list(
        await db.scalars(
            select(Member)
            .where(Member.workspace_id == workspace.id, Member.status == MemberStatus.ACTIVE.value)
            .options(selectinload(Member.pauses))
            .order_by(Member.display_name)
        )
    )
    if not members:
        return []
    ids = [member.id for member in members]
    activity = union_all(
        select(CheckIn.member_id.label("member_id"), CheckIn.local_date.label("day")).where(
            CheckIn.member_id.in_(ids)
        ),
        select(HourLog.member_id, HourLog.local_date).where(HourLog.workspace_id == workspace.id),
    ).subquery()
    last = dict(
        (
            await db.execute(
                select(activity.c.member_id, func.max(activity.c.day)).group_by(
                    activity.c.member_id
                )
            )
        ).all()
    )
    today = core.local_today(workspace.timezone)
    recent_blocks = await db.execute(
        select(CheckIn.member_id, CheckIn.note)
        .where(
            CheckIn.member_id.in_(ids),
            CheckIn.status == CheckInStatus.BLOCKED.value,
            CheckIn.local_date >= today - timedelta(days=BLOCKED_WITHIN_DAYS),
        )
        .order_by(CheckIn.local_date)
    )
    # The latest note wins (ordered by date).
    blocked = dict(recent_blocks.tuples().all())
    found: list[Slipping] = []
    streak_watch: list[Member] = []
    for member in members:
        member_today = core.local_today(member.timezone)
        entry = Slipping(member.display_name, member.user_id, last.get(member.id))
        if member.start_date <= member_today:
            calendar = calendar_for(member, core.curriculum, member_today)
            gap = expected_minutes(core.curriculum, calendar, member_today) - member.total_minutes
            if gap > BEHIND_HOURS * 60:
                entry.reasons.append(f"{hours_text(gap)} behind the plan")
            silent_since = entry.last_active or member.start_date
            if (member_today - silent_since).days >= SILENT_DAYS:
                entry.reasons.append(f"silent for {(member_today - silent_since).days} days")
        if member.id in blocked:
            note = (blocked[member.id] or "").strip()
            entry.reasons.append("blocked" + (f": {note[:120]}" if note else ""))
        if entry.last_active == member_today - timedelta(days=1):
            streak_watch.append(member)
        if entry.reasons:
            found.append(entry)
    found += await _streaks_at_stake(db, core, workspace, streak_watch, found)
    return found


async def _streaks_at_stake(
    db: AsyncSession, core: Core, workspace: Workspace, watch: list[Member], found: list[Slipping]
) -> list[Slipping]:
    """Members last active yesterday whose long streak ends tonight without a check-in."""
    dates = await active_dates_by_member(db, [member.id for member in watch])
    listed = {entry.user_id: entry for entry in found}
    extra = []
    for member in watch:
        today = core.local_today(member.timezone)
        calendar = calendar_for(member, core.curriculum, today)
        streak = compute_streaks(
            calendar, today, dates[member.id], workspace.streak_freezes_per_week
        )
        if streak.current < LONG_STREAK:
            continue
        reason = f"a {streak.current}-day streak ends tonight without a check-in"
        if member.user_id in listed:
            listed[member.user_id].reasons.append(reason)
        else:
            extra.append(
                Slipping(member.display_name, member.user_id, today - timedelta(days=1), [reason])
            )
    return extra
