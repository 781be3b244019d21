"""Handlers and specs of the workspace admins' commands."""

from __future__ import annotations

from bot.commands.invocation import Invocation
from bot.commands.parsing import parse_time_of_day
from bot.commands.table import CommandSpec, Kind, Param, Permission
from bot.replies import Reply
from bot.services import (
    at_risk,
    dashboard_access,
    onboarding,
    reminder_controls,
    report,
    workspaces,
)
from bot.services.context import UserError


async def _workspace(inv: Invocation) -> Reply:
    return workspaces.describe(inv.workspace)


async def _setup(inv: Invocation) -> Reply:
    return await onboarding.checklist(inv.db, inv.workspace, inv.channel_access)


async def _set_channel(inv: Invocation) -> Reply:
    channel = inv.args.text("channel") or inv.caller.channel_id
    return workspaces.set_channel(inv.workspace, inv.args.require_text("which"), channel)


async def _post_time(inv: Invocation) -> Reply:
    when = inv.args.clock_time("time")
    assert when is not None  # required parameter
    return workspaces.set_post_time(inv.workspace, when)


async def _daily_thread(inv: Invocation) -> Reply:
    return workspaces.set_daily_thread(inv.workspace, inv.args.require_text("state") == "on")


async def _cohort_start(inv: Invocation) -> Reply:
    start = inv.args.day("date")
    assert start is not None  # required parameter
    return workspaces.set_cohort_start(inv.workspace, start)


async def _workspace_tz(inv: Invocation) -> Reply:
    return workspaces.set_timezone(inv.workspace, inv.args.require_text("timezone"))


async def _freezes(inv: Invocation) -> Reply:
    count = inv.args.integer("count")
    assert count is not None  # required parameter
    return await workspaces.set_freezes(inv.db, inv.workspace, count)


async def _admin_add(inv: Invocation) -> Reply:
    return await workspaces.add_admin(inv.db, inv.workspace, inv.args.require_text("user"))


async def _admin_remove(inv: Invocation) -> Reply:
    user = inv.args.require_text("user")
    if user == inv.caller.user_id and not inv.caller.is_platform_admin:
        raise UserError("You can't remove yourself", "Ask another admin to do it.")
    return await workspaces.remove_admin(inv.db, inv.workspace, user)


async def _nudge_time(inv: Invocation) -> Reply:
    text = inv.args.require_text("time").strip()
    at = None if text.lower() == "off" else parse_time_of_day(text)
    return reminder_controls.set_nudge_time(inv.workspace, at)


async def _at_risk(inv: Invocation) -> Reply:
    return await at_risk.at_risk_reply(inv.db, inv.core, inv.workspace)


async def _at_risk_rules(inv: Invocation) -> Reply:
    behind, silent = inv.args.integer("behind"), inv.args.integer("silent")
    assert behind is not None
    assert silent is not None
    return at_risk.set_rules(inv.workspace, behind, silent)


async def _digest(inv: Invocation) -> Reply:
    channel = inv.args.text("channel") or inv.caller.channel_id
    return at_risk.set_digest(inv.workspace, inv.args.require_text("where"), channel)


async def _dashboard(inv: Invocation) -> Reply:
    return dashboard_access.organiser_link(inv.core, inv.workspace, inv.caller.user_id)


async def _dashboard_signout(inv: Invocation) -> Reply:
    return dashboard_access.sign_everyone_out(inv.workspace)


async def _report(inv: Invocation) -> Reply:
    return await report.cohort_report(inv.db, inv.core, inv.workspace)


