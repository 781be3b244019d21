"""Who is slipping (/at-risk, the dashboard, the weekly organiser digest): each reason
on its own, the workspace's thresholds, and the digest through the outbox once a week."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from bot.scheduling.jobs import enqueue_due
from bot.storage.outbox import MessageKind, OutboxMessage
from tests.conftest import Bot, caller_for

BOSS = caller_for("boss", admin=True)
START = date(2027, 1, 4)  # a Monday


async def _day(pathbot: Bot, day: date, lines: dict[str, list[str]]) -> None:
    pathbot.clock.set(datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=20))
    for user, commands in lines.items():
        for line in commands:
            reply = await pathbot.say(caller_for(user), line)
            assert reply.ok, (user, line, reply.text())


async def _cohort(pathbot: Bot) -> None:
    """Two weeks and two days in: ada on plan, bob behind, cy blocked, dee on a streak
    that ends tonight, eve silent but on plan."""
    pathbot.clock.set(datetime(2027, 1, 4, 8, tzinfo=UTC))
    for line in ("/cohort-start 2027-01-04", "/workspace-tz UTC", "/admin-add boss"):
        assert (await pathbot.say(BOSS, line)).ok
    for user in ("ada", "bob", "cy", "dee", "eve"):
        assert (await pathbot.say(caller_for(user), "/join 2027-01-04 UTC 08:00")).ok
    for offset in range(16):  # Mon 4th .. Tue 19th
        day = START + timedelta(days=offset)
        plan = {
            "ada": ["/log 1h30", "/checkin done"],
            "cy": ["/log 1h30"],
            "dee": ["/log 1h30", "/checkin done"] if offset >= 5 else ["/log 1h30"],
            "eve": ["/log 1h45"] if offset < 12 else [],
        }
        if offset in (0, 1):
            plan["bob"] = ["/log 1h"]
        if offset == 15:
            plan["cy"].append("/checkin blocked can't get the tokenizer exercise to run")
            plan["ada"] = ["/log 1h30", "/checkin done"]
        await _day(pathbot, day, plan)
    # Wednesday the 20th, noon: ada has checked in today, dee has not (yet).
    await _day(pathbot, date(2027, 1, 20), {"ada": ["/log 1h30", "/checkin done"]})
    pathbot.clock.set(datetime(2027, 1, 20, 12, tzinfo=UTC))


async def test_each_reason_is_named_with_the_last_activity(pathbot: Bot) -> None:
    await _cohort(pathbot)
    noon = await pathbot.say(BOSS, "/at-risk")
    # At noon dee simply has not checked in yet: her streak is not at stake till 18:00.
    assert not any(line.startswith("Dee:") for line in noon.lines), noon.text()
    pathbot.clock.set(datetime(2027, 1, 20, 21, tzinfo=UTC))

    reply = await pathbot.say(BOSS, "/at-risk")

    text = reply.text()
    lines = {line.split(":")[0]: line for line in reply.lines}
    assert reply.title == "4 member(s) slipping", text
    assert "Ada" not in lines
    assert "behind the plan" in lines["Bob"]
    assert "silent for 15 days" in lines["Bob"]  # last log on the 5th
    assert "(last active 2027-01-05)" in lines["Bob"]
    assert "blocked: can't get the tokenizer exercise to run" in lines["Cy"]
    assert "a 16-day streak ends tonight" in lines["Dee"]  # a log a day since the 4th
    assert "silent for 5 days" in lines["Eve"]  # last log on the 15th
    assert "behind" not in lines["Eve"]


async def test_the_workspaces_rules_change_who_is_listed(pathbot: Bot) -> None:
    await _cohort(pathbot)
    assert (await pathbot.say(BOSS, "/at-risk-rules 50h 10")).ok
    pathbot.clock.set(datetime(2027, 1, 20, 21, tzinfo=UTC))  # dee's evening

    reply = await pathbot.say(BOSS, "/at-risk")

    names = {line.split(":")[0] for line in reply.lines[:-1]}
    assert names == {"Bob", "Cy", "Dee"}  # eve's four silent days are under ten
    assert "behind" not in reply.text().split("Bob:")[1].split("\n")[0]  # 18h < 50h


async def test_bad_rules_are_refused_and_change_nothing(pathbot: Bot) -> None:
    assert (await pathbot.say(BOSS, "/join")).ok
    before = await pathbot.snapshot()
    for line in (
        "/at-risk-rules 0 3",
        "/at-risk-rules 500h 3",
        "/at-risk-rules 5h 0",
        "/at-risk-rules 5h 45",
        "/at-risk-rules 90m 3",
        "/at-risk-rules",
    ):
        reply = await pathbot.say(BOSS, line)
        assert not reply.ok, line
    assert not (await pathbot.say(caller_for("ada"), "/at-risk")).ok  # admins only
    assert await pathbot.snapshot() == before


async def _digests(pathbot: Bot) -> list[OutboxMessage]:
    async with pathbot.core.sessions() as db:
        rows = await db.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.kind == MessageKind.ORGANISER_DIGEST.value)
            .order_by(OutboxMessage.local_date, OutboxMessage.target)
        )
        return list(rows)


async def _tick(pathbot: Bot, when: datetime) -> None:
    pathbot.clock.set(when)
    async with pathbot.core.sessions() as db, db.begin():
        await enqueue_due(db, pathbot.core, when)


async def test_the_digest_goes_once_a_week_to_the_listed_admins(pathbot: Bot) -> None:
    await _cohort(pathbot)
    assert (await pathbot.say(BOSS, "/admin-add carol")).ok
    monday = datetime(2027, 1, 25, 9, 0, tzinfo=UTC)

    await _tick(pathbot, monday - timedelta(minutes=1))
    assert await _digests(pathbot) == []  # not before 09:00 on Monday
    await _tick(pathbot, monday)
    await _tick(pathbot, monday + timedelta(minutes=1))  # a second run adds nothing
    first = await _digests(pathbot)
    assert [row.target for row in first] == ["user:boss", "user:carol"]
    body = first[0].body
    assert "Organiser digest (Monday 2027-01-25)" in body
    assert "5 active, 0 paused, 0 left." in body
    assert "Bob: " in body

    # Bob catches up during the week: the next digest no longer lists him (at 09:00
    # his new streak is not at stake yet: he has the day to check in).
    for offset in range(7):
        await _day(
            pathbot,
            date(2027, 1, 25) + timedelta(days=offset),
            {"bob": ["/log 6h", "/checkin done"]},
        )
    await _tick(pathbot, monday + timedelta(days=7))
    second = [row for row in await _digests(pathbot) if row.local_date == date(2027, 2, 1)]
    assert len(second) == 2
    assert "Bob: " not in second[0].body
    assert "Bob: " in body
    assert "behind the plan" in body.split("Bob: ")[1].split('"')[0]


async def test_the_digest_can_go_to_a_channel_or_nowhere(pathbot: Bot) -> None:
    await _cohort(pathbot)
    assert (await pathbot.say(BOSS, "/digest channel C0ORGANIS")).ok
    await _tick(pathbot, datetime(2027, 1, 25, 9, tzinfo=UTC))
    assert [row.target for row in await _digests(pathbot)] == ["channel:C0ORGANIS"]

    assert (await pathbot.say(BOSS, "/digest off")).ok
    await _tick(pathbot, datetime(2027, 2, 1, 9, tzinfo=UTC))
    assert len(await _digests(pathbot)) == 1


async def test_a_later_check_in_clears_blocked(pathbot: Bot) -> None:
    pathbot.clock.set(datetime(2027, 1, 4, 8, tzinfo=UTC))
    assert (await pathbot.say(BOSS, "/cohort-start 2027-01-04")).ok
    cy = caller_for("cy")
    assert (await pathbot.say(cy, "/join 2027-01-04 UTC 08:00")).ok
    assert (await pathbot.say(cy, "/checkin blocked the exercise won't run")).ok
    listed = await pathbot.say(BOSS, "/at-risk")
    assert any("blocked: the exercise won't run" in line for line in listed.lines)
    pathbot.clock.set(datetime(2027, 1, 5, 18, tzinfo=UTC))
    assert (await pathbot.say(cy, "/checkin done")).ok
    after = await pathbot.say(BOSS, "/at-risk")
    assert not any(line.startswith("Cy:") and "blocked" in line for line in after.lines)


async def test_silence_counts_only_the_days_a_member_chose(pathbot: Bot) -> None:
    pathbot.clock.set(datetime(2027, 1, 4, 8, tzinfo=UTC))
    assert (await pathbot.say(BOSS, "/workspace-tz UTC")).ok
    for user in ("ada", "bob"):
        assert (await pathbot.say(caller_for(user), "/join 2027-01-04 UTC 08:00")).ok
    assert (await pathbot.say(caller_for("ada"), "/settings days weekdays")).ok
    await _day(pathbot, date(2027, 1, 8), {"ada": ["/log 10h"], "bob": ["/log 10h"]})  # Fri
    pathbot.clock.set(datetime(2027, 1, 11, 12, tzinfo=UTC))  # Monday

    monday = await pathbot.say(BOSS, "/at-risk")
    assert not any(line.startswith("Ada:") for line in monday.lines), monday.text()
    assert any(line.startswith("Bob: silent for 3 days") for line in monday.lines)

    pathbot.clock.set(datetime(2027, 1, 19, 12, tzinfo=UTC))  # Tuesday, a week later
    later = await pathbot.say(BOSS, "/at-risk")
    ada = next(line for line in later.lines if line.startswith("Ada:"))
    assert "silent for 7 days (weekdays only)" in ada  # Mon-Fri, Mon, Tue
    assert "silent for 11 days" in next(line for line in later.lines if line.startswith("Bob:"))
