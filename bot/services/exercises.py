"""Finishing exercises of the current path week, by number or by words."""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz, process
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.curriculum.models import Curriculum
from bot.replies import Reply
from bot.services.context import Core, UserError
from bot.services.members import require_active
from bot.services.timeline import calendar_for, current_week
from bot.storage.models import FinishedExercise, Member


@dataclass(frozen=True)
class Exercise:
    number: int
    block_index: int
    exercise_index: int
    title: str


def week_exercises(curriculum: Curriculum, week: int) -> list[Exercise]:
    """A week's tasks numbered 1.. across its blocks, as /week and /today show them."""
    found: list[Exercise] = []
    for block_index, block in enumerate(curriculum.week(week).blocks):
        for exercise_index, title in enumerate(block.tasks()):
            found.append(Exercise(len(found) + 1, block_index, exercise_index, title))
    return found


async def finished_keys(db: AsyncSession, member_id: int, week: int) -> set[tuple[int, int]]:
    rows = await db.execute(
        select(FinishedExercise.block_index, FinishedExercise.exercise_index)
        .where(FinishedExercise.member_id == member_id)
        .where(FinishedExercise.path_week == week)
    )
    return set(rows)


def pick(exercises: list[Exercise], query: str) -> Exercise:
    query = query.strip()
    if not exercises:
        raise UserError("This week has no exercises")
    if query.isdigit():
        number = int(query)
        if not 1 <= number <= len(exercises):
            raise UserError(f"Pick an exercise from 1 to {len(exercises)} (see /week)")
        return exercises[number - 1]
    titles = {exercise.number: exercise.title for exercise in exercises}
    best = process.extractOne(query, titles, scorer=fuzz.partial_ratio, score_cutoff=70)
    if best is None:
        raise UserError(f"No exercise this week matches {query!r}", "See /week for the list.")
    return exercises[best[2] - 1]


async def finish(db: AsyncSession, core: Core, member: Member, query: str) -> Reply:
    require_active(member)
    today = core.local_today(member.timezone)
    week = current_week(calendar_for(member, core.curriculum, today), today)
    if week is None:
        raise UserError("Your path hasn't started yet", "See /today for when it does.")
    exercise = pick(week_exercises(core.curriculum, week), query)
    done = await finished_keys(db, member.id, week)
    if (exercise.block_index, exercise.exercise_index) in done:
        return Reply(title="Already finished", lines=[f"#{exercise.number}: {exercise.title}"])
    db.add(
        FinishedExercise(
            member_id=member.id,
            path_week=week,
            block_index=exercise.block_index,
            exercise_index=exercise.exercise_index,
            title=exercise.title,
            local_date=today,
            finished_at=core.clock.now(),
        )
    )
    total = len(week_exercises(core.curriculum, week))
    return Reply(
        title="Exercise finished",
        lines=[f"#{exercise.number}: {exercise.title}", f"{len(done) + 1} of {total} this week."],
    )
