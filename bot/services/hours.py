"""Logging study time (and undoing it), with the weekly and all-time totals kept in step."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from bot.replies import Reply, ReplyField
from bot.services import last_active, streak_memo
from bot.services.context import Core, UserError
from bot.services.members import require_active
from bot.services.text_rules import accept_note
from bot.services.timeline import calendar_for, path_week_of
from bot.storage.atomic import upsert
from bot.storage.models import HourLog, Member, WeeklyTotal
from bot.text import neutralize_mentions

MAX_ENTRY_MINUTES = 16 * 60
MAX_DAY_MINUTES = 24 * 60
MAX_DAYS_BACK = 7


def week_start(day: date) -> date:
    """Monday of the calendar week a date falls in."""
    return day - timedelta(days=day.weekday())


def hours_text(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest}m"
    return f"{hours}h{rest:02d}" if rest else f"{hours}h"


def check_day(today: date, day: date) -> None:
    if day > today:
        raise UserError(
            f"{day.isoformat()} is in the future (today is {today.isoformat()} for you)"
        )
    if (today - day).days > MAX_DAYS_BACK:
        raise UserError(f"You can log up to {MAX_DAYS_BACK} days back, not {day.isoformat()}")


async def day_minutes(db: AsyncSession, member: Member, day: date) -> int:
    total = await db.scalar(
        select(func.coalesce(func.sum(HourLog.minutes), 0))
        .where(HourLog.member_id == member.id)
        .where(HourLog.local_date == day)
    )
    return int(total or 0)


async def log_hours(
    db: AsyncSession, core: Core, member: Member, minutes: int, note: str | None, day: date | None
) -> Reply:
    require_active(member)
    today = core.local_today(member.timezone)
    day = day or today
    check_day(today, day)
    note = accept_note(note)
    if minutes <= 0:
        raise UserError("Log at least a minute")
    if minutes > MAX_ENTRY_MINUTES:
        raise UserError(
            f"{hours_text(minutes)} is more than {MAX_ENTRY_MINUTES // 60} h in one entry",
            "Split it over the days you actually studied with --date.",
        )
    already = await day_minutes(db, member, day)
    if already + minutes > MAX_DAY_MINUTES:
        raise UserError(
            f"That would make {hours_text(already + minutes)} on {day.isoformat()}: "
            "a day only has 24 h"
        )
    calendar = calendar_for(member, core.curriculum, today)
    week = path_week_of(calendar, day)
    block = _block_index(core, calendar.locate(day)[1], week)
    db.add(
        HourLog(
            workspace_id=member.workspace_id,
            member_id=member.id,
            local_date=day,
            minutes=minutes,
            note=note,
            path_week=week,
            block_index=block,
            created_at=core.clock.now(),
        )
    )
    await _add_to_totals(db, member, day, minutes)
    await last_active.touch(db, member, day)
    await streak_memo.refresh(db, core, member)
    lines = [
        f"{hours_text(minutes)} on {day.isoformat()}"
        + (f": {neutralize_mentions(note)}" if note else "")
    ]
    if week is not None:
        lines.append(f"Counts toward week {week} of the path.")
    return Reply(
        title="Logged",
        lines=lines,
        fields=[
            ReplyField(name="That day", value=hours_text(already + minutes)),
            ReplyField(name="Total", value=hours_text(member.total_minutes)),
        ],
    )


async def undo_last(db: AsyncSession, core: Core, member: Member) -> Reply:
    # The caller holds the member's lock (see Dispatcher), and the row is removed with
    # DELETE … RETURNING: only what was really deleted is taken off the totals.
    last_id = await db.scalar(
        select(HourLog.id)
        .where(HourLog.member_id == member.id)
        .order_by(HourLog.created_at.desc(), HourLog.id.desc())
        .limit(1)
    )
    removed = None
    if last_id is not None:
        result = await db.execute(
            delete(HourLog)
            .where(HourLog.id == last_id)
            .returning(HourLog.minutes, HourLog.local_date)
            .execution_options(synchronize_session=False)
        )
        removed = result.first()
    if removed is None:
        raise UserError("There's no hour log left to undo", "Log time with /log 1h.")
    minutes, day = removed
    await _add_to_totals(db, member, day, -minutes)
    await last_active.recount(db, member)
    await streak_memo.refresh(db, core, member)
    return Reply(
        title="Undone",
        lines=[f"Removed {hours_text(minutes)} on {day.isoformat()}."],
        fields=[ReplyField(name="Total", value=hours_text(member.total_minutes))],
    )


async def replan_logs(db: AsyncSession, core: Core, member: Member) -> None:
    """The path week (and block) each log counts toward, again: after the member's
    plan moved (/pace), last week's hours may belong to another week of it."""
    today = core.local_today(member.timezone)
    calendar = calendar_for(member, core.curriculum, today)
    for log in await db.scalars(select(HourLog).where(HourLog.member_id == member.id)):
        log.path_week = path_week_of(calendar, log.local_date)
        log.block_index = _block_index(core, calendar.locate(log.local_date)[1], log.path_week)
    await streak_memo.refresh(db, core, member)


def _block_index(core: Core, path_day: int | None, week: int | None) -> int | None:
    if path_day is None or week is None:
        return None
    blocks = len(core.curriculum.week(week).blocks)
    # The planner works through a week's blocks in order, so split its days evenly.
    return min(blocks - 1, ((path_day - 1) % 7) * blocks // 7)


async def _add_to_totals(db: AsyncSession, member: Member, day: date, minutes: int) -> None:
    # An atomic increment, so two logs at the same moment cannot lose one.
    total = await db.scalar(
        update(Member)
        .where(Member.id == member.id)
        .values(total_minutes=Member.total_minutes + minutes)
        .returning(Member.total_minutes)
        .execution_options(synchronize_session=False)
    )
    set_committed_value(member, "total_minutes", int(total or 0))
    values = {
        "workspace_id": member.workspace_id,
        "member_id": member.id,
        "week_start": week_start(day),
        "minutes": minutes,
        "listed": member.listed,
    }
    insert = upsert(db, WeeklyTotal).values(values)
    await db.execute(
        insert.on_conflict_do_update(
            index_elements=["member_id", "week_start"],
            set_={"minutes": WeeklyTotal.minutes + insert.excluded.minutes},
        )
    )
