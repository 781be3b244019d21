"""What the dashboard's pages show, each read for one workspace in a few aggregate
queries (the overview stays fast at 10,000 members: see benchmarks/bench_dashboard.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import distinct, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.at_risk import members_by_status
from bot.services.context import Core
from bot.services.hours import week_start
from bot.services.timeline import cohort_week
from bot.storage.models import CheckIn, HourLog, Member, MemberStatus, WeeklyTotal, Workspace
from bot.storage.outbox import OutboxMessage, OutboxStatus

#: Members per page (the heatmap, who is slipping).
PAGE = 50


def on_pages(page: int, total: int) -> tuple[int, int]:
    """(The page to show, how many there are) for `total` rows: the asked page, kept
    between the first and the last (a list that shrank shows its last page)."""
    pages = max(1, -(-total // PAGE))
    return min(max(page, 1), pages), pages


@dataclass(frozen=True)
class DayRate:
    day: date
    checked_in: int
    percent: int


@dataclass(frozen=True)
class Overview:
    by_status: dict[str, int]
    active: int
    week_start: date
    path_week: int | None
    week_minutes: int
    #: The path week's target per member, in minutes (low, high), if the cohort started.
    target: tuple[int, int] | None
    checkins: list[DayRate]

    @property
    def average_minutes(self) -> int:
        return self.week_minutes // self.active if self.active else 0


async def overview(db: AsyncSession, core: Core, workspace: Workspace) -> Overview:
    today = core.local_today(workspace.timezone)
    by_status = await members_by_status(db, workspace)
    monday = week_start(today)
    minutes = await db.scalar(
        select(func.coalesce(func.sum(WeeklyTotal.minutes), 0))
        .join(Member, Member.id == WeeklyTotal.member_id)
        .where(
            WeeklyTotal.workspace_id == workspace.id,
            WeeklyTotal.week_start == monday,
            Member.status == MemberStatus.ACTIVE.value,
        )
    )
    path_week = cohort_week(core.curriculum, workspace, today)
    target = None
    if path_week is not None:
        hours = core.curriculum.week(path_week).hours
        target = (round(hours.min * 60), round(hours.max * 60))
    first = today - timedelta(days=6)
    rows = await db.execute(
        select(CheckIn.local_date, func.count(distinct(CheckIn.member_id)))
        .join(Member, Member.id == CheckIn.member_id)
        .where(
            Member.workspace_id == workspace.id,
            Member.status == MemberStatus.ACTIVE.value,
            CheckIn.local_date >= first,
            CheckIn.local_date <= today,
        )
        .group_by(CheckIn.local_date)
    )
    per_day = {day: int(n) for day, n in rows}
    active = by_status[MemberStatus.ACTIVE.value]
    rates = [
        DayRate(
            day, per_day.get(day, 0), round(100 * per_day.get(day, 0) / active) if active else 0
        )
        for day in (first + timedelta(days=offset) for offset in range(7))
    ]
    return Overview(by_status, active, monday, path_week, int(minutes or 0), target, rates)


@dataclass(frozen=True)
class HeatRow:
    name: str
    status: str
    #: Minutes per path week, week 1 first.
    weeks: list[int]


@dataclass(frozen=True)
class Heatmap:
    rows: list[HeatRow]
    weeks: int
    page: int
    pages: int


async def heatmap(db: AsyncSession, core: Core, workspace: Workspace, page: int) -> Heatmap:
    weeks = len(core.curriculum.weeks())
    total = int(
        await db.scalar(select(func.count()).where(Member.workspace_id == workspace.id)) or 0
    )
    page, pages = on_pages(page, total)
    members = list(
        await db.execute(
            select(Member.id, Member.display_name, Member.status)
            .where(Member.workspace_id == workspace.id)
            .order_by(Member.display_name, Member.id)
            .offset((page - 1) * PAGE)
            .limit(PAGE)
        )
    )
    ids = [member_id for member_id, _, _ in members]
    sums = await db.execute(
        select(HourLog.member_id, HourLog.path_week, func.sum(HourLog.minutes))
        .where(HourLog.member_id.in_(ids), HourLog.path_week.is_not(None))
        .group_by(HourLog.member_id, HourLog.path_week)
    )
    by_member: dict[int, list[int]] = {member_id: [0] * weeks for member_id in ids}
    for member_id, week, minutes in sums:
        if week is not None and 1 <= week <= weeks:
            by_member[member_id][week - 1] = int(minutes)
    rows = [HeatRow(name, status, by_member[member_id]) for member_id, name, status in members]
    return Heatmap(rows, weeks, page, pages)


@dataclass(frozen=True)
class DeadRow:
    id: int
    kind: str
    target: str
    due: str
    error: str


@dataclass(frozen=True)
class Deliveries:
    by_status: dict[str, int]
    dead: list[DeadRow]


async def deliveries(db: AsyncSession, workspace: Workspace) -> Deliveries:
    counts = await db.execute(
        select(OutboxMessage.status, func.count())
        .where(OutboxMessage.workspace_id == workspace.id)
        .group_by(OutboxMessage.status)
    )
    by_status = {status.value: 0 for status in OutboxStatus} | {s: int(n) for s, n in counts}
    dead = await db.scalars(
        select(OutboxMessage)
        .where(
            OutboxMessage.workspace_id == workspace.id,
            OutboxMessage.status == OutboxStatus.DEAD.value,
        )
        .order_by(OutboxMessage.due_at.desc())
        .limit(50)
    )
    rows = [
        DeadRow(row.id, row.kind, row.target, f"{row.due_at:%Y-%m-%d %H:%M}", row.last_error or "")
        for row in dead
    ]
    return Deliveries(by_status, rows)
