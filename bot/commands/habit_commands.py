"""Handlers and specs of the commands that keep a member going: their own pace and
goal, reminders put off, a buddy, their web page and their calendar."""

from __future__ import annotations

from bot.commands.invocation import Invocation
from bot.commands.parsing import parse_duration
from bot.commands.table import CommandSpec, Kind, Param
from bot.replies import Reply
from bot.services import buddies, calendar_file, dashboard_access, goals, pace, reminder_controls


async def _pace(inv: Invocation) -> Reply:
    return await pace.set_pace(
        inv.db, inv.core, inv.workspace, inv.joined, inv.args.require_text("pace")
    )


async def _buddy(inv: Invocation) -> Reply:
    choice = inv.args.text("state")
    if choice is None:
        return await buddies.show(inv.db, inv.core, inv.workspace, inv.joined)
    return buddies.set_buddy(inv.joined, choice == "on")


async def _snooze(inv: Invocation) -> Reply:
    return reminder_controls.snooze(inv.core, inv.workspace, inv.joined, inv.args.text("when"))


async def _goal(inv: Invocation) -> Reply:
    text = inv.args.require_text("goal").strip()
    minutes = None if text.lower() in {"off", "none", "path"} else parse_duration(text)
    return goals.set_goal(inv.joined, minutes)


async def _me(inv: Invocation) -> Reply:
    return dashboard_access.member_link(inv.core, inv.workspace, inv.joined)


async def _calendar(inv: Invocation) -> Reply:
    return calendar_file.plan_calendar(inv.core, inv.workspace, inv.joined)


HABIT_COMMANDS = (
    CommandSpec(
        "pace",
        "Joined late: keep the cohort's pace (counting from your join day) or your own plan.",
        _pace,
        params=(Param("pace", Kind.CHOICE, "cohort or own.", choices=("cohort", "own")),),
        examples=("/pace own", "/pace cohort"),
    ),
    CommandSpec(
        "buddy",
        "A weekly accountability buddy: on, off, or (alone) who yours is this week.",
        _buddy,
        params=(Param("state", Kind.CHOICE, "on or off.", required=False, choices=("on", "off")),),
        examples=("/buddy on", "/buddy", "/buddy off"),
    ),
    CommandSpec(
        "snooze",
        "Put today's reminder off: in 1 hour, 3 hours, or tonight (once a day).",
        _snooze,
        params=(
            Param(
                "when",
                Kind.CHOICE,
                "1h, 3h or tonight.",
                required=False,
                choices=("1h", "3h", "tonight"),
            ),
        ),
        examples=("/snooze", "/snooze 1h"),
    ),
    CommandSpec(
        "goal",
        "Your own weekly target (used instead of the path's), or off.",
        _goal,
        params=(Param("goal", Kind.TEXT, "Hours a week (8h, 6h30), or off.", rest=True),),
        examples=("/goal 8h", "/goal off"),
    ),
    CommandSpec(
        "me",
        "A private link to your page: progress, streak calendar and plan.",
        _me,
        writes=False,
    ),
    CommandSpec(
        "calendar",
        "Your plan as a calendar file (each study day at your reminder time).",
        _calendar,
        writes=False,
    ),
)