ADMIN_COMMANDS = (
    CommandSpec(
        "setup",
        "What is set up here and what is missing, with the command that fixes each.",
        _setup,
        permission=Permission.ADMIN,
        writes=False,
    ),
    CommandSpec(
        "workspace",
        "Show this workspace's settings.",
        _workspace,
        permission=Permission.ADMIN,
        writes=False,
    ),
    CommandSpec(
        "set-channel",
        "Set the daily-post or leaderboard channel (default: this channel).",
        _set_channel,
        params=(
            Param("which", Kind.CHOICE, "Which channel.", choices=("daily", "leaderboard")),
            Param("channel", Kind.CHANNEL, "The channel (default: this one).", required=False),
        ),
        permission=Permission.ADMIN,
        examples=("/set-channel daily", "/set-channel leaderboard C0123456"),
    ),
    CommandSpec(
        "post-time",
        "When the day's plan is posted, in the workspace's time zone.",
        _post_time,
        params=(Param("time", Kind.TIME, "e.g. 07:00."),),
        permission=Permission.ADMIN,
        examples=("/post-time 07:00",),
    ),
    CommandSpec(
        "daily-thread",
        "Open a thread under each daily post for that day's discussion (Discord).",
        _daily_thread,
        params=(Param("state", Kind.CHOICE, "on or off.", choices=("on", "off")),),
        permission=Permission.ADMIN,
        examples=("/daily-thread on",),
    ),
    CommandSpec(
        "cohort-start",
        "The date new members start on by default.",
        _cohort_start,
        params=(Param("date", Kind.DATE, "e.g. 2027-01-04."),),
        permission=Permission.ADMIN,
        examples=("/cohort-start 2027-01-04",),
    ),
    CommandSpec(
        "workspace-tz",
        "The workspace's time zone (daily posts, leaderboard weeks, new members).",
        _workspace_tz,
        params=(Param("timezone", Kind.TIMEZONE, "e.g. Europe/Berlin."),),
        permission=Permission.ADMIN,
        examples=("/workspace-tz Europe/Berlin",),
    ),
    CommandSpec(
        "freezes",
        "Missed days per path week that don't break a streak (default 1).",
        _freezes,
        params=(
            Param(
                "count", Kind.INTEGER, "0 to 7.", minimum=0, maximum=workspaces.MAX_FREEZES_PER_WEEK
            ),
        ),
        permission=Permission.ADMIN,
        examples=("/freezes 2",),
    ),
    CommandSpec(
        "admin-add",
        "Add a workspace admin.",
        _admin_add,
        params=(Param("user", Kind.USER, "A mention or user id."),),
        permission=Permission.ADMIN,
        examples=("/admin-add @carol",),
    ),
    CommandSpec(
        "admin-remove",
        "Remove a workspace admin.",
        _admin_remove,
        params=(Param("user", Kind.USER, "A mention or user id."),),
        permission=Permission.ADMIN,
        examples=("/admin-remove @carol",),
    ),
    CommandSpec(
        "nudge-time",
        "The evening nudge for members who haven't checked in yet (their zone), or off.",
        _nudge_time,
        params=(Param("time", Kind.TEXT, "HH:MM, or off.", rest=True),),
        permission=Permission.ADMIN,
        examples=("/nudge-time 19:30", "/nudge-time off"),
    ),
    CommandSpec(
        "at-risk",
        "Who is slipping: behind plan, silent, blocked, or about to lose a long streak.",
        _at_risk,
        permission=Permission.ADMIN,
        writes=False,
    ),
    CommandSpec(
        "at-risk-rules",
        "When a member counts as slipping: hours behind the plan, days silent.",
        _at_risk_rules,
        params=(
            Param("behind", Kind.DURATION, "Hours behind the plan, e.g. 5h."),
            Param(
                "silent",
                Kind.INTEGER,
                "Days without a check-in or a log.",
                minimum=1,
                maximum=at_risk.MAX_SILENT_DAYS,
            ),
        ),
        permission=Permission.ADMIN,
        examples=("/at-risk-rules 5h 3", "/at-risk-rules 10h 7"),
    ),
    CommandSpec(
        "digest",
        "Where the weekly organiser digest goes: admins' DMs, a channel, or off.",
        _digest,
        params=(
            Param("where", Kind.CHOICE, "dm, channel or off.", choices=("dm", "channel", "off")),
            Param("channel", Kind.CHANNEL, "The channel (default: this one).", required=False),
        ),
        permission=Permission.ADMIN,
        examples=("/digest dm", "/digest channel", "/digest off"),
    ),
    CommandSpec(
        "dashboard",
        "A private one-time link to the cohort's web dashboard.",
        _dashboard,
        permission=Permission.ADMIN,
        writes=False,
    ),
    CommandSpec(
        "dashboard-signout",
        "Sign everyone out of the web dashboard (a lost laptop, a shared link).",
        _dashboard_signout,
        permission=Permission.ADMIN,
    ),
    CommandSpec(
        "report",
        "Cohort report: CSV with hours per week, check-ins, streak and status per member.",
        _report,
        permission=Permission.ADMIN,
        writes=False,
        slow=True,
    ),
)
