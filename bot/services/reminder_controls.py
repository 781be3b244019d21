"""Reminders people control: the days they come, the evening nudge, and "Later".

A snooze is kept on the member's row (the local day and when); the scheduler sends
the day's reminder again then, unless they checked in meanwhile, once, in their zone:
"in 1 h" is an hour of real time across a clock change, "tonight" is 20:00 on their
wall clock (or the first minute after a skipped hour)."""

from __future__ import annotations

from datetime import time, timedelta
from zoneinfo import ZoneInfo

from bot.replies import Reply, ReplyAction
from bot.scheduling.localtime import resolve
from bot.services.context import Core, UserError
from bot.services.members import require_active
from bot.services.weekdays import describe_days
from bot.storage.models import Member, Workspace

TONIGHT = time(20, 0)
SNOOZES = {"1h": timedelta(hours=1), "3h": timedelta(hours=3)}
SNOOZE_ACTIONS = (
    ReplyAction(label="In 1 hour", command="/snooze 1h"),
    ReplyAction(label="In 3 hours", command="/snooze 3h"),
    ReplyAction(label="Tonight", command="/snooze tonight"),
)
#: Under each reminder: one button that offers the three.
LATER = ReplyAction(label="Later ⏰", command="/snooze")


def later_action(workspace_external_id: str) -> ReplyAction:
    return LATER.model_copy(update={"workspace": workspace_external_id})


def wants_reminder_on(member: Member, weekday: int) -> bool:
    return bool(member.reminder_days & (1 << weekday))


def set_days(member: Member, mask: int) -> Reply:
    member.reminder_days = mask
    return Reply(
        title=f"Reminders: {describe_days(mask)}",
        lines=["On other days you get no reminder or nudge; your plan and streak are the same."],
    )


def set_nudges(member: Member, on: bool) -> Reply:
    member.nudges = on
    return Reply(
        title=f"Evening nudge {'on' if on else 'off'}",
        lines=[
            "When the workspace sends one and you haven't checked in by then."
            if on
            else "No evening nudge for you; the daily reminder stays."
        ],
    )


def set_nudge_time(workspace: Workspace, at: time | None) -> Reply:
    workspace.nudge_time = at
    if at is None:
        return Reply(title="Evening nudge off", lines=["Turn it on: /nudge-time 19:30"])
    return Reply(
        title=f"Evening nudge at {at:%H:%M}",
        lines=[
            "Members who haven't checked in by then, in their own time zone, get one "
            "short nudge (each can turn it off: /settings nudge off)."
        ],
    )


def snooze(core: Core, workspace: Workspace, member: Member, choice: str | None) -> Reply:
    require_active(member)
    if choice is None:
        pinned = [a.model_copy(update={"workspace": workspace.external_id}) for a in SNOOZE_ACTIONS]
        return Reply(title="Remind you again when?", actions=pinned)
    zone = ZoneInfo(member.timezone)
    now = core.clock.now()
    today = now.astimezone(zone).date()
    # Kept on the row by every check-in and log (bot.services.last_active).
    if member.last_active_on is not None and member.last_active_on >= today:
        raise UserError("You've already checked in or logged time today: nothing to remind")
    if member.snooze_date == today and member.snoozed_until is not None:
        raise UserError(
            f"Today's reminder is already put off until "
            f"{member.snoozed_until.astimezone(zone):%H:%M}",
            "One snooze a day.",
        )
    if choice == "tonight":
        when = resolve(today, TONIGHT, zone)
        if when <= now:
            raise UserError("It's already evening", "Try /snooze 1h.")
    elif choice in SNOOZES:
        when = now + SNOOZES[choice]
    else:
        raise UserError(f"Snooze for 1h, 3h or tonight, not {choice!r}")
    if when.astimezone(zone).date() != today:
        raise UserError("That's after midnight", "Check in tomorrow instead; or /snooze 1h.")
    member.snooze_date, member.snoozed_until = today, when
    return Reply(title=f"OK, I'll remind you at {when.astimezone(zone):%H:%M}")
