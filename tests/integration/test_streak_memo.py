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
from bot.services.slipping import slipping
from bot.services.streaks import active_dates_by_member, compute_streaks
from bot.services.timeline import calendar_for
from bot.storage.models import Member, Workspace
from tests.conftest import Bot, caller_for

BOSS = caller_for("boss", admin=True)
START = date(2027, 1, 4)  # a Monday
#: Who, and where: the day boundary is each member's own.
ZONES = {"ada": "UTC", "bob": "America/Los_Angeles", "cy": "Asia/Tokyo", "dee": "Europe/Berlin"}
#: Refused in some states, and rightly: an undo with nothing left, a resume while not
#: paused, a log or check-in while paused, a pace with no cohort under way.
MAY_BE_REFUSED = ("/undo", "/resume", "/pause", "/log", "/checkin", "/pace")


async def _say(pathbot: Bot, user: str, line: str) -> bool:
    caller = BOSS if user == "boss" else caller_for(user)
    reply = await pathbot.say(caller, line)
    assert "went wrong" not in reply.text(), (user, line, reply.text())
    if not line.startswith(MAY_BE_REFUSED):
        assert reply.ok, (user, line, reply.text())
    return reply.ok


def _moves(rng: random.Random, day: date) -> list[tuple[str, str]]:
    """One day of a busy cohort: mostly logs and check-ins, now and then a log for an
    earlier day, an undo, a pause (some of them long) or a resume, a new pace, and new
    freezes."""
    moves: list[tuple[str, str]] = []
    for user in ZONES:
        roll = rng.random()
        if roll < 0.55:
            moves.append((user, f"/log {rng.choice(('30m', '1h', '1h30'))}"))
        elif roll < 0.70:
            moves.append((user, f"/checkin {rng.choice(('done', 'partial', 'blocked stuck'))}"))
        elif roll < 0.76:
            back = day - timedelta(days=rng.randint(1, 3))
            if back >= START + timedelta(days=1):
                moves.append((user, f"/log 45m --date {back.isoformat()}"))
        elif roll < 0.82:
            moves.append((user, "/undo"))
        elif roll < 0.835:
            moves.append((user, "/pause"))
        elif roll < 0.88:
            moves.append((user, "/resume"))
        elif roll < 0.90 and user == "dee":  # joined late, so has a choice of pace
            moves.append((user, f"/pace {rng.choice(('own', 'cohort'))}"))
    if rng.random() < 0.08:
        moves.append(("boss", f"/freezes {rng.randint(0, 2)}"))
    rng.shuffle(moves)
    return moves


async def _kept_streaks_agree_with_the_logs(pathbot: Bot) -> int:
    """Every kept streak still in force equals the one worked out from all the logs
    now; returns how many were checked."""
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
            assert last == max(dates)
            calendar = calendar_for(member, pathbot.core.curriculum, last)
            expected = compute_streaks(
                calendar, last, dates, workspace.streak_freezes_per_week, member.counts_from
            ).current
            assert member.streak_days == expected, (member.user_id, last)
            checked += 1
    return checked


STREAK = re.compile(r"a (\d+)(\+?)-day streak")


def _agree(kept: str, from_logs: str) -> int:
    """/at-risk from the kept streaks and from the logs say the same, but where the
    logs read were too few to see a streak's beginning ("25+"): then the kept one is
    at least that long. Returns how many streaks were compared."""
    assert STREAK.sub("a N-day streak", kept) == STREAK.sub("a N-day streak", from_logs)
    pairs = list(zip(STREAK.findall(kept), STREAK.findall(from_logs), strict=True))
    for (days, more), (read, at_least) in pairs:
        assert not more  # a kept streak is exact
        assert int(days) >= int(read) if at_least else int(days) == int(read)
    return len(pairs)


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
    return kept, from_logs


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_the_kept_streak_is_the_one_the_logs_give(pathbot: Bot, seed: int) -> None:
    rng = random.Random(seed)
    pathbot.clock.set(datetime(2027, 1, 3, 7, tzinfo=UTC))
    for line in ("/cohort-start 2027-01-04", "/workspace-tz UTC", "/admin-add boss"):
        await _say(pathbot, "boss", line)
    for user in ("ada", "bob", "cy"):
        await _say(pathbot, user, f"/join 2027-01-04 {ZONES[user]} 08:00")
    checked = compared = done = 0
    for offset in range(42):
        day = START + timedelta(days=offset)
        if offset == 3:  # dee joins late, keeping the cohort's pace
            await _say(pathbot, "dee", f"/join {ZONES['dee']} 08:00")
        noon = datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=12)
        for minute, (user, line) in enumerate(_moves(rng, day)):
            pathbot.clock.set(noon + timedelta(minutes=minute))
            done += await _say(pathbot, user, line)
        checked += await _kept_streaks_agree_with_the_logs(pathbot)
        # Each zone's evening, when streaks there are at stake: London's and Berlin's,
        # then Los Angeles', then Tokyo's (before the next day's moves at noon).
        for later in (8.5, 15, 22):
            pathbot.clock.set(noon + timedelta(hours=later))
            kept, from_logs = await _at_risk_both_ways(pathbot)
            compared += _agree(kept, from_logs)
    print(f"\nseed {seed}: {done} moves taken, {checked} kept streaks, {compared} at stake")
    assert done > 100  # most moves were taken, not refused
    assert checked > 100  # most days most members had a kept streak to compare
    assert compared >= 3  # and some were long enough to be at stake


