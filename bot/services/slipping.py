"""Who is slipping: active members behind the plan, silent, blocked, or about to lose a
long streak, each with one line of why and their last activity. Read by /at-risk, the
weekly organiser digest (bot.services.at_risk) and the dashboard.

Built for a cohort of 10,000 who all slip: one query of plain rows, one plan per start
date, pauses, goal and join day, each member's last activity and streak read from their
row (`last_active_on`, `streak_days`), and a line of why written only for those shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time, timedelta

from sqlalchemy import Select, exists, literal_column, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.curriculum.planner_calendar import PathCalendar
from bot.curriculum.planner_models import DayStatus
from bot.services.checkins import CheckInStatus
from bot.services.context import Core
from bot.services.hours import hours_text
from bot.services.progress import expected_minutes
from bot.services.streaks import active_dates_by_member, compute_streaks, walk_start
from bot.services.timeline import paused_dates
from bot.services.weekdays import EVERY_DAY, count_days, describe_days
from bot.storage.models import CheckIn, Member, MemberStatus, Pause, Workspace

#: A streak worth warning about (the hours-behind and silent-days thresholds are each
#: workspace's: /at-risk-rules).
LONG_STREAK = 7
#: From this hour of the member's evening, a long streak without today's check-in is at
#: stake: earlier, most people simply have not checked in yet (a Monday-morning digest
#: would list everyone active yesterday).
AT_STAKE_FROM = time(18, 0)
#: How far back a streak is read from the logs when the kept one cannot be trusted.
STREAK_WINDOW = timedelta(days=21)
#: How far back a `blocked` check-in counts.
BLOCKED_WITHIN_DAYS = 7


@dataclass
class Slipping:
    name: str
    user_id: str
    last_active: date | None
    reasons: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class SlippingList:
    """How many members are slipping, and those asked for, by name (all of them when
    no limit was asked)."""

    total: int
    people: list[Slipping]


@dataclass(frozen=True, slots=True)
class Watched:
    """A member last active yesterday whose kept streak cannot be trusted: their streak
    is worked out from the logs, and a long one adds its reason to `entry`."""

    order: int
    member_id: int
    entry: Slipping
    calendar: PathCalendar
    counts_from: date | None
    today: date


PlanKey = tuple[date, tuple[date, ...], date, int | None, date | None]


class _Plans:
    """Per plan (start, paused days, today, goal, join day): the minutes it expects by
    today, and whether the path is still on. A cohort has few plans, so each is worked
    out once."""

    def __init__(self, core: Core) -> None:
        self._core = core
        self._found: dict[PlanKey, tuple[PathCalendar, int, bool]] = {}

    def get(self, key: PlanKey) -> tuple[PathCalendar, int, bool]:
        found = self._found.get(key)
        if found is None:
            start, paused, today, goal, counts_from = key
            curriculum = self._core.curriculum
            calendar = PathCalendar.build(start, curriculum.total_days, paused)
            expected = expected_minutes(curriculum, calendar, today, goal, counts_from)
            on_path = calendar.locate(today)[0] is not DayStatus.COMPLETE
            found = self._found[key] = (calendar, expected, on_path)
        return found


_COLUMNS = (
    Member.id,
    Member.display_name,
    Member.user_id,
    Member.start_date,
    Member.timezone,
    Member.total_minutes,
    Member.weekly_goal_minutes,
    Member.counts_from,
    Member.last_active_on,
    Member.streak_days,
    Member.streak_through,
    Member.reminder_days,
)


async def slipping(
    db: AsyncSession, core: Core, workspace: Workspace, limit: int | None = None, skip: int = 0
) -> SlippingList:
    """Every active member who is slipping, counted, and `limit` of them by name after
    the first `skip` (everyone without a limit)."""
    active = (Member.workspace_id == workspace.id, Member.status == MemberStatus.ACTIVE.value)
    pauses = await _pauses(db, select(Member.id).where(*active))
    blocked = await _blocked(db, core.local_today(workspace.timezone))
    behind_limit = workspace.risk_behind_hours * 60
    silent_limit = workspace.risk_silent_days
    #: Per zone: today's date there, and whether its evening has come.
    todays: dict[str, tuple[date, bool]] = {}
    plans = _Plans(core)
    shown: list[tuple[int, Slipping]] = []
    total = 0
    unknown: list[Watched] = []
    # Plain rows through the session's connection: the ORM's row handling would cost
    # more than the query at 10,000 members.
    connection = await db.connection()
    result = await connection.execute(
        select(*_COLUMNS).where(*active).order_by(Member.display_name, Member.id)
    )
    for order, row in enumerate(result):
        member_id, name, user_id, start, zone, minutes, goal, counts_from, last = row[:9]
        streak_days, streak_through, days = row[9:]
        today, evening = todays.get(zone) or todays.setdefault(zone, _day_in(core, zone))
        paused = tuple(paused_dates(pauses[member_id], today)) if member_id in pauses else ()
        behind = silent = 0
        streak = ""
        unsure = False
        if start <= today:
            calendar, expected, on_path = plans.get((start, paused, today, goal, counts_from))
            behind = expected - minutes if expected - minutes > behind_limit else 0
            # Silence counts only the days they chose to work (/settings days).
            since = last or max(start, counts_from or start)
            silent = (today - since).days if days == EVERY_DAY else count_days(days, since, today)
            silent = silent if silent >= silent_limit else 0
            # Active yesterday and evening now: their streak ends tonight without a
            # check-in (past the path's end a missed day breaks nothing).
            if evening and on_path and last is not None and (today - last).days == 1:
                if streak_through == last and streak_days is not None:
                    streak = str(streak_days) if streak_days >= LONG_STREAK else ""
                else:
                    unsure = True
        if not (behind or silent or member_id in blocked or streak or unsure):
            continue
        if not unsure:
            total += 1
            if limit is not None and len(shown) >= skip + limit:
                continue
        reasons = _reasons(behind, silent, days, member_id in blocked, blocked.get(member_id))
        entry = Slipping(name, user_id, last, reasons)
        if streak:
            entry.reasons.append(_streak_reason(streak))
        if unsure:
            # The kept streak was forgotten (a pause, a new pace, new freezes) or
            # predates it: worked out below from the logs, counted if they slip.
            unknown.append(Watched(order, member_id, entry, calendar, counts_from, today))
        else:
            shown.append((order, entry))
    if unknown:
        await _streaks_from_logs(db, workspace, unknown)
        confirmed = [(member.order, member.entry) for member in unknown if member.entry.reasons]
        total += len(confirmed)
        shown = sorted(shown + confirmed, key=lambda item: item[0])
    people = [entry for _, entry in shown][skip:]
    return SlippingList(total, people if limit is None else people[:limit])


def _day_in(core: Core, zone: str) -> tuple[date, bool]:
    now = core.local_now(zone)
    return now.date(), now.time() >= AT_STAKE_FROM


def _reasons(behind: int, silent: int, days: int, blocked: bool, note: str | None) -> list[str]:
    reasons = []
    if behind:
        reasons.append(f"{hours_text(behind)} behind the plan")
    if silent:
        chosen = "" if days == EVERY_DAY else f" ({describe_days(days)} only)"
        reasons.append(f"silent for {silent} days{chosen}")
    if blocked:
        note = (note or "").strip()
        reasons.append("blocked" + (f": {note[:120]}" if note else ""))
    return reasons


def _streak_reason(length: str) -> str:
    return f"a {length}-day streak ends tonight without a check-in"


async def _pauses(db: AsyncSession, members: Select[int]) -> dict[int, list[Pause]]:
    # The active members as a subquery, not a list of ids: 10,000 bound parameters cost
    # more to send than the query costs to run.
    found: dict[int, list[Pause]] = {}
    for pause in await db.scalars(select(Pause).where(Pause.member_id.in_(members))):
        found.setdefault(pause.member_id, []).append(pause)
    return found


async def _blocked(db: AsyncSession, today: date) -> dict[int, str | None]:
    """Members whose latest check-in is a `blocked` one of the last week, with its note
    (a later `done` or `partial` means they got unstuck). Every workspace's: the caller
    looks up only its own active members. Joined to members, SQLite's planner would walk
    each member's check-ins (40 ms at 10,000) instead of the few blocked rows."""
    later = aliased(CheckIn)
    result = await db.execute(
        select(CheckIn.member_id, CheckIn.note).where(
            # Spelled as in the partial index's predicate, so that planners use it.
            CheckIn.status == literal_column(f"'{CheckInStatus.BLOCKED.value}'"),
            CheckIn.local_date >= today - timedelta(days=BLOCKED_WITHIN_DAYS),
            ~exists().where(
                later.member_id == CheckIn.member_id, later.local_date > CheckIn.local_date
            ),
        )
    )
    return dict(result.all())


async def _streaks_from_logs(db: AsyncSession, workspace: Workspace, watch: list[Watched]) -> None:
    """Streaks of members last active yesterday, from about STREAK_WINDOW days of their
    logs: enough to know a streak is long. One that reaches back past what was read is
    said as at least that long ("25+")."""
    window = {
        member.member_id: walk_start(member.calendar, member.today - STREAK_WINDOW)[0]
        for member in watch
    }
    dates = await active_dates_by_member(db, list(window), min(window.values()))
    for member in watch:
        stats = compute_streaks(
            member.calendar,
            member.today,
            dates[member.member_id],
            workspace.streak_freezes_per_week,
            member.counts_from,
            since=member.today - STREAK_WINDOW,
        )
        began = window[member.member_id]
        whole = (
            stats.broken
            or began == member.calendar.start
            or (member.counts_from is not None and member.counts_from >= began)
        )
        if stats.current >= LONG_STREAK:
            member.entry.reasons.append(
                _streak_reason(f"{stats.current}" if whole else f"{stats.current}+")
            )
