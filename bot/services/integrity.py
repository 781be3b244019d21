"""Do the stored figures agree with the rows they summarise? (`pathbot doctor`, the tests.)

Every member's all-time total and weekly totals are kept in step with their hour
logs by the hours service, for fast leaderboards; `audit_totals` recomputes them from
the rows and reports each difference, along with days over 24 h and leaderboard flags
out of step. `audit_kept` does the same for what who-is-slipping reads from the
member's row: their last active day, and their streak while it is kept (it needs the
curriculum, for the path's length).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from bot.curriculum.models import Curriculum
from bot.services import last_active
from bot.services.hours import MAX_DAY_MINUTES, week_start
from bot.services.streak_memo import through_last_day
from bot.services.streaks import active_dates_by_member
from bot.storage.models import HourLog, Member, MemberStatus, WeeklyTotal, Workspace


@dataclass(frozen=True, slots=True)
class Discrepancy:
    workspace: str
    user_id: str
    #: What disagrees: "total", "week 2027-01-04", "day 2027-01-06" or "listed".
    what: str
    stored: str
    expected: str

    def describe(self) -> str:
        return (
            f"{self.workspace} {self.user_id}: {self.what} is {self.stored}, "
            f"the rows say {self.expected}"
        )


async def audit_totals(db: AsyncSession) -> list[Discrepancy]:
    """Every stored figure that its rows contradict (empty when all agree)."""
    members = (
        await db.execute(
            select(Member, Workspace.platform, Workspace.external_id).join(
                Workspace, Workspace.id == Member.workspace_id
            )
        )
    ).all()
    days: dict[int, dict[date, int]] = defaultdict(dict)
    for member_id, day, minutes in await db.execute(
        select(HourLog.member_id, HourLog.local_date, func.sum(HourLog.minutes)).group_by(
            HourLog.member_id, HourLog.local_date
        )
    ):
        days[member_id][day] = int(minutes)
    weeks_stored: dict[int, dict[date, tuple[int, bool]]] = defaultdict(dict)
    for member_id, week, minutes, listed in await db.execute(
        select(
            WeeklyTotal.member_id, WeeklyTotal.week_start, WeeklyTotal.minutes, WeeklyTotal.listed
        )
    ):
        weeks_stored[member_id][week] = (int(minutes), bool(listed))
    found: list[Discrepancy] = []
    for member, platform, external_id in members:
        where = f"{platform}:{external_id}"
        logged = days.get(member.id, {})
        checks: list[tuple[str, object, object]] = []
        checks.append(("total", member.total_minutes, sum(logged.values())))
        expected_weeks: dict[date, int] = defaultdict(int)
        for day, minutes in logged.items():
            expected_weeks[week_start(day)] += minutes
            if minutes > MAX_DAY_MINUTES:
                checks.append((f"day {day.isoformat()}", minutes, f"at most {MAX_DAY_MINUTES}"))
        listed = not member.leaderboard_opt_out and member.status != MemberStatus.LEFT
        checks.append(("listed", member.listed, listed))
        stored_weeks = weeks_stored.get(member.id, {})
        for week in sorted(set(expected_weeks) | set(stored_weeks)):
            stored_minutes, week_listed = stored_weeks.get(week, (0, member.listed))
            checks.append((f"week {week.isoformat()}", stored_minutes, expected_weeks.get(week, 0)))
            checks.append((f"week {week.isoformat()} listed", week_listed, member.listed))
        found.extend(
            Discrepancy(where, member.user_id, what, str(stored), str(expected))
            for what, stored, expected in checks
            if stored != expected
        )
    return found


async def audit_kept(db: AsyncSession, curriculum: Curriculum) -> list[Discrepancy]:
    """Each member's last active day, and their streak where it is kept (its day still
    their last active one), against their check-ins and logs."""
    members = (
        await db.execute(
            select(Member, Workspace)
            .join(Workspace, Workspace.id == Member.workspace_id)
            .options(selectinload(Member.pauses))
        )
    ).all()
    dates = await active_dates_by_member(db, [member.id for member, _ in members])
    found: list[Discrepancy] = []
    for member, workspace in members:
        where = f"{workspace.platform}:{workspace.external_id}"
        active = dates[member.id]
        last = max(active, default=None)
        if member.last_active_on != last:
            found.append(
                Discrepancy(
                    where, member.user_id, "last active", str(member.last_active_on), str(last)
                )
            )
        elif last is not None and member.streak_through == last:
            streak = through_last_day(member, curriculum, workspace.streak_freezes_per_week, active)
            if member.streak_days != streak:
                found.append(
                    Discrepancy(
                        where, member.user_id, "kept streak", str(member.streak_days), str(streak)
                    )
                )
    return found


async def reread_kept(db: AsyncSession) -> int:
    """`pathbot db recount`: every member's last active day read again from their rows,
    and every kept streak forgotten (each is kept again at the member's next check-in or
    log; meanwhile who-is-slipping reads it from the logs). Returns how many members."""
    result = await db.execute(
        update(Member)
        .values(last_active_on=last_active.latest_day(), streak_through=None)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)
