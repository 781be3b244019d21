"""/pace cohort|own: a member who joined a cohort already under way chooses again
between keeping its pace (counting from the day they joined) and their own plan
(week 1 from the day they joined)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.replies import Reply
from bot.services.context import Core, UserError
from bot.services.hours import replan_logs
from bot.storage.models import Member, Workspace


async def set_pace(
    db: AsyncSession, core: Core, workspace: Workspace, member: Member, pace: str
) -> Reply:
    joined = member.joined_at.astimezone(core.local_now(member.timezone).tzinfo).date()
    cohort = workspace.cohort_start
    today = core.local_today(member.timezone)
    if cohort is None or cohort > today:
        raise UserError(
            "There is no cohort under way to keep pace with",
            "Your own start date: /join with a date, after /leave.",
        )
    if pace == "cohort":
        member.start_date = cohort
        member.counts_from = joined if joined > cohort else None
        await replan_logs(db, core, member)
        day = (today - cohort).days + 1
        return Reply(
            title="Keeping pace with the cohort",
            lines=[
                f"You are on day {day}, like everyone."
                + (
                    f" Only days from {member.counts_from:%A %Y-%m-%d} count toward your "
                    "progress, hours and streak."
                    if member.counts_from
                    else ""
                ),
                "Your own plan from week 1 instead: /pace own",
            ],
        )
    member.start_date = max(joined, cohort)
    member.counts_from = None
    await replan_logs(db, core, member)
    return Reply(
        title="On your own plan",
        lines=[
            f"Week 1 started for you on {member.start_date:%A %Y-%m-%d}; the cohort's daily "
            "posts run ahead of you, your reminders and /today follow your plan.",
            "Back to the cohort's pace: /pace cohort",
        ],
    )
