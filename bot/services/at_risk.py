"""Who is slipping: members behind plan, silent, blocked, or about to lose a long streak,
each with one line of why and their last activity: /at-risk, the weekly organiser
digest, the dashboard."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.curriculum.planner_calendar import PathCalendar
from bot.replies import Reply
from bot.services.checkins import CheckInStatus
from bot.services.context import Core, UserError
from bot.services.hours import hours_text
from bot.services.progress import expected_minutes
from bot.services.streaks import active_dates_by_member, compute_streaks
from bot.services.timeline import paused_dates
from bot.storage.models import CheckIn, Member, MemberStatus, Pause, Workspace

#: A streak worth warning about, and how far back a `blocked` check-in counts (the
#: hours-behind and silent-days thresholds are each workspace's: /at-risk-rules).
LONG_STREAK = 7
#: How far back a streak is read for the warning.
STREAK_WINDOW = timedelta(days=21)
BLOCKED_WITHIN_DAYS = 7


@dataclass
class Slipping:
    name: str
    user_id: str
    last_active: date | None
    reasons: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Watched:
    """A member last active yesterday, whose streak may end tonight."""

    member_id: int
    name: str
    user_id: str
    start: date
    counts_from: date | None
    today: date
    paused: tuple[date, ...]


async def slipping(db: AsyncSession, core: Core, workspace: Workspace) -> list[Slipping]:
    """Every active member who is slipping, by name. Built to stay fast at 10,000
    members: plain rows rather than ORM objects, one plan per start date and pauses,
    and each member's last activity from their row (`members.last_active_on`)."""
    rows = (
        await db.execute(
            select(
                Member.id,
                Member.display_name,
                Member.user_id,
                Member.start_date,
                Member.timezone,
                Member.total_minutes,
                Member.weekly_goal_minutes,
                Member.counts_from,
                Member.last_active_on,
            )
            .where(Member.workspace_id == workspace.id, Member.status == MemberStatus.ACTIVE.value)
            .order_by(Member.display_name, Member.id)
        )
    ).all()
    if not rows:
        return []
    # The active members as a subquery, not a list of ids: 10,000 bound parameters cost
    # more to send than the query costs to run.
    active = select(Member.id).where(
        Member.workspace_id == workspace.id, Member.status == MemberStatus.ACTIVE.value
    )
    pauses: dict[int, list[Pause]] = {}
    for pause in await db.scalars(select(Pause).where(Pause.member_id.in_(active))):
        pauses.setdefault(pause.member_id, []).append(pause)
    today = core.local_today(workspace.timezone)
    blocked = await _blocked(db, active, today)
    todays: dict[str, date] = {}
    expected: dict[tuple[date, tuple[date, ...], date, int | None, date | None], int] = {}
    found: list[Slipping] = []
    streak_watch: list[Watched] = []
    for row in rows:
        member_id, name, user_id, start, zone, total, goal, counts_from, last = row
        member_today = todays.get(zone) or todays.setdefault(zone, core.local_today(zone))
        entry = Slipping(name, user_id, last)
        paused = tuple(paused_dates(pauses.get(member_id, []), member_today))
        if start <= member_today:
            key = (start, paused, member_today, goal, counts_from)
            if key not in expected:
                calendar = PathCalendar.build(start, core.curriculum.total_days, list(paused))
                expected[key] = expected_minutes(
                    core.curriculum, calendar, member_today, goal, counts_from
                )
            gap = expected[key] - total
            if gap > workspace.risk_behind_hours * 60:
                entry.reasons.append(f"{hours_text(gap)} behind the plan")
            silent_since = entry.last_active or max(start, counts_from or start)
            if (member_today - silent_since).days >= workspace.risk_silent_days:
                entry.reasons.append(f"silent for {(member_today - silent_since).days} days")
        if member_id in blocked:
            note = (blocked[member_id] or "").strip()
            entry.reasons.append("blocked" + (f": {note[:120]}" if note else ""))
        if entry.last_active == member_today - timedelta(days=1):
            streak_watch.append(
                Watched(member_id, name, user_id, start, counts_from, member_today, paused)
            )
        if entry.reasons:
            found.append(entry)
    found += await _streaks_at_stake(db, core, workspace, streak_watch, found)
    return found


