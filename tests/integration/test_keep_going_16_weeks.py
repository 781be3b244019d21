"""A whole 16-week cohort on the fake clock, through the command table and the real
scheduler and delivery worker: a late joiner, reminders on chosen days, a snooze across
Berlin's clock change, buddies paired week after week, and the organiser digest read
week by week as the organiser gets it.

- ada (Berlin) wants reminders on weekdays only, and works weekdays only;
- bob (Berlin, reminded at 01:30) works every day, and on the night the clocks go
  forward puts his reminder off for an hour;
- cy (Tokyo) has her own goal of 8 h a week and meets it, but is stuck one Sunday;
- dee (Seoul) joins in week 4, keeping the cohort's pace;
- eve (New York) works every day until 7 February, then falls silent.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.scheduling.simulate import Delivered, delivered, simulate
from bot.storage.models import BuddyGroup, Member
from tests.conftest import Bot, caller_for

START = date(2027, 1, 4)  # a Monday
END = START + timedelta(days=111)  # Sunday 2027-04-25, the path's last day
DEE_JOINS = date(2027, 1, 25)
EVE_STOPS = date(2027, 2, 7)
DST = date(2027, 3, 28)  # Berlin: 02:00 CET becomes 03:00 CEST
CY_STUCK = date(2027, 1, 24)
BOSS = caller_for("boss", admin=True)
ZONES = {
    "ada": "Europe/Berlin",
    "bob": "Europe/Berlin",
    "cy": "Asia/Tokyo",
    "dee": "Asia/Seoul",
    "eve": "America/New_York",
}


def _at(day: date, user: str, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), ZoneInfo(ZONES[user])).astimezone(UTC)


def _evening(day: date) -> list[tuple[datetime, str, list[str]]]:
    """What each member does at 19:00 their time on `day`."""
    plan: list[tuple[datetime, str, list[str]]] = []
    if day.weekday() < 5:
        plan.append((_at(day, "ada", 19), "ada", ["/log 1h30", "/checkin done"]))
    plan.append((_at(day, "bob", 19), "bob", ["/log 1h30", "/checkin done"]))
    cy = ["/log 1h10", "/checkin blocked stuck on the tokenizer exercise"]
    plan.append((_at(day, "cy", 19), "cy", cy if day == CY_STUCK else [cy[0], "/checkin done"]))
    if day >= DEE_JOINS:
        plan.append((_at(day, "dee", 19), "dee", ["/log 1h30", "/checkin done"]))
    if day <= EVE_STOPS:
        plan.append((_at(day, "eve", 19), "eve", ["/log 1h30", "/checkin done"]))
    return plan


#: When the organiser asks /at-risk during the run (its replies are kept by time).
ASKED = {
    # Eve's last day was the 7th: on the 8th, at 17:30 and at 18:30 in New York.
    datetime(2027, 2, 8, 22, 30, tzinfo=UTC),
    datetime(2027, 2, 8, 23, 30, tzinfo=UTC),
    # Sunday 21:00 in Berlin: everyone who works that day has checked in at 19:00.
    datetime(2027, 2, 14, 20, 0, tzinfo=UTC),
}


async def _run_the_cohort(pathbot: Bot, asked: dict[datetime, str]) -> list[Delivered]:
    async def say(user: str, line: str) -> None:
        reply = await pathbot.say(BOSS if user == "boss" else caller_for(user), line)
        assert reply.ok, (user, line, reply.text())
        if line == "/at-risk":
            asked[pathbot.clock.now()] = reply.text()

    now = datetime(2027, 1, 3, 10, tzinfo=UTC)
    pathbot.clock.set(now)
    for line in (
        "/cohort-start 2027-01-04",
        "/workspace-tz Europe/Berlin",
        "/admin-add boss",
        "/nudge-time 20:00",
        "/digest dm",
    ):
        await say("boss", line)
    for user, reminder in (("ada", "08:00"), ("bob", "01:30"), ("cy", "07:00"), ("eve", "07:00")):
        await say(user, f"/join 2027-01-04 {ZONES[user]} {reminder}")
        await say(user, "/buddy on")
    await say("ada", "/settings days weekdays")
    await say("cy", "/goal 8h")

    moments: list[tuple[datetime, str, list[str]]] = [
        # Dee joins on Monday of week 4, after her reminder time, keeping the pace.
        (_at(DEE_JOINS, "dee", 12), "dee", ["/join Asia/Seoul 07:00", "/buddy on"]),
        # Bob's 01:30 reminder has come; he presses Later: in an hour.
        (_at(DST, "bob", 1, 30), "bob", ["/snooze 1h"]),
    ]
    for offset in range(112):
        moments += _evening(START + timedelta(days=offset))
    moments += [(when, "boss", ["/at-risk"]) for when in ASKED]
    began = now
    for when, user, lines in sorted(moments):
        await simulate(pathbot.core, now, when)
        now = when
        pathbot.clock.set(when)
        for line in lines:
            await say(user, line)
    await simulate(pathbot.core, now, datetime(2027, 4, 26, 12, tzinfo=UTC))
    return await delivered(pathbot.core, since=began)


def _local(message: Delivered, user: str) -> datetime:
    return message.at_utc.astimezone(ZoneInfo(ZONES[user]))


def _to(sent: list[Delivered], kind: str, user: str) -> list[Delivered]:
    return [m for m in sent if m.kind == kind and m.target == f"user:{user}"]


def _line(digest: Delivered, name: str) -> str | None:
    found = [line for line in digest.text.splitlines() if line.startswith(f"{name}: ")]
    return found[0] if found else None


@pytest.mark.slow
async def test_sixteen_weeks_of_keeping_people_going(pathbot: Bot) -> None:
    asked: dict[datetime, str] = {}
    sent = await _run_the_cohort(pathbot, asked)
    assert len({(m.kind, m.target, m.local_time) for m in sent}) == len(sent)  # nothing twice

    # Reminders on the days chosen: ada's on the 80 weekdays of the path, none at a
    # weekend; bob's on all 112 days at 01:30, the night of the clock change included.
    ada = _to(sent, "reminder", "ada")
    assert len(ada) == 80
    assert {_local(m, "ada").weekday() for m in ada} == {0, 1, 2, 3, 4}
    bob = _to(sent, "reminder", "bob")
    assert len(bob) == 112
    assert {_local(m, "bob").time() for m in bob} == {time(1, 30)}
    # His snooze: once, one real hour later, which that night is 03:30 summer time.
    (snoozed,) = _to(sent, "snoozed_reminder", "bob")
    assert snoozed.at_utc == datetime(2027, 3, 28, 1, 30, tzinfo=UTC)
    assert (_local(snoozed, "bob").time(), _local(snoozed, "bob").tzname()) == (
        time(3, 30),
        "CEST",
    )

    # Reminders carry each member's own week target: cy's is her goal.
    assert all("Week target: 8h (your goal)" in m.text for m in _to(sent, "reminder", "cy"))
    assert not any("your goal" in m.text for m in bob)

    # The late joiner: reminded from the day she joined (at the scheduler's next run:
    # her 07:00 had passed) to the cohort's last day, not before.
    dee = _to(sent, "reminder", "dee")
    assert [_local(m, "dee").date() for m in dee] == [
        DEE_JOINS + timedelta(days=n) for n in range((END - DEE_JOINS).days + 1)
    ]
    assert dee[0].at_utc > _at(DEE_JOINS, "dee", 12)
    # The evening nudge goes only to whoever has not checked in by 20:00: eve, once
    # silent, every evening of the rest of the path.
    nudged = Counter(m.target for m in sent if m.kind == "nudge")
    assert nudged == {"user:eve": (END - EVE_STOPS).days}
    assert {_local(m, "eve").time() for m in _to(sent, "nudge", "eve")} == {time(20, 0)}

    # The organiser digest, every Monday at 09:00 Berlin from the end of week 1.
    digests = [m for m in sent if m.kind == "organiser_digest"]
    mondays = [START + timedelta(weeks=n) for n in range(1, 17)]
    assert [_local(m, "ada").date() for m in digests] == mondays
    assert {m.target for m in digests} == {"user:boss"}
    by_day = {_local(m, "ada").date(): m for m in digests}
    for monday, digest in by_day.items():
        assert digest.text.startswith(f"Organiser digest (Monday {monday.isoformat()})")
        active = 4 if monday < DEE_JOINS else 5
        assert f"{active} active, 0 paused, 0 left." in digest.text
        # cy meets her own 8 h, so she is never behind (the path asks 10 h or more).
        assert "behind" not in (_line(digest, "Cy") or "")
        # dee is judged only from the day she joined: never behind.
        assert "behind" not in (_line(digest, "Dee") or "")
        # ada works the weekdays she chose: a weekend is no silence on Monday morning.
        assert "silent" not in (_line(digest, "Ada") or "")
        # eve is silent from the 8th: listed once three days have passed, with her
        # last activity, and more days each week.
        eve = _line(digest, "Eve") or ""
        if (monday - EVE_STOPS).days < 3:
            assert "silent" not in eve
        else:
            assert f"silent for {(monday - EVE_STOPS).days} days" in eve
            assert eve.endswith("(last active 2027-02-07)")
    # A streak is at stake only in its member's evening: at 09:00 in Berlin it is 03:00
    # in New York, 17:00 in Tokyo and Seoul, so no digest lists one.
    assert not any("streak" in digest.text for digest in digests)
    # Eve's, the day after her last, from 18:00 in New York: a streak of the whole path.
    assert sorted(asked) == sorted(ASKED)
    afternoon, evening, sunday = (asked[when] for when in sorted(ASKED))
    assert "Eve:" not in afternoon
    assert "Eve: a 35-day streak ends tonight without a check-in (last active 2027-02-07)" in (
        evening
    )
    assert "streak" not in sunday.split("Behind by")[0]  # all checked in, none at stake
    # cy's Sunday: at 17:00 Tokyo on Monday the 25th her latest check-in says blocked.
    assert (_line(by_day[date(2027, 1, 25)], "Cy") or "").startswith(
        "Cy: blocked: stuck on the tokenizer exercise"
    )
    assert "blocked" not in (_line(by_day[date(2027, 2, 1)], "Cy") or "")
    # ada works 7h30 a week of the path's 10 h or more: she falls behind, more each week.
    behind = [
        monday for monday, digest in by_day.items() if "behind" in (_line(digest, "Ada") or "")
    ]
    assert behind == mondays[mondays.index(behind[0]) :]
    # Those who keep up are not listed at all: bob, and dee from the day she joined.
    assert all(_line(digest, "Bob") is None for digest in digests)
    assert all(_line(digest, "Dee") is None for digest in digests)

    # Buddies, every Monday: everyone who opted in, in pairs or a three, by time zone,
    # never the same pair two weeks running.
    async with pathbot.core.sessions() as db:
        names = dict((await db.execute(select(Member.id, Member.user_id))).all())
        rows = (
            await db.execute(
                select(BuddyGroup.week_start, BuddyGroup.group_no, BuddyGroup.member_id)
            )
        ).all()
    weeks: dict[date, dict[int, set[str]]] = {}
    for week, group, member in rows:
        weeks.setdefault(week, {}).setdefault(group, set()).add(names[member])
    assert sorted(weeks) == [START + timedelta(weeks=n) for n in range(17)]
    previous: list[set[str]] = []
    for week, groups in sorted(weeks.items()):
        members = sorted(user for group in groups.values() for user in group)
        assert members == (sorted(ZONES) if week >= DEE_JOINS else sorted(set(ZONES) - {"dee"}))
        assert all(len(group) in (2, 3) for group in groups.values())
        pairs = [group for group in groups.values() if len(group) == 2]
        assert not any(pair in previous for pair in pairs), (week, pairs, previous)
        previous = list(groups.values())
    # Week 1, along the UTC offsets New York -5, Berlin +1 twice, Tokyo +9: neighbours
    # pair up, so no one is more than eight hours from their buddy.
    assert sorted(map(sorted, weeks[START].values())) == [["ada", "eve"], ["bob", "cy"]]
    intros = Counter(m.target for m in sent if m.kind == "buddy_intro")
    assert intros["user:ada"] == 17
    assert intros["user:dee"] == 14
