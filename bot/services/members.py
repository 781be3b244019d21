"""Joining, personal settings, pausing, resuming and leaving."""

from __future__ import annotations

from datetime import date, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload, selectinload

from bot.caller import Caller
from bot.replies import Reply, ReplyField
from bot.services import streak_memo
from bot.services.context import Core, UserError
from bot.services.text_rules import MAX_NAME, accept_name
from bot.services.weekdays import describe_days
from bot.storage.models import Member, MemberStatus, Pause, WeeklyTotal, Workspace
from bot.text import name_from_platform, neutralize_mentions

DEFAULT_REMINDER = time(9, 0)
#: How far a start date may lie from today, either way.
MAX_START_OFFSET = timedelta(days=366)


async def find_member(db: AsyncSession, workspace: Workspace, user_id: str) -> Member | None:
    # One round trip with the (usually empty) pauses joined: most commands need them.
    result = await db.execute(
        select(Member)
        .where(Member.workspace_id == workspace.id)
        .where(Member.user_id == user_id)
        .options(joinedload(Member.pauses))
    )
    return result.unique().scalar_one_or_none()


async def member_by_id(db: AsyncSession, member_id: int) -> Member | None:
    return await db.scalar(
        select(Member).where(Member.id == member_id).options(selectinload(Member.pauses))
    )


async def relist(db: AsyncSession, member: Member) -> None:
    """Recompute whether leaderboards show the member, on them and their weekly totals."""
    listed = not member.leaderboard_opt_out and member.status != MemberStatus.LEFT
    member.listed = listed
    await db.execute(
        update(WeeklyTotal)
        .where(WeeklyTotal.member_id == member.id)
        .values(listed=listed)
        .execution_options(synchronize_session=False)
    )


def safe_name(member: Member) -> str:
    return neutralize_mentions(member.display_name)


def next_monday(today: date) -> date:
    return today + timedelta(days=(7 - today.weekday()) % 7)


def require_active(member: Member) -> None:
    if member.status == MemberStatus.PAUSED:
        raise UserError("You're paused right now", "Run /resume when you're back.")
    if member.status == MemberStatus.LEFT:
        raise UserError("You left the path", "Run /join to come back.")


async def join(
    db: AsyncSession,
    core: Core,
    workspace: Workspace,
    caller: Caller,
    start: date | None,
    timezone: str | None,
    reminder: time | None,
    pace: str | None = None,
) -> Reply:
    """`pace`, for a cohort already under way: "cohort" keeps its pace (counting from
    today, the default), "own" starts week 1 today on one's own plan."""
    member = await find_member(db, workspace, caller.user_id)
    if member is not None and member.status != MemberStatus.LEFT:
        raise UserError(
            "You've already joined",
            "Change your time zone or reminder with /settings, or see /progress.",
        )
    # Someone coming back keeps their zone unless they name a new one; a newcomer gets
    # the one their platform profile says (Slack's), else the workspace's.
    profile_zone = _known_zone(caller.timezone)
    from_profile = timezone is None and member is None and profile_zone is not None
    zone = timezone or (
        member.timezone if member is not None else profile_zone or workspace.timezone
    )
    today = core.local_today(zone)
    # ...and their place on the path, unless they name a new start: the time away
    # was an open pause (see leave), which ends now.
    keeps_place = member is not None and start is None
    chosen = start is not None
    start = start or (member.start_date if member is not None else None)
    start = start or workspace.cohort_start or next_monday(today)
    # Joining a cohort already under way: its pace, counting from today, or one's own.
    late = not keeps_place and not chosen and start < today
    if pace == "own" and not keeps_place and not chosen:
        start, late = today, False
    if not keeps_place and abs(start - today) > MAX_START_OFFSET:
        raise UserError("Pick a start date within a year of today")
    if member is not None:
        _close_pause(member, today)
    name = name_from_platform(caller.display_name, caller.user_id, MAX_NAME)
    is_new = member is None
    if member is None:
        member = Member(
            workspace_id=workspace.id,
            user_id=caller.user_id,
            display_name=name,
            status=MemberStatus.ACTIVE.value,
            leaderboard_opt_out=False,
            listed=True,
            total_minutes=0,
            joined_at=core.clock.now(),
            pauses=[],
        )
        db.add(member)
    member.status = MemberStatus.ACTIVE.value
    member.timezone = zone
    member.start_date = start
    streak_memo.forget(member)
    if not keeps_place:
        member.counts_from = today if late else None
    if reminder is not None or is_new:
        member.reminder_time = reminder or DEFAULT_REMINDER
    await db.flush()
    await relist(db, member)
    when = "today" if start == today else f"on {start:%A %Y-%m-%d}"
    weeks = core.curriculum.total_days // 7
    lines = [
        "See /today for the day's plan, /log 1h30 to log time, /checkin done when you're done."
    ]
    if keeps_place:
        welcome, first = "Welcome back", "Your path picks up where you left it."
    elif late:
        welcome = "Welcome"
        first = (
            f"The cohort is on day {(today - start).days + 1} of its {weeks}-week path: you "
            "keep pace with it, and only days from today count toward your progress, "
            "hours and streak."
        )
        lines.append("To start at week 1 on your own plan instead: /pace own")
    elif start < today:
        welcome, first = "Welcome", f"Your {weeks}-week path started on {start:%A %Y-%m-%d}."
    else:
        welcome, first = "Welcome", f"Your {weeks}-week path starts {when}."
        cohort = workspace.cohort_start
        if pace == "own" and cohort is not None and cohort < today:
            lines.append("You're on your own plan. To follow the cohort's days: /pace cohort")
    return Reply(
        title=f"{welcome}, {neutralize_mentions(name)}!",
        lines=[first, *lines],
        fields=[
            ReplyField(
                name="Time zone",
                value=f"{zone} (from your profile; /settings timezone to change it)"
                if from_profile
                else zone,
            ),
            ReplyField(name="Reminder", value=f"{member.reminder_time:%H:%M}"),
        ],
    )


