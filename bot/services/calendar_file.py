"""/calendar: the member's plan as an iCalendar file for Google Calendar or Outlook.

One event per study day from today to the end of the path, at the member's reminder
time in their own zone (the file carries the zone, so daylight-saving changes keep
the wall time), on the dates their pauses have shifted the path to.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from bot.curriculum.planner import day_plan
from bot.curriculum.planner_models import DayStatus
from bot.replies import Attachment, Reply
from bot.services.context import Core
from bot.services.plan import render_day
from bot.services.timeline import calendar_for, paused_dates
from bot.storage.models import Member, Workspace

#: A day planned with no minutes still gets a slot this long in the calendar.
MIN_EVENT = timedelta(minutes=30)


def plan_calendar(core: Core, workspace: Workspace, member: Member) -> Reply:
    today = core.local_today(member.timezone)
    zone = ZoneInfo(member.timezone)
    path = calendar_for(member, core.curriculum, today)
    paused = paused_dates(member.pauses, today)
    ics = Calendar()
    ics.add("prodid", "-//pathbot//study plan//EN")
    ics.add("version", "2.0")
    ics.add("x-wr-calname", "pathbot: your study plan")
    days = []
    for day in range(1, core.curriculum.total_days + 1):
        on = path.date_of(day)
        if on < today:
            continue
        plan = day_plan(core.curriculum, member.start_date, on, paused)
        if plan.status is not DayStatus.ACTIVE:
            continue
        start = datetime.combine(on, member.reminder_time, tzinfo=zone)
        shown = render_day(plan, core)
        event = Event()
        # Stable per member and path day: importing the file again updates, not doubles.
        event.add("uid", f"{workspace.platform}-{workspace.external_id}-{member.user_id}-day{day}")
        event.add("summary", f"Study: {shown.title}")
        event.add("description", "\n".join(shown.lines))
        event.add("dtstart", start)
        event.add("dtend", start + max(timedelta(minutes=plan.total_minutes), MIN_EVENT))
        event.add("dtstamp", core.clock.now())
        ics.add_component(event)
        days.append(on)
    ics.add_missing_timezones()
    if not days:
        return Reply(title="Nothing left to plan", lines=["Your path has no study days ahead."])
    return Reply(
        title="Your plan as a calendar",
        lines=[
            f"{len(days)} study days, {days[0]:%a %Y-%m-%d} to {days[-1]:%a %Y-%m-%d}, "
            f"at {member.reminder_time:%H:%M} ({member.timezone}).",
            "Import the file into Google Calendar or Outlook; after a pause, run /calendar "
            "again and import it over the old one.",
        ],
        attachment=Attachment(
            filename="pathbot-plan.ics",
            content_type="text/calendar",
            content=ics.to_ical().decode("utf-8"),
        ),
    )
