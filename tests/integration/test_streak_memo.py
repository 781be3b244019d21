"""Each member's streak kept on their row (bot.services.streak_memo) is the one their
logs give, whatever happened since: logs for earlier days, undos, pauses, a new pace,
new freezes. And who-is-slipping says the same from the kept streaks as from the logs."""

from __future__ import annotations

import random
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from bot.services.at_risk import at_risk_reply
from bot.services.slipping import STREAK_WINDOW, slipping
from bot.services.streaks import active_dates_by_member, compute_streaks
from bot.services.timeline import calendar_for
from bot.storage.models import Member, Workspace
from tests.conftest import Bot, caller_for

BOSS = caller_for("boss", admin=True)
START = date(2027, 1, 4)  # a Monday
PEOPLE = ("ada", "bob", "cy", "dee")


async def _say(pathbot: Bot, user: str, line: str) -> None:
    caller = BOSS if user == "boss" else caller_for(user)
    reply = await pathbot.say(caller, line)
    # A refusal (an undo with nothing left, a resume while not paused) is fine here:
    # the point is what it leaves behind.
    assert reply.text()


def _moves(rng: random.Random, day: date) -> list[tuple[str, str]]:
    """One day of a busy cohort: mostly logs and check-ins, now and then a log for an
    earlier day, an undo, a pause or a resume, a new pace, and new freezes."""
    moves: list[tuple[str, str]] = []
    for user in PEOPLE:
        roll = rng.random()
        if roll < 0.55:
            moves.append((user, f"/log {rng.choice(('30m', '1h', '1h30'))}"))
        elif roll < 0.70:
            moves.append((user, f"/checkin {rng.choice(('done', 'partial', 'blocked stuck'))}"))
        elif roll < 0.76:
            back = day - timedelta(days=rng.randint(1, 3))
            if back >= START:
                moves.append((user, f"/log 45m --date {back.isoformat()}"))
        elif roll < 0.82:
            moves.append((user, "/undo"))
        elif roll < 0.85:
            moves.append((user, "/pause"))
        elif roll < 0.90:
            moves.append((user, "/resume"))
        elif roll < 0.92 and user == "dee":  # joined late, so has a choice of pace
            moves.append((user, f"/pace {rng.choice(('own', 'cohort'))}"))
    if rng.random() < 0.08:
        moves.append(("boss", f"/freezes {rng.randint(0, 2)}"))
    rng.shuffle(moves)
    return moves


async def _kept_streaks_agree_with_the_logs(pathbot: Bot) -> int:
    """Every kept streak still in force equals the one worked out from the logs now;
    returns how many were checked."""
    checked = 0
    async with pathbot.core.sessions() as db:
        workspace = await db.scalar(select(Workspace))
        assert workspace is not None
        members = await db.scalars(select(Member).options(selectinload(Member.pauses)))
        for member in members:
            last = member.last_active_on
            if last is None or member.streak_through != last:
                continue
            dates = (await active_dates_by_member(db, [member.id]))[member.id]
            calendar = calendar_for(member, pathbot.core.curriculum, last)
            expected = compute_streaks(
                calendar, last, dates, workspace.streak_freezes_per_week, member.counts_from
            ).current
            assert member.streak_days == expected, (member.user_id, last)
            checked += 1
    return checked


def _as_read_from_the_window(text: str) -> str:
    # Worked out from the logs, a streak as long as the window read is said as "21+".
    def cap(match: re.Match[str]) -> str:
        days = int(match.group(1))
        return f"a {days if days < STREAK_WINDOW.days else f'{STREAK_WINDOW.days}+'}-day"

    return re.sub(r"a (\d+)\+?-day", cap, text)


async def _at_risk_both_ways(pathbot: Bot) -> tuple[str, str]:
    """/at-risk from the kept streaks, and with every kept streak forgotten (so worked
    out from the logs), in a transaction that is rolled back."""
    async with pathbot.core.sessions() as db:
        workspace = await db.scalar(select(Workspace))
        assert workspace is not None
        kept = (await at_risk_reply(db, pathbot.core, workspace)).text()
        await db.execute(update(Member).values(streak_through=None))
        from_logs = (await at_risk_reply(db, pathbot.core, workspace)).text()
        await db.rollback()
    return _as_read_from_the_window(kept), _as_read_from_the_window(from_logs)


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_the_kept_streak_is_the_one_the_logs_give(pathbot: Bot, seed: int) -> None:
    rng = random.Random(seed)
    pathbot.clock.set(datetime(2027, 1, 4, 7, tzinfo=UTC))
    for line in ("/cohort-start 2027-01-04", "/workspace-tz UTC", "/admin-add boss"):
        await _say(pathbot, "boss", line)
    for user in PEOPLE[:3]:
        await _say(pathbot, user, "/join 2027-01-04 UTC 08:00")
    checked = streaks_warned = 0
    for offset in range(35):
        day = START + timedelta(days=offset)
        if offset == 3:  # dee joins late, keeping the cohort's pace
            await _say(pathbot, "dee", "/join 2027-01-04 UTC 08:00")
        midnight = datetime.combine(day, datetime.min.time(), UTC)
        for hour, (user, line) in enumerate(_moves(rng, day)):
            pathbot.clock.set(midnight + timedelta(hours=9 + hour))
            await _say(pathbot, user, line)
        checked += await _kept_streaks_agree_with_the_logs(pathbot)
        # The next morning, before anyone checks in: yesterday's streaks are at stake.
        pathbot.clock.set(datetime.combine(day + timedelta(days=1), datetime.min.time(), UTC))
        kept, from_logs = await _at_risk_both_ways(pathbot)
        assert kept == from_logs, offset
        streaks_warned += kept.count("streak ends tonight")
    assert checked > 50  # most days most members had a kept streak to compare
    assert streaks_warned > 0  # and some were long enough to be at stake