async def test_after_new_freezes_the_streak_is_read_from_the_logs(pathbot: Bot) -> None:
    pathbot.clock.set(datetime(2027, 1, 4, 7, tzinfo=UTC))
    await _say(pathbot, "boss", "/workspace-tz UTC")
    await _say(pathbot, "ada", "/join 2027-01-04 UTC 08:00")
    for offset in range(10):
        if offset == 4:
            continue  # one missed day: a freeze covers it
        pathbot.clock.set(datetime(2027, 1, 4 + offset, 18, tzinfo=UTC))
        await _say(pathbot, "ada", "/log 1h")
    pathbot.clock.set(datetime(2027, 1, 14, 20, tzinfo=UTC))
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


async def _streak_of(pathbot: Bot, user: str) -> tuple[int | None, date | None]:
    async with pathbot.core.sessions() as db:
        row = (
            await db.execute(
                select(Member.streak_days, Member.streak_through).where(Member.user_id == user)
            )
        ).one()
    return row[0], row[1]


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
    assert await _streak_of(pathbot, "ada") == (8, date(2027, 1, 11))
    await _say(pathbot, "ada", "/pause")  # the 11th, after its log
    pathbot.clock.set(datetime(2027, 1, 12, 18, tzinfo=UTC))
    await _say(pathbot, "ada", "/resume")  # the pause covered the 11th only
    assert await _streak_of(pathbot, "ada") == (8, None)  # forgotten: 8 is wrong now
    kept, from_logs = await _at_risk_both_ways(pathbot)
    assert kept == from_logs
    assert "a 7-day streak ends tonight" in kept  # the 4th to the 10th
    await _say(pathbot, "ada", "/log 1h")  # the 12th
    assert await _streak_of(pathbot, "ada") == (8, date(2027, 1, 12))  # 4th-10th, 12th
    assert await _kept_streaks_agree_with_the_logs(pathbot) == 1

    pathbot.clock.set(datetime(2027, 1, 13, 9, tzinfo=UTC))
    await _say(pathbot, "ada", "/leave")
    await _say(pathbot, "ada", "/join 2027-01-08 UTC 08:00")  # back, from a later start
    assert (await _streak_of(pathbot, "ada"))[1] is None
    await _say(pathbot, "ada", "/log 1h")  # the 13th: the 8th, 9th, 10th, 12th, 13th
    assert await _streak_of(pathbot, "ada") == (5, date(2027, 1, 13))
    assert await _kept_streaks_agree_with_the_logs(pathbot) == 1


async def test_a_streak_across_a_long_pause_is_read_from_far_enough_back(pathbot: Bot) -> None:
    """Worked out from the logs (the kept one forgotten by new freezes), a walk that
    starts before a three-week pause reads the logs from where it starts."""
    pathbot.clock.set(datetime(2027, 1, 4, 7, tzinfo=UTC))
    await _say(pathbot, "boss", "/workspace-tz UTC")
    await _say(pathbot, "ada", "/join 2027-01-04 UTC 08:00")
    for day in (4, 5, 6, 7, 8):
        pathbot.clock.set(datetime(2027, 1, day, 18, tzinfo=UTC))
        await _say(pathbot, "ada", "/log 1h")
    pathbot.clock.set(datetime(2027, 1, 9, 9, tzinfo=UTC))
    await _say(pathbot, "ada", "/pause")
    pathbot.clock.set(datetime(2027, 1, 30, 9, tzinfo=UTC))
    await _say(pathbot, "ada", "/resume")
    for day in (30, 31):
        pathbot.clock.set(datetime(2027, 1, day, 18, tzinfo=UTC))
        await _say(pathbot, "ada", "/log 1h")
    pathbot.clock.set(datetime(2027, 2, 1, 20, tzinfo=UTC))
    before = await pathbot.say(BOSS, "/at-risk")
    assert any("a 7-day streak ends tonight" in line for line in before.lines), before.text()

    await _say(pathbot, "boss", "/freezes 2")  # forgets every kept streak

    after = await pathbot.say(BOSS, "/at-risk")
    assert any("a 7-day streak ends tonight" in line for line in after.lines), after.text()
