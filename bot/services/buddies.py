"""Accountability buddies: each week, members who opted in (/buddy on) are paired with
someone in a close time zone, never the same pair two weeks running; an odd one out
makes a three. The scheduler introduces them; /buddy shows your buddy's week."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.replies import Reply
from bot.services.context import Core
from bot.services.hours import week_start
from bot.storage.atomic import upsert
from bot.storage.models import BuddyGroup, CheckIn, Member, MemberStatus, Workspace
from bot.text import neutralize_mentions

#: One conversation starter a week, in turn.
PROMPTS = (
    "What is the one thing you want to finish this week?",
    "Share the exercise you are most unsure about, and why.",
    "What did last week's topic make click for you?",
    "Pick a time this week for a 15-minute call about the path.",
    "What is getting in the way of your hours, and what would help?",
)


@dataclass(frozen=True)
class Buddy:
    member_id: int
    user_id: str
    name: str
    timezone: str


def set_buddy(member: Member, on: bool) -> Reply:
    member.buddy = on
    if on:
        return Reply(
            title="You'll get a buddy",
            lines=[
                "Each Monday you're paired with someone in a close time zone "
                "(never the same person two weeks running) and introduced by message.",
                "See them with /buddy; stop with /buddy off.",
            ],
        )
    return Reply(title="No more buddies", lines=["Your current pair stays until Monday."])


def _offset(zone: str, at: datetime) -> float:
    delta = at.astimezone(ZoneInfo(zone)).utcoffset()
    return delta.total_seconds() if delta is not None else 0.0


def make_groups(
    people: list[Buddy], last_week: set[frozenset[int]], at: datetime
) -> list[list[Buddy]]:
    """Neighbours by UTC offset in pairs; a pair that met last week swaps its second with
    the next person's; an odd one out joins the last pair."""
    ordered = sorted(people, key=lambda b: (_offset(b.timezone, at), b.member_id))
    groups: list[list[Buddy]] = []
    index = 0
    while index + 1 < len(ordered):
        first, second = ordered[index], ordered[index + 1]
        if frozenset((first.member_id, second.member_id)) in last_week and index + 2 < len(ordered):
            ordered[index + 1], ordered[index + 2] = ordered[index + 2], ordered[index + 1]
            second = ordered[index + 1]
        groups.append([first, second])
        index += 2
    if index < len(ordered) and groups:
        groups[-1].append(ordered[index])
    return groups


async def pair_week(
    db: AsyncSession, core: Core, workspace: Workspace, monday: date
) -> list[list[Buddy]]:
    """This week's groups: made once (kept in buddy_groups), read back after."""
    existing = await _groups(db, workspace.id, monday)
    if existing:
        return existing
    rows = await db.execute(
        select(Member.id, Member.user_id, Member.display_name, Member.timezone).where(
            Member.workspace_id == workspace.id,
            Member.status == MemberStatus.ACTIVE.value,
            Member.buddy.is_(True),
        )
    )
    people = [Buddy(*row) for row in rows.all()]
    pairs_last_week = {
        frozenset((a.member_id, b.member_id))
        for group in await _groups(db, workspace.id, monday - timedelta(days=7))
        for a in group
        for b in group
        if a.member_id != b.member_id
    }
    groups = make_groups(people, pairs_last_week, core.clock.now())
    for number, group in enumerate(groups, start=1):
        for buddy in group:
            await db.execute(
                upsert(db, BuddyGroup)
                .values(
                    workspace_id=workspace.id,
                    week_start=monday,
                    member_id=buddy.member_id,
                    group_no=number,
                )
                .on_conflict_do_nothing(index_elements=["member_id", "week_start"])
            )
    return await _groups(db, workspace.id, monday)


async def _groups(db: AsyncSession, workspace_id: int, monday: date) -> list[list[Buddy]]:
    rows = await db.execute(
        select(BuddyGroup.group_no, Member.id, Member.user_id, Member.display_name, Member.timezone)
        .join(Member, Member.id == BuddyGroup.member_id)
        .where(BuddyGroup.workspace_id == workspace_id, BuddyGroup.week_start == monday)
        .order_by(BuddyGroup.group_no, Member.id)
    )
    groups: dict[int, list[Buddy]] = {}
    for number, member_id, user_id, name, zone in rows.all():
        groups.setdefault(number, []).append(Buddy(member_id, user_id, name, zone))
    return list(groups.values())


def introduction(core: Core, group: list[Buddy], monday: date, path_week: int | None) -> Reply:
    prompt = PROMPTS[monday.toordinal() // 7 % len(PROMPTS)]
    week = core.curriculum.week(path_week) if path_week else None
    names = " & ".join(neutralize_mentions(b.name) for b in group)
    lines = [f"{neutralize_mentions(b.name)}: {b.timezone}" for b in group]
    if week is not None:
        lines.append(f"Your week: {week.number}, {week.title} ({week.hours}).")
    lines += [f"A question to start: {prompt}", "See each other's check-ins with /buddy."]
    return Reply(title=f"This week's buddies: {names}", lines=lines, ephemeral=False)


async def show(db: AsyncSession, core: Core, workspace: Workspace, member: Member) -> Reply:
    today = core.local_today(workspace.timezone)
    monday = week_start(today)
    groups = await _groups(db, workspace.id, monday)
    group = next((g for g in groups if any(b.member_id == member.id for b in g)), None)
    if group is None:
        hint = "/buddy off to stop." if member.buddy else "/buddy on to get one next Monday."
        return Reply(title="No buddy this week", lines=[hint])
    others = [b for b in group if b.member_id != member.id]
    checkins = await db.execute(
        select(CheckIn.member_id, CheckIn.local_date, CheckIn.status)
        .where(
            CheckIn.member_id.in_([b.member_id for b in others]),
            CheckIn.local_date >= monday,
        )
        .order_by(CheckIn.local_date)
    )
    seen: dict[int, list[str]] = {}
    for member_id, day, status in checkins.all():
        seen.setdefault(member_id, []).append(f"{day:%a} {status}")
    lines = [
        f"{neutralize_mentions(b.name)} ({b.timezone}): "
        + (", ".join(seen[b.member_id]) if b.member_id in seen else "no check-in yet this week")
        for b in others
    ]
    return Reply(title=f"Your buddies this week (from {monday:%a %d %b})", lines=lines)