async def _blocked(db: AsyncSession, ids: Select[int], today: date) -> dict[int, str | None]:
    """Members whose latest check-in of the last week says `blocked`, with its note (a
    later `done` or `partial` means they got unstuck)."""
    # The latest day per member is found in the database; only blocked rows come back.
    latest = (
        select(CheckIn.member_id, func.max(CheckIn.local_date).label("day"))
        .where(
            CheckIn.member_id.in_(ids),
            CheckIn.local_date >= today - timedelta(days=BLOCKED_WITHIN_DAYS),
        )
        .group_by(CheckIn.member_id)
        .subquery()
    )
    result = await db.execute(
        select(CheckIn.member_id, CheckIn.note)
        .join(
            latest,
            (latest.c.member_id == CheckIn.member_id) & (latest.c.day == CheckIn.local_date),
        )
        .where(CheckIn.status == CheckInStatus.BLOCKED.value)
    )
    return dict(result.all())


async def _streaks_at_stake(
    db: AsyncSession,
    core: Core,
    workspace: Workspace,
    watch: list[Watched],
    found: list[Slipping],
) -> list[Slipping]:
    """Members last active yesterday whose long streak ends tonight without a check-in.
    Only the last STREAK_WINDOW days are read: enough to know a streak is long, and a
    longer one is said as "21+"."""
    if not watch:
        return []
    since = max(member.today for member in watch) - STREAK_WINDOW
    dates = await active_dates_by_member(db, [member.member_id for member in watch], since)
    listed = {entry.user_id: entry for entry in found}
    extra = []
    for member in watch:
        calendar = PathCalendar.build(member.start, core.curriculum.total_days, list(member.paused))
        streak = compute_streaks(
            calendar,
            member.today,
            dates[member.member_id],
            workspace.streak_freezes_per_week,
            member.counts_from,
        )
        if streak.current < LONG_STREAK:
            continue
        length = (
            f"{streak.current}" if streak.current < STREAK_WINDOW.days else f"{STREAK_WINDOW.days}+"
        )
        reason = f"a {length}-day streak ends tonight without a check-in"
        if member.user_id in listed:
            listed[member.user_id].reasons.append(reason)
        else:
            yesterday = member.today - timedelta(days=1)
            extra.append(Slipping(member.name, member.user_id, yesterday, [reason]))
    return extra


#: Lines a reply lists before "… and N more" (a chat message has room for a page).
SHOWN = 20
MAX_BEHIND_HOURS = 100
MAX_SILENT_DAYS = 30


def _lines(people: list[Slipping]) -> list[str]:
    lines = [
        f"{person.name}: {'; '.join(person.reasons)} "
        f"(last active {person.last_active.isoformat() if person.last_active else 'never'})"
        for person in people[:SHOWN]
    ]
    if len(people) > SHOWN:
        lines.append(f"… and {len(people) - SHOWN} more: the dashboard lists everyone")
    return lines


async def at_risk_reply(db: AsyncSession, core: Core, workspace: Workspace) -> Reply:
    people = await slipping(db, core, workspace)
    rules = (
        f"Behind by {workspace.risk_behind_hours}h or more, silent {workspace.risk_silent_days} "
        "days, blocked, or a long streak ending tonight (/at-risk-rules to change)."
    )
    if not people:
        return Reply(title="Nobody is slipping", lines=[rules])
    return Reply(title=f"{len(people)} member(s) slipping", lines=[*_lines(people), rules])


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
    people = await slipping(db, core, workspace)
    by_status = await members_by_status(db, workspace)
    cohort = (
        f"{by_status[MemberStatus.ACTIVE.value]} active, "
        f"{by_status[MemberStatus.PAUSED.value]} paused, "
        f"{by_status[MemberStatus.LEFT.value]} left."
    )
    lines = [cohort]
    if people:
        lines += [f"{len(people)} slipping:", *_lines(people)]
    else:
        lines.append("Nobody is slipping this week.")
    return Reply(
        title=f"Organiser digest ({core.local_today(workspace.timezone):%A %Y-%m-%d})",
        lines=lines,
        ephemeral=False,
    )
