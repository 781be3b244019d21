"""Leaderboards for this week, last week and all time: hours, then streak.

Weekly boards read `weekly_totals` (one row per member per week) and all-time
boards `members.total_minutes`, both through an index ordered by minutes, so a
board costs the same at ten members or a hundred thousand. Streaks, the
tie-breaker, are only computed for the handful of members near the top.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from sqlalchemy import func, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from bot.replies import BoardCardRow, LeaderboardCard, Reply, ReplyField
from bot.services.context import Core, UserError
from bot.services.hours import hours_text, week_start
from bot.services.streaks import active_dates_by_member, compute_streaks
from bot.services.timeline import calendar_for
from bot.storage.models import Member, WeeklyTotal, Workspace
from bot.text import neutralize_mentions

SHOWN = 10
#: Rows fetched beyond those shown, so ties on minutes can be broken by streak.
CANDIDATES = 25
#: When more than CANDIDATES rows tie at the cut, up to this many are compared.
MAX_TIED = 500


class Period(StrEnum):
    THIS = "this"
    LAST = "last"
    ALL = "all"


def parse_period(text: str) -> Period:
    aliases = {"this": Period.THIS, "week": Period.THIS, "last": Period.LAST, "all": Period.ALL}
    period = aliases.get(text.strip().lower())
    if period is None:
        raise UserError(f"{text!r} isn't a leaderboard period", "Use this, last or all.")
    return period


@dataclass(frozen=True)
class Entry:
    rank: int
    member_id: int
    name: str
    minutes: int
    streak: int


@dataclass(frozen=True)
class Board:
    period: Period
    week_start: date | None
    entries: list[Entry]


def _week_of(core: Core, workspace: Workspace, period: Period) -> date | None:
    if period is Period.ALL:
        return None
    monday = week_start(core.local_today(workspace.timezone))
    return monday - timedelta(days=7) if period is Period.LAST else monday


async def board(
    db: AsyncSession, core: Core, workspace: Workspace, period: Period, shown: int = SHOWN
) -> Board:
    monday = _week_of(core, workspace, period)
    candidates = await _top(db, workspace, monday, CANDIDATES)
    # Streaks only matter for the shown rows and any tied with the last one shown.
    cut = candidates[shown - 1][1] if len(candidates) >= shown else 1
    if len(candidates) == CANDIDATES and candidates[-1][1] == cut:
        # More ties than candidates: fetch every row tied at the cut (bounded).
        candidates = await _top(db, workspace, monday, MAX_TIED, at_least=cut)
    rows = [(member, minutes) for member, minutes in candidates if minutes >= cut]
    dates = await active_dates_by_member(db, [member.id for member, _ in rows])
    scored = []
    for member, minutes in rows:
        today = core.local_today(member.timezone)
        calendar = calendar_for(member, core.curriculum, today)
        streak = compute_streaks(
            calendar, today, dates[member.id], workspace.streak_freezes_per_week, member.counts_from
        ).current
        scored.append((minutes, streak, member))
    scored.sort(key=lambda row: (-row[0], -row[1], row[2].display_name.casefold()))
    entries = [
        Entry(rank, member.id, neutralize_mentions(member.display_name), minutes, streak)
        for rank, (minutes, streak, member) in enumerate(scored[:shown], start=1)
    ]
    return Board(period, monday, entries)


async def _top(
    db: AsyncSession, workspace: Workspace, monday: date | None, limit: int, at_least: int = 1
) -> list[tuple[Member, int]]:
    """The top rows of a board by minutes (all time when `monday` is None)."""
    if monday is None:
        query = (
            select(Member, Member.total_minutes)
            .where(Member.workspace_id == workspace.id, Member.listed == true())
            .where(Member.total_minutes >= at_least)
            .order_by(Member.total_minutes.desc())
        )
    else:
        query = (
            select(Member, WeeklyTotal.minutes)
            .join(WeeklyTotal, WeeklyTotal.member_id == Member.id)
            .where(WeeklyTotal.workspace_id == workspace.id, WeeklyTotal.week_start == monday)
            .where(WeeklyTotal.listed == true(), WeeklyTotal.minutes >= at_least)
            .order_by(WeeklyTotal.minutes.desc())
        )
    found = await db.execute(query.limit(limit).options(selectinload(Member.pauses)))
    return [(member, minutes) for member, minutes in found]


async def rank_of(
    db: AsyncSession, core: Core, workspace: Workspace, member: Member, period: Period
) -> tuple[int, int] | None:
    """The member's (rank by minutes, minutes) on a board, or None when not on it.

    Counting listed rows above the member is an index-only range count.
    """
    if not member.listed:
        return None
    monday = _week_of(core, workspace, period)
    if monday is None:
        mine = member.total_minutes
        ahead = (
            select(func.count())
            .select_from(Member)
            .where(Member.workspace_id == workspace.id, Member.listed == true())
            .where(Member.total_minutes > mine)
        )
    else:
        mine = int(
            await db.scalar(
                select(WeeklyTotal.minutes).where(
                    WeeklyTotal.member_id == member.id, WeeklyTotal.week_start == monday
                )
            )
            or 0
        )
        ahead = (
            select(func.count())
            .select_from(WeeklyTotal)
            .where(WeeklyTotal.workspace_id == workspace.id, WeeklyTotal.week_start == monday)
            .where(WeeklyTotal.listed == true(), WeeklyTotal.minutes > mine)
        )
    if mine <= 0:
        return None
    return int(await db.scalar(ahead) or 0) + 1, mine


def render(found: Board, me: tuple[int, int] | None = None) -> Reply:
    label = {
        Period.THIS: "this week",
        Period.LAST: "last week",
        Period.ALL: "all time",
    }[found.period]
    title = f"Leaderboard, {label}"
    if found.week_start is not None:
        title += f" (from {found.week_start:%a %Y-%m-%d})"
    if not found.entries:
        empty = {
            Period.THIS: "No hours on the board this week yet. Be the first: /log 1h",
            Period.LAST: "No hours were on the board last week.",
            Period.ALL: "No hours on the board yet. Be the first: /log 1h",
        }[found.period]
        return Reply(title=title, lines=[empty], ephemeral=False)
    medals = {1: "🥇", 2: "🥈", 3: "🥉"}
    # One field per place (rank and name; hours and streak): Discord shows an embed's
    # fields as a table, Slack as a section's fields, the console as "name: value".
    rows = [
        ReplyField(
            name=f"{medals.get(entry.rank, f'{entry.rank}.')} {entry.name}",
            value=hours_text(entry.minutes) + (f" · 🔥{entry.streak}" if entry.streak else ""),
            inline=False,
        )
        for entry in found.entries
    ]
    lines = []
    if me is not None and all(entry.rank != me[0] for entry in found.entries):
        lines.append(f"… you: #{me[0]} with {hours_text(me[1])}")
    card = LeaderboardCard(
        title=f"Leaderboard, {label}",
        subtitle=f"from {found.week_start:%A %Y-%m-%d}" if found.week_start else "all time",
        rows=[
            BoardCardRow(rank=e.rank, name=e.name, minutes=e.minutes, streak=e.streak)
            for e in found.entries[:10]
        ],
    )
    return Reply(title=title, lines=lines, fields=rows, ephemeral=False, card=card)


async def leaderboard(
    db: AsyncSession, core: Core, workspace: Workspace, member: Member | None, period: Period
) -> Reply:
    found = await board(db, core, workspace, period)
    me = await rank_of(db, core, workspace, member, period) if member is not None else None
    return render(found, me)
