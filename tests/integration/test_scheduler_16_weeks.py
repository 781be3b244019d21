"""Sixteen weeks of one cohort on the fake clock, members from UTC-10 to UTC+14.

Every daily post, reminder, nudge, leaderboard and weekly summary is counted
and its local time checked, including the days clocks change.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.clock import FakeClock
from bot.curriculum.loader import load_curriculum
from bot.scheduling.planning import ScheduleConfig
from bot.scheduling.simulate import Delivered, simulate
from bot.services.context import Core
from bot.storage.models import CheckIn, Member, MemberStatus, Pause, Workspace
from tests.conftest import Database

CURRICULUM = Path(__file__).resolve().parents[2] / "curriculum" / "ai-engineering.yaml"
START = date(2027, 1, 4)  # a Monday
LAST_DAY = START + timedelta(days=111)  # Sunday 2027-04-25
T0 = datetime(2027, 1, 3, tzinfo=UTC)
CONFIG = ScheduleConfig(nudge_time=time(20, 0), weekly_time=time(9, 0))

#: user -> (zone, reminder time); the times sit on each zone's daylight-saving change.
MEMBERS = {
    "hon": ("Pacific/Honolulu", time(18, 0)),  # UTC-10, no DST
    "ny": ("America/New_York", time(2, 30)),  # 2027-03-14 02:30 does not exist
    "lon": ("Europe/London", time(1, 30)),  # 2027-03-28 01:30 does not exist
    "syd": ("Australia/Sydney", time(2, 30)),  # 2027-04-04 02:30 happens twice
    "kir": ("Pacific/Kiritimati", time(7, 0)),  # UTC+14; checks in early every day
    "breaker": ("Europe/London", time(9, 0)),  # pauses one week in February
    "paused": ("Europe/Berlin", time(9, 0)),
    "gone": ("Europe/Berlin", time(9, 0)),
}


async def seed(db: Database) -> None:
    async with db.sessions() as session, session.begin():
        workspace = Workspace(
            platform="discord",
            external_id="guild",
            timezone="America/New_York",
            cohort_start=START,
            daily_channel="daily",
            daily_post_time=time(7, 0),
            leaderboard_channel="board",
            streak_freezes_per_week=1,
            created_at=T0,
        )
        session.add(workspace)
        await session.flush()
        for user, (zone, reminder) in MEMBERS.items():
            status = {"paused": MemberStatus.PAUSED, "gone": MemberStatus.LEFT}.get(
                user, MemberStatus.ACTIVE
            )
            member = Member(
                workspace_id=workspace.id,
                user_id=user,
                display_name=user.title(),
                timezone=zone,
                reminder_time=reminder,
                start_date=START,
                status=status.value,
                joined_at=T0,
            )
            session.add(member)
            await session.flush()
            if user == "paused":
                session.add(Pause(member_id=member.id, start_date=START, end_date=None))
            if user == "breaker":
                session.add(
                    Pause(
                        member_id=member.id, start_date=date(2027, 2, 1), end_date=date(2027, 2, 7)
                    )
                )
            if user == "kir":
                session.add_all(
                    CheckIn(
                        member_id=member.id,
                        local_date=START + timedelta(days=n),
                        status="done",
                        updated_at=T0,
                    )
                    for n in range(112)
                )


def local(message: Delivered, zone: str) -> datetime:
    return message.at_utc.astimezone(ZoneInfo(zone))


@pytest.mark.slow
async def test_sixteen_weeks_of_messages(database: Database) -> None:
    await seed(database)
    core = Core(
        sessions=database.sessions, clock=FakeClock(T0), curriculum=load_curriculum(CURRICULUM)
    )
    sent = await simulate(core, T0, datetime(2027, 5, 12, tzinfo=UTC), CONFIG)

    by_kind: dict[str, list[Delivered]] = defaultdict(list)
    for message in sent:
        by_kind[message.kind].append(message)
    # Time order, and nothing twice.
    assert [m.at_utc for m in sent] == sorted(m.at_utc for m in sent)
    assert len({(m.kind, m.target, m.local_time) for m in sent}) == len(sent)

    posts = by_kind["daily_post"]
    assert len(posts) == 112
    assert {m.target for m in posts} == {"channel:daily"}
    assert [local(m, "America/New_York").date() for m in posts] == [
        START + timedelta(days=n) for n in range(112)
    ]
    assert {local(m, "America/New_York").time() for m in posts} == {time(7, 0)}
    assert posts[0].text.startswith("Today for the cohort: Day 1, week 1")

    boards = by_kind["leaderboard"]
    mondays = [START + timedelta(weeks=n) for n in range(1, 17)]  # 2027-01-11 … 2027-04-26
    assert [local(m, "America/New_York").date() for m in boards] == mondays
    assert {local(m, "America/New_York").time() for m in boards} == {time(9, 0)}
    assert {m.target for m in boards} == {"channel:board"}

    reminders = Counter(m.target for m in by_kind["reminder"])
    # 112 path days each; Kiritimati checked in first, the paused and the gone get nothing.
    assert reminders == {f"user:{u}": 112 for u in ("hon", "ny", "lon", "syd", "breaker")}
    assert Counter(m.target for m in by_kind["nudge"]) == reminders
    for message in by_kind["reminder"]:
        user = message.target.removeprefix("user:")
        zone, at = MEMBERS[user]
        when = local(message, zone)
        expected = {
            ("ny", date(2027, 3, 14)): time(3, 0),  # the next valid minute
            ("lon", date(2027, 3, 28)): time(2, 0),
        }.get((user, when.date()), at)
        assert when.time() == expected, (user, when)
        assert "Reply /checkin done" in message.text
    for message in by_kind["nudge"]:
        zone, _ = MEMBERS[message.target.removeprefix("user:")]
        assert local(message, zone).time() == time(20, 0)
    # Sydney's 02:30 on the night clocks go back: once, at the first 02:30 (daylight time).
    (sydney,) = [
        m
        for m in by_kind["reminder"]
        if m.target == "user:syd" and local(m, "Australia/Sydney").date() == date(2027, 4, 4)
    ]
    assert local(sydney, "Australia/Sydney").tzname() == "AEDT"
    # The week-long pause moves the breaker's path (and reminders) a week later.
    breaker_days = {
        local(m, "Europe/London").date() for m in by_kind["reminder"] if m.target == "user:breaker"
    }
    assert date(2027, 2, 3) not in breaker_days
    assert max(breaker_days) == LAST_DAY + timedelta(days=7)

    summaries = Counter(m.target for m in by_kind["weekly_summary"])
    assert summaries == {
        **{f"user:{u}": 16 for u in ("hon", "ny", "lon", "syd", "kir")},
        "user:breaker": 17,
    }
    hon_summaries = [m.text for m in by_kind["weekly_summary"] if m.target == "user:hon"]
    assert hon_summaries[0].startswith("Your week 1 in review")
    assert "Next: week 2," in hon_summaries[0]
    assert hon_summaries[-1].startswith("Your week 16 in review")
    for message in by_kind["weekly_summary"]:
        zone, _ = MEMBERS[message.target.removeprefix("user:")]
        when = local(message, zone)
        assert (when.weekday(), when.time()) == (0, time(9, 0))
    assert set(by_kind) == {"daily_post", "leaderboard", "reminder", "nudge", "weekly_summary"}
