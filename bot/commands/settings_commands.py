"""/settings: show or change a member's own settings, one handler reading each."""

from __future__ import annotations

from bot.commands.invocation import Invocation
from bot.commands.parsing import ParseError, parse_time_of_day
from bot.commands.table import CommandSpec, Kind, Param
from bot.commands.timezones import parse_timezone
from bot.commands.weekdays import parse_days
from bot.replies import Reply
from bot.services import celebrations, members, reminder_controls
from bot.services.context import UserError


async def _settings(inv: Invocation) -> Reply:
    member = inv.joined
    key, value = inv.args.text("setting"), inv.args.text("value")
    if key is None:
        return members.show_settings(member)
    if value is None:
        raise UserError(f"Give a value for {key}", "e.g. /settings timezone Europe/Berlin")
    if key == "timezone":
        return members.set_timezone(member, parse_timezone(value).key)
    if key == "reminder":
        return members.set_reminder(member, parse_time_of_day(value))
    if key == "name":
        return members.set_name(member, value)
    if key == "reminders":
        return members.set_reminders(member, _on_off(value, "reminders"))
    if key == "days":
        return reminder_controls.set_days(member, parse_days(value))
    if key == "celebrate":
        return celebrations.set_celebrate(member, _on_off(value, "celebrate"))
    if key == "nudge":
        return reminder_controls.set_nudges(member, _on_off(value, "nudge"))
    return await members.set_leaderboard(inv.db, member, _on_off(value, "leaderboard"))


def _on_off(value: str, setting: str) -> bool:
    choice = value.strip().lower()
    if choice not in {"on", "off", "yes", "no", "show", "hide"}:
        raise ParseError(f"Use /settings {setting} on or /settings {setting} off")
    return choice in {"on", "yes", "show"}


SETTINGS = CommandSpec(
    "settings",
    "Show or change your settings: zone, reminder time and days, nudge, milestones, name, board.",
    _settings,
    params=(
        Param(
            "setting",
            Kind.CHOICE,
            "What to change.",
            required=False,
            choices=(
                "timezone",
                "reminder",
                "reminders",
                "days",
                "nudge",
                "celebrate",
                "name",
                "leaderboard",
            ),
        ),
        Param("value", Kind.TEXT, "The new value.", required=False, rest=True),
    ),
    examples=(
        "/settings",
        "/settings reminder 7:30",
        "/settings reminders on",
        "/settings leaderboard off",
    ),
)