def _known_zone(name: str | None) -> str | None:
    """A zone the platform reported, if this machine knows it (never trust it blindly)."""
    if not name:
        return None
    try:
        return ZoneInfo(name).key
    except (ZoneInfoNotFoundError, ValueError):
        return None


def show_settings(member: Member) -> Reply:
    return Reply(
        title="Your settings",
        lines=[
            "Change one with "
            "/settings timezone|reminder|reminders|days|nudge|name|leaderboard VALUE."
        ],
        fields=[
            ReplyField(name="Name", value=safe_name(member)),
            ReplyField(name="Time zone", value=member.timezone),
            ReplyField(name="Reminder", value=f"{member.reminder_time:%H:%M}"),
            ReplyField(
                name="Reminders",
                value="on" if member.dm_off_reason is None else f"off: {member.dm_off_reason}",
            ),
            ReplyField(name="Reminder days", value=describe_days(member.reminder_days)),
            ReplyField(name="Evening nudge", value="on" if member.nudges else "off"),
            ReplyField(name="Start date", value=member.start_date.isoformat()),
            ReplyField(
                name="On the leaderboard", value="no" if member.leaderboard_opt_out else "yes"
            ),
            ReplyField(name="Status", value=member.status),
        ],
    )


def set_timezone(member: Member, timezone: str) -> Reply:
    member.timezone = timezone
    return Reply(title="Time zone updated", lines=[f"Your days now run on {timezone}."])


def set_reminder(member: Member, when: time) -> Reply:
    member.reminder_time = when
    return Reply(
        title="Reminder updated", lines=[f"I'll remind you at {when:%H:%M} ({member.timezone})."]
    )


def set_reminders(member: Member, on: bool) -> Reply:
    if on:
        member.dm_off_reason = None
        member.dm_off_told = False
        return Reply(
            title="Reminders on",
            lines=[
                f"I'll DM you at {member.reminder_time:%H:%M} ({member.timezone}) again.",
                "If your DMs are still closed to me, I'll turn them off and tell you.",
            ],
        )
    member.dm_off_reason = "you turned them off"
    member.dm_off_told = True
    return Reply(title="Reminders off", lines=["No more reminder DMs: /settings reminders on."])


def set_name(member: Member, name: str) -> Reply:
    name = accept_name(name)
    member.display_name = name
    return Reply(title="Name updated", lines=[f"You're {neutralize_mentions(name)} now."])


async def set_leaderboard(db: AsyncSession, member: Member, show: bool) -> Reply:
    member.leaderboard_opt_out = not show
    await relist(db, member)
    if show:
        return Reply(title="Leaderboard", lines=["You're on the leaderboard."])
    return Reply(title="Leaderboard", lines=["You're hidden from the leaderboard."])


def pause(core: Core, member: Member) -> Reply:
    require_active(member)
    today = core.local_today(member.timezone)
    member.pauses.append(Pause(start_date=today, end_date=None))
    member.status = MemberStatus.PAUSED.value
    streak_memo.forget(member)
    return Reply(
        title="Paused",
        lines=[
            "Your plan waits for you and your streak is safe; no reminders meanwhile.",
            "Run /resume when you're back.",
        ],
    )


def resume(core: Core, member: Member) -> Reply:
    if member.status != MemberStatus.PAUSED:
        raise UserError("You're not paused")
    _close_pause(member, core.local_today(member.timezone))
    member.status = MemberStatus.ACTIVE.value
    return Reply(title="Welcome back!", lines=["Your plan picks up where you left it: see /today."])


async def leave(db: AsyncSession, core: Core, member: Member) -> Reply:
    if member.status == MemberStatus.LEFT:
        raise UserError("You've already left")
    today = core.local_today(member.timezone)
    _close_pause(member, today)
    # Time away is an open pause, so coming back with /join picks up the same day.
    member.pauses.append(Pause(start_date=today, end_date=None))
    member.status = MemberStatus.LEFT.value
    await relist(db, member)
    return Reply(
        title="You've left the path",
        lines=[
            "No more reminders. Your history stays until you run /forgetme.",
            "Run /join to come back any time: you pick up where you left off.",
        ],
    )


def _close_pause(member: Member, today: date) -> None:
    """End an open pause yesterday: today is an ordinary day again."""
    streak_memo.forget(member)
    for item in list(member.pauses):
        if item.end_date is None:
            if item.start_date >= today:
                # Paused and resumed the same day: no day was actually paused.
                member.pauses.remove(item)
            else:
                item.end_date = today - timedelta(days=1)