async def test_after_new_freezes_the_streak_is_read_from_the_logs(pathbot: Bot) -> None:
    pathbot.clock.set(datetime(2027, 1, 4, 7, tzinfo=UTC))
    await _say(pathbot, "boss", "/workspace-tz UTC")
    await _say(pathbot, "ada", "/join 2027-01-04 UTC 08:00")
    for offset in range(10):
        if offset == 4:
            continue  # one missed day: a freeze covers it
        pathbot.clock.set(datetime(2027, 1, 4 + offset, 18, tzinfo=UTC))
        await _say(pathbot, "ada", "/log 1h")
    pathbot.clock.set(datetime(2027, 1, 14, 9, tzinfo=UTC))
    before = await pathbot.say(BOSS, "/at-risk")
    assert any("a 9-day streak ends tonight" in line for line in before.lines), before.text()

    await _say(pathbot, "boss", "/freezes 0")  # the missed day now breaks it

    async with pathbot.core.sessions() as db:
        kept = await db.scalar(select(Member.streak_through).where(Member.user_id == "ada"))
    assert kept is None
    after = await pathbot.say(BOSS, "/at-risk")
    # From the 9th only: five days, too short to warn about.
    ada = [line for line in after.lines if line.startswith("Ada:")]
    assert ada == ["Ada: 5h17 behind the plan (last active 2027-01-13)"], after.text()


async def test_twenty_are_listed_and_the_rest_counted(pathbot: Bot) -> None:
    pathbot.clock.set(datetime(2027, 1, 4, 7, tzinfo=UTC))
    await _say(pathbot, "boss", "/workspace-tz UTC")
    users = [f"m{n:02d}" for n in range(1, 26)]
    for user in users:
        await _say(pathbot, user, "/join 2027-01-04 UTC 08:00")
    pathbot.clock.set(datetime(2027, 1, 20, 9, tzinfo=UTC))  # all silent since the start

    reply = await pathbot.say(BOSS, "/at-risk")

    assert reply.title == "25 member(s) slipping"
    listed = [line.split(":")[0] for line in reply.lines if line.startswith("M")]
    assert listed == [user.title() for user in users[:20]]
    assert "… and 5 more: the dashboard lists everyone" in reply.lines
    async with pathbot.core.sessions() as db:
        workspace = await db.scalar(select(Workspace))
        assert workspace is not None
        everyone = await slipping(db, pathbot.core, workspace)
    assert everyone.total == 25
    assert [person.name for person in everyone.people] == [user.title() for user in users]


async def test_a_pause_over_an_active_day_or_a_new_start_is_read_again(pathbot: Bot) -> None:
    """A pause taken on a day already logged makes that day paused (neither counted nor
    missed), and a return with another start date moves every path day: the kept
    streak must not outlive either."""
    pathbot.clock.set(datetime(2027, 1, 4, 7, tzinfo=UTC))
    await _say(pathbot, "boss", "/workspace-tz UTC")
    await _say(pathbot, "ada", "/join 2027-01-04 UTC 08:00")
    for offset in range(8):  # Mon 4th .. Mon 11th
        pathbot.clock.set(datetime(2027, 1, 4 + offset, 18, tzinfo=UTC))
        await _say(pathbot, "ada", "/log 1h")
    await _say(pathbot, "ada", "/pause")  # the 11th, after its log
    pathbot.clock.set(datetime(2027, 1, 12, 18, tzinfo=UTC))
    await _say(pathbot, "ada", "/resume")  # the pause covered the 11th only
    await _kept_streaks_agree_with_the_logs(pathbot)
    kept, from_logs = await _at_risk_both_ways(pathbot)
    assert kept == from_logs
    assert "a 7-day streak ends tonight" in kept  # the 4th to the 10th

    await _say(pathbot, "ada", "/leave")
    await _say(pathbot, "ada", "/join 2027-01-08 UTC 08:00")  # back, from a later start
    await _kept_streaks_agree_with_the_logs(pathbot)
    kept, from_logs = await _at_risk_both_ways(pathbot)
    assert kept == from_logs
