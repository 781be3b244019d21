"""/calendar: the plan as an iCalendar file, read back with the same library: every study
day at the reminder time in the member's zone (through daylight saving), shifted by a
pause, importable again without doubling."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar

from tests.conftest import Bot, caller_for

ADA = caller_for("ada")
BERLIN = ZoneInfo("Europe/Berlin")


def _events(reply_content: str) -> list[tuple[datetime, str, str]]:
    calendar = Calendar.from_ical(reply_content)
    return sorted(
        (event.decoded("dtstart"), str(event["summary"]), str(event["uid"]))
        for event in calendar.walk("VEVENT")
    )


async def test_the_plan_is_every_study_day_at_the_reminder_time_shifted_by_a_pause(
    pathbot: Bot,
) -> None:
    pathbot.clock.set(datetime(2027, 1, 4, 8, tzinfo=UTC))
    assert (await pathbot.say(ADA, "/join 2027-01-04 Europe/Berlin 19:00")).ok
    pathbot.clock.set(datetime(2027, 1, 6, 8, tzinfo=UTC))
    assert (await pathbot.say(ADA, "/pause")).ok  # Wed 6th to Fri 8th away
    pathbot.clock.set(datetime(2027, 1, 9, 8, tzinfo=UTC))
    assert (await pathbot.say(ADA, "/resume")).ok

    reply = await pathbot.say(ADA, "/calendar")

    assert reply.ok, reply
    assert reply.attachment is not None
    assert reply.attachment.content_type == "text/calendar"
    events = _events(reply.attachment.content)
    total_days = pathbot.core.curriculum.total_days
    first, last = events[0], events[-1]
    # Days 1-2 were before the pause and are past; day 3 is today, Saturday the 9th.
    assert first[0] == datetime(2027, 1, 9, 19, 0, tzinfo=BERLIN)
    assert first[1].startswith("Study: Day 3, week 1")
    assert len(events) == total_days - 2
    # The path's end moved three days with the pause.
    assert last[0].date() == date(2027, 1, 4) + timedelta(days=total_days - 1 + 3)
    # 19:00 in Berlin on both sides of the switch to summer time (Sunday 28 March).
    by_day = {start.date(): start for start, _, _ in events}
    winter, summer = by_day[date(2027, 3, 27)], by_day[date(2027, 3, 29)]
    assert winter.timetz() == time(19, 0, tzinfo=winter.tzinfo)
    assert summer.time() == time(19, 0)
    assert winter.utcoffset() == timedelta(hours=1)
    assert summer.utcoffset() == timedelta(hours=2)
    assert "BEGIN:VTIMEZONE" in reply.attachment.content  # Outlook needs the zone itself
    assert len({uid for _, _, uid in events}) == len(events)


async def test_imported_again_the_events_keep_their_ids(pathbot: Bot) -> None:
    pathbot.clock.set(datetime(2027, 1, 4, 8, tzinfo=UTC))
    assert (await pathbot.say(ADA, "/join 2027-01-04 Europe/Berlin 19:00")).ok
    first = await pathbot.say(ADA, "/calendar")
    pathbot.clock.set(datetime(2027, 1, 5, 8, tzinfo=UTC))
    again = await pathbot.say(ADA, "/calendar")
    assert first.attachment is not None
    assert again.attachment is not None

    before = {uid: start for start, _, uid in _events(first.attachment.content)}
    after = {uid: start for start, _, uid in _events(again.attachment.content)}
    assert set(after) <= set(before)  # the same events, one day fewer
    assert all(before[uid] == start for uid, start in after.items())


async def test_calendar_is_for_members(pathbot: Bot) -> None:
    reply = await pathbot.say(caller_for("zed"), "/calendar")
    assert not reply.ok
    assert "haven't joined" in reply.text()
