"""Laying one path week's content out over its seven path days.

Rhythm: a date follows the weekly schedule of its *calendar* weekday, so the long
sessions always fall on Saturday and Sunday, whatever weekday a cohort started on
and however pauses moved the path.

Content: the week's weekdays are shared out between its topic blocks in order
(in proportion to their hours); inside a block the topics go to the theory
slots front-loaded and the exercises (capstone requirements, deliverables) to the
hands-on slots back-loaded, so a block's topics come before its exercises. The
weekend reviews what was studied, builds on and completes what was started and
previews what comes next. Whatever a lopsided week (after pauses) left out is
added to its last day, so every topic and exercise of a week is in its plan.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar

from bot.curriculum.models import Block, Curriculum, Topic, Week
from bot.curriculum.planner_minutes import WeekBudget, allocate
from bot.curriculum.planner_models import DayKind, ItemKind, PlanItem
from bot.curriculum.planner_slots import Slot, schedule_slots

_TOPIC_KINDS = (ItemKind.THEORY, ItemKind.REVIEW)
_TASK_KINDS = (ItemKind.HANDS_ON, ItemKind.EXERCISES, ItemKind.PROJECT)


@dataclass(frozen=True)
class TopicRef:
    order: int
    block: int
    topic: Topic


@dataclass(frozen=True)
class TaskRef:
    order: int
    block: int
    text: str
    deliverable: bool = False


_Ref = TypeVar("_Ref", TopicRef, TaskRef)


@dataclass
class _Draft:
    slot: Slot
    title: str
    topics: list[TopicRef] = field(default_factory=list)
    tasks: list[TaskRef] = field(default_factory=list)


@dataclass
class _DayDraft:
    when: date
    kind: DayKind
    study_blocks: list[int] = field(default_factory=list)
    topics: list[TopicRef] = field(default_factory=list)
    tasks: list[TaskRef] = field(default_factory=list)
    drafts: list[_Draft] = field(default_factory=list)


@dataclass(frozen=True)
class DayLayout:
    when: date
    kind: DayKind
    items: list[PlanItem]
    #: Indexes into the week's blocks of the blocks this day works on.
    blocks: list[int]


@dataclass(frozen=True)
class WeekLayout:
    days: list[DayLayout]
    budget: WeekBudget


def week_content(week: Week) -> tuple[list[TopicRef], list[TaskRef]]:
    """Every topic and every task (exercise, requirement, deliverable) of a week, in order."""
    topics: list[TopicRef] = []
    tasks: list[TaskRef] = []
    for index, block in enumerate(week.blocks):
        topics += [TopicRef(len(topics) + i, index, t) for i, t in enumerate(block.topics)]
        tasks += [TaskRef(len(tasks) + i, index, t) for i, t in enumerate(block.tasks())]
        tasks += [
            TaskRef(len(tasks) + i, index, text, deliverable=True)
            for i, text in enumerate(block.deliverables)
        ]
    return topics, tasks


def layout_week(curriculum: Curriculum, week: Week, dates: Sequence[date]) -> WeekLayout:
    """Plan a path week whose path days fall on `dates` (seven of them, in order)."""
    days = [_DayDraft(when, DayKind.of(when)) for when in dates]
    topics, tasks = week_content(week)
    _assign_study(days, week.blocks, topics, tasks)
    context = _Context(week, topics, tasks, _next_week(curriculum, week))
    for position, day in enumerate(days):
        # Appending one by one lets a slot see the slots before it on the same day.
        for slot in schedule_slots(curriculum.schedule, day.kind):
            day.drafts.append(_draft(slot, day, days[:position], days[position + 1 :], context))
    _cover_leftovers(days, topics, tasks)
    slots = [draft.slot for day in days for draft in day.drafts]
    budget = allocate(
        [(slot.minutes_min, slot.minutes_max) for slot in slots], week.hours, week.number
    )
    minutes = iter(budget.minutes)
    layouts = [
        DayLayout(
            day.when,
            day.kind,
            [_item(draft, next(minutes)) for draft in day.drafts],
            _blocks_of(day.drafts),
        )
        for day in days
    ]
    return WeekLayout(layouts, budget)


def _assign_study(
    days: list[_DayDraft], blocks: list[Block], topics: list[TopicRef], tasks: list[TaskRef]
) -> None:
    """Share the weekdays between the blocks; spread each block's topics and tasks on them."""
    study = [day for day in days if day.kind is DayKind.WEEKDAY]
    for index, positions in enumerate(_days_per_block(len(study), blocks)):
        block_days = [study[p] for p in positions]
        for day in block_days:
            day.study_blocks.append(index)
        if not block_days:
            continue
        count = len(block_days)
        own_topics = [ref for ref in topics if ref.block == index]
        # Front-loaded: earlier days take the extra topic when they do not divide evenly.
        bounds = [math.ceil(i * len(own_topics) / count) for i in range(count + 1)]
        for i, day in enumerate(block_days):
            day.topics += own_topics[bounds[i] : bounds[i + 1]]
        own_tasks = [ref for ref in tasks if ref.block == index]
        # Back-loaded: task j lands on the day that closes its share, after the topics began.
        for j, ref in enumerate(own_tasks):
            block_days[math.ceil((j + 1) * count / len(own_tasks)) - 1].tasks.append(ref)


