"""/today and /week: the planner's day plans for a member's start and pauses, as replies."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.curriculum.planner import day_plan, week_plan
from bot.curriculum.planner_minutes import format_minutes
from bot.curriculum.planner_models import DayPlan, DayStatus
from bot.replies import Reply, ReplyField
from bot.services.context import Core, UserError
from bot.services.exercises import finished_keys, week_exercises
from bot.services.hours import hours_text
from bot.services.timeline import calendar_for, current_week, paused_dates
from bot.storage.models import HourLog, Member, MemberStatus

MAX_RESOURCES = 4


def member_day_plan(core: Core, member: Member, on: date | None = None) -> DayPlan:
    today = core.local_today(member.timezone)
    return day_plan(
        core.curriculum, member.start_date, on or today, paused_dates(member.pauses, today)
    )


async def week_minutes(db: AsyncSession, member_id: int, week: int) -> int:
    total = await db.scalar(
        select(func.coalesce(func.sum(HourLog.minutes), 0))
        .where(HourLog.member_id == member_id)
        .where(HourLog.path_week == week)
    )
    return int(total or 0)


async def today(db: AsyncSession, core: Core, member: Member) -> Reply:
    plan = member_day_plan(core, member)
    if plan.status is DayStatus.PAUSED and member.status == MemberStatus.PAUSED:
        # The planner's "resumes on" date comes from the open pause's made-up end.
        return Reply(
            title="Paused",
            lines=[f"Day {plan.day} of your path waits for you.", "Run /resume when you're back."],
        )
    return render_day(plan, core, await _numbers(db, core, member, plan.week), member)


def target_text(core: Core, member: Member, week: int | None) -> str | None:
    """The member's weekly target: their own goal (/goal), or the path week's hours."""
    if member.weekly_goal_minutes is not None:
        return f"{hours_text(member.weekly_goal_minutes)} (your goal)"
    return str(core.curriculum.week(week).hours) if week else None


def render_day(
    plan: DayPlan,
    core: Core,
    numbers: dict[str, tuple[int, bool]] | None = None,
    member: Member | None = None,
) -> Reply:
    """A day plan as a reply; `numbers` maps exercise titles to (number, finished). For
    a `member`, the week's target is theirs (their /goal, if they set one)."""
    if plan.status is not DayStatus.ACTIVE or plan.week is None:
        title = {
            DayStatus.NOT_STARTED: "Not started yet",
            DayStatus.PAUSED: "Paused",
            DayStatus.COMPLETE: "Path complete",
        }.get(plan.status, "Today")
        return Reply(title=title, lines=list(plan.notes))
    numbers = numbers or {}
    lines = [f"Focus: {', '.join(plan.blocks)}"] if plan.blocks else []
    for item in plan.items:
        lines.append(f"• {format_minutes(item.minutes)} {item.title}")
        for topic in item.topics:
            subtopics = f" ({', '.join(topic.subtopics)})" if topic.subtopics else ""
            lines.append(f"    {topic.text}{subtopics}")
        for exercise in item.exercises:
            number, finished = numbers.get(exercise, (0, False))
            mark = "✓ " if finished else ""
            lines.append(f"    {mark}#{number} {exercise}" if number else f"    {exercise}")
    for resource in plan.resources[:MAX_RESOURCES]:
        lines.append(f"📖 {resource.text or resource.title}")
    lines.extend(plan.notes)
    fields = [ReplyField(name="Planned today", value=format_minutes(plan.total_minutes))]
    target = str(plan.week_hours) if plan.week_hours is not None else None
    if member is not None:
        target = target_text(core, member, plan.week)
    if target is not None:
        fields.append(ReplyField(name="Week target", value=target))
    return Reply(
        title=f"Day {plan.day}, week {plan.week}: {plan.week_title} ({plan.date:%a %Y-%m-%d})",
        lines=lines,
        fields=fields,
    )


async def week(db: AsyncSession, core: Core, member: Member, number: int | None) -> Reply:
    today_ = core.local_today(member.timezone)
    calendar = calendar_for(member, core.curriculum, today_)
    weeks_total = len(core.curriculum.weeks())
    if number is None:
        number = current_week(calendar, today_) or 1
    if not 1 <= number <= weeks_total:
        raise UserError(f"The path has weeks 1 to {weeks_total}")
    the_week = core.curriculum.week(number)
    plans = week_plan(
        core.curriculum, member.start_date, number, paused_dates(member.pauses, today_)
    )
    waiting = member.status == MemberStatus.PAUSED and plans[-1].date > today_
    if waiting:
        # Days after an open pause have no dates yet: show those already lived.
        plans = [plan for plan in plans if plan.date < today_]
    done = await finished_keys(db, member.id, number)
    lines = [
        f"{plans[0].date:%a %b %d} – {plans[-1].date:%a %b %d}"
        if plans
        else "This week starts when you /resume."
    ]
    for block in the_week.blocks:
        lines.append(f"■ {block.title}" + (f" ({block.hours})" if block.hours else ""))
    lines.append("Exercises (finish one with /finish NUMBER):")
    for exercise in week_exercises(core.curriculum, number):
        mark = "✓" if (exercise.block_index, exercise.exercise_index) in done else "☐"
        lines.append(f"  {mark} #{exercise.number} {exercise.title}")
    for plan in plans:
        # Dates, not just weekdays: a pause can put two Mondays in one path week.
        lines.append(
            f"{plan.date:%a %b %d}: {', '.join(plan.blocks) or 'review'} "
            f"({format_minutes(plan.total_minutes)})"
        )
    if waiting and plans:
        lines.append("The rest of the week waits until you /resume.")
    logged = await week_minutes(db, member.id, number)
    return Reply(
        title=f"Week {number} of {weeks_total}: {the_week.title}",
        lines=lines,
        fields=[
            ReplyField(name="Target", value=str(the_week.hours)),
            ReplyField(name="Logged", value=hours_text(logged)),
        ],
    )


async def _numbers(
    db: AsyncSession, core: Core, member: Member, week: int | None
) -> dict[str, tuple[int, bool]]:
    if week is None:
        return {}
    done = await finished_keys(db, member.id, week)
    return {
        exercise.title: (exercise.number, (exercise.block_index, exercise.exercise_index) in done)
        for exercise in week_exercises(core.curriculum, week)
    }
