"""The admins' cohort report: one CSV row per member."""

from __future__ import annotations

import csv
import io

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from bot.replies import Attachment, Reply
from bot.services.context import Core
from bot.services.progress import counted
from bot.services.streaks import active_dates_by_member, compute_streaks
from bot.services.timeline import calendar_for
from bot.storage.models import CheckIn, HourLog, Member, Workspace

#: Spreadsheets run cells starting with these as formulas; a leading quote defuses them.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(text: str) -> str:
    return f"'{text}" if text.startswith(_FORMULA_START) else text


async def cohort_report(db: AsyncSession, core: Core, workspace: Workspace) -> Reply:
    members = list(
        await db.scalars(
            select(Member)
            .where(Member.workspace_id == workspace.id)
            .order_by(Member.display_name)
            .options(selectinload(Member.pauses))
        )
    )
    ids = [member.id for member in members]
    weeks = len(core.curriculum.weeks())
    minutes: dict[tuple[int, int], int] = {}
    checkins: dict[int, int] = {}
    if ids:
        rows = await db.execute(
            select(HourLog.member_id, HourLog.path_week, func.sum(HourLog.minutes))
            .where(HourLog.workspace_id == workspace.id, HourLog.path_week.is_not(None))
            .group_by(HourLog.member_id, HourLog.path_week)
        )
        minutes = {(member_id, week): int(total) for member_id, week, total in rows if week}
        per_member = await db.execute(
            select(CheckIn.member_id, func.count())
            .where(CheckIn.member_id.in_(ids))
            .group_by(CheckIn.member_id)
        )
        checkins = {member_id: int(n) for member_id, n in per_member}
    dates = await active_dates_by_member(db, ids)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "user_id",
            "display_name",
            "status",
            "start_date",
            *(f"week_{n}_hours" for n in range(1, weeks + 1)),
            "total_hours",
            "checkins",
            "current_streak",
        ]
    )
    for member in members:
        today = core.local_today(member.timezone)
        streak = compute_streaks(
            calendar_for(member, core.curriculum, today),
            today,
            dates[member.id],
            workspace.streak_freezes_per_week,
            member.counts_from,
        ).current
        writer.writerow(
            [
                _cell(member.user_id),
                _cell(member.display_name),
                member.status,
                member.start_date.isoformat(),
                *(f"{minutes.get((member.id, n), 0) / 60:.2f}" for n in range(1, weeks + 1)),
                f"{member.total_minutes / 60:.2f}",
                checkins.get(member.id, 0),
                streak,
            ]
        )
    return Reply(
        title="Cohort report",
        lines=[f"{counted(len(members), 'member')}, weeks 1–{weeks}."],
        attachment=Attachment(
            filename=f"pathbot-report-{workspace.external_id}.csv",
            content_type="text/csv",
            content=out.getvalue(),
        ),
    )