def _days_per_block(study_days: int, blocks: list[Block]) -> list[list[int]]:
    if not study_days:
        return [[] for _ in blocks]
    if study_days < len(blocks):
        return [[index * study_days // len(blocks)] for index in range(len(blocks))]
    weights = [_weight(block) for block in blocks]
    spare = study_days - len(blocks)
    shares = [spare * w / sum(weights) for w in weights]
    counts = [1 + int(share) for share in shares]
    order = sorted(range(len(blocks)), key=lambda i: (int(shares[i]) - shares[i], i))
    for index in order[: study_days - sum(counts)]:
        counts[index] += 1
    result, first = [], 0
    for count in counts:
        result.append(list(range(first, first + count)))
        first += count
    return result


def _weight(block: Block) -> float:
    if block.hours is not None and block.hours.max > 0:
        return (block.hours.min + block.hours.max) / 2
    return float(max(1, len(block.topics) + len(block.tasks()) + len(block.deliverables)))


def _next_week(curriculum: Curriculum, week: Week) -> Week | None:
    later = [other for other in curriculum.weeks() if other.number > week.number]
    return min(later, key=lambda other: other.number) if later else None


@dataclass(frozen=True)
class _Context:
    week: Week
    topics: list[TopicRef]
    tasks: list[TaskRef]
    next_week: Week | None


def _draft(
    slot: Slot, day: _DayDraft, before: list[_DayDraft], later: list[_DayDraft], ctx: _Context
) -> _Draft:
    label, week = slot.label, ctx.week
    focus = " / ".join(week.blocks[b].title for b in day.study_blocks) or week.title
    earlier = [draft for d in before for draft in d.drafts]
    studied = _unique(
        ref for draft in earlier if draft.slot.kind is not ItemKind.PREPARE for ref in draft.topics
    )
    started = _unique(ref for draft in earlier for ref in draft.tasks)
    match slot.kind:
        case ItemKind.THEORY:
            if day.topics:
                return _Draft(slot, f"{label}: {focus}", topics=list(day.topics))
            # More days than topics: revisit the block's topics rather than idle.
            own = [ref for ref in ctx.topics if ref.block in day.study_blocks]
            if own:
                return _Draft(slot, f"{label}: go deeper into {focus}", topics=own)
            concepts = [week.blocks[b].concept for b in day.study_blocks]
            return _Draft(slot, f"{label}: {'; '.join(filter(None, concepts)) or focus}")
        case ItemKind.HANDS_ON:
            if day.tasks:
                return _Draft(slot, f"{label}: {focus}", tasks=list(day.tasks))
            ongoing = [ref for ref in started if ref.block in day.study_blocks]
            if ongoing:
                return _Draft(slot, f"{label}: keep going", tasks=[ongoing[-1]])
            return _Draft(slot, f"{label}: try today's topics in code", topics=list(day.topics))
        case ItemKind.REVIEW:
            if studied:
                return _Draft(slot, f"{label}: what you studied this week", topics=studied)
            if ctx.topics:
                return _Draft(slot, f"{label}: a first look at this week", topics=list(ctx.topics))
            return _Draft(slot, f"{label}: what the path so far brings to {week.title}")
        case ItemKind.PROJECT | ItemKind.EXERCISES:
            return _work(slot, day, studied, started, ctx)
        case _:  # ItemKind.PREPARE
            ahead = _unique(ref for d in later for ref in d.topics)
            if ahead:
                # A Sunday inside a path week (a mid-week start): preview its remaining days.
                coming = " / ".join(week.blocks[b].title for b in sorted({r.block for r in ahead}))
                return _Draft(slot, f"{label} · this week continues with {coming}", topics=ahead)
            if ctx.next_week is not None:
                upcoming = ctx.next_week
                return _Draft(slot, f"{label}: Week {upcoming.number} · {upcoming.title}")
            return _Draft(slot, f"{label}: look back and choose what comes next")


def _work(
    slot: Slot, day: _DayDraft, studied: list[TopicRef], started: list[TaskRef], ctx: _Context
) -> _Draft:
    """A weekend work slot: what was started, else what is ready, else a first block to begin."""
    label = slot.label
    if started:
        return _Draft(slot, f"{label}: {ctx.week.title}", tasks=started)
    seen = {ref.block for ref in studied}
    seen.update(ref.block for draft in day.drafts for ref in draft.topics)
    topicless = {ref.block for ref in ctx.tasks} - {ref.block for ref in ctx.topics}
    ready = [ref for ref in ctx.tasks if ref.block in seen | topicless]
    if ready:
        return _Draft(slot, f"{label}: get this week's work going", tasks=ready)
    # Nothing studied yet (a weekend start): begin the first block, its topics listed first.
    first = ctx.week.blocks[0].title if ctx.week.blocks else ctx.week.title
    return _Draft(
        slot,
        f"{label}: get going on {first}",
        topics=[ref for ref in ctx.topics if ref.block == 0],
        tasks=[ref for ref in ctx.tasks if ref.block == 0],
    )


def _unique(refs: Iterable[_Ref]) -> list[_Ref]:
    """Each ref once, in the curriculum's order."""
    seen: dict[int, _Ref] = {}
    for ref in refs:
        seen.setdefault(ref.order, ref)
    return [seen[order] for order in sorted(seen)]


def _cover_leftovers(days: list[_DayDraft], topics: list[TopicRef], tasks: list[TaskRef]) -> None:
    """Put whatever a lopsided week left out on its last day, so nothing is lost."""
    with_slots = [day for day in days if day.drafts]
    if not with_slots:
        return
    drafts = with_slots[-1].drafts
    placed_topics = {ref.order for day in days for d in day.drafts for ref in d.topics}
    placed_tasks = {ref.order for day in days for d in day.drafts for ref in d.tasks}
    missing_topics = [ref for ref in topics if ref.order not in placed_topics]
    missing_tasks = [ref for ref in tasks if ref.order not in placed_tasks]
    if missing_topics:
        _first_of(drafts, _TOPIC_KINDS).topics.extend(missing_topics)
    if missing_tasks:
        _first_of(drafts, _TASK_KINDS).tasks.extend(missing_tasks)


def _first_of(drafts: list[_Draft], kinds: tuple[ItemKind, ...]) -> _Draft:
    return next((draft for draft in drafts if draft.slot.kind in kinds), drafts[0])


def _blocks_of(drafts: list[_Draft]) -> list[int]:
    blocks = {ref.block for draft in drafts for ref in draft.topics}
    blocks.update(ref.block for draft in drafts for ref in draft.tasks)
    return sorted(blocks)


def _item(draft: _Draft, minutes: int) -> PlanItem:
    return PlanItem(
        kind=draft.slot.kind,
        title=draft.title,
        minutes=minutes,
        topics=[ref.topic for ref in draft.topics],
        exercises=[ref.text for ref in draft.tasks if not ref.deliverable],
        deliverables=[ref.text for ref in draft.tasks if ref.deliverable],
    )
