"""Handlers and specs of the commands every member uses."""

from __future__ import annotations

from bot.commands.invocation import Invocation
from bot.commands.settings_commands import SETTINGS
from bot.commands.table import CommandSpec, Kind, Param, Permission
from bot.curriculum.planner_models import DayStatus
from bot.replies import Reply
from bot.services import (
    ask,
    celebrations,
    checkins,
    exercises,
    hours,
    leaderboard,
    member_messages,
    members,
    plan,
    privacy,
    progress,
)
from bot.storage.models import MemberStatus


async def _join(inv: Invocation) -> Reply:
    return await members.join(
        inv.db,
        inv.core,
        inv.workspace,
        inv.caller,
        inv.args.day("start"),
        inv.args.text("timezone"),
        inv.args.clock_time("reminder"),
        inv.args.text("pace"),
    )


async def _pause(inv: Invocation) -> Reply:
    reply = members.pause(inv.core, inv.joined)
    await member_messages.cancel_pending(inv.db, inv.joined)
    return reply


async def _resume(inv: Invocation) -> Reply:
    return members.resume(inv.core, inv.joined)


async def _leave(inv: Invocation) -> Reply:
    reply = await members.leave(inv.db, inv.core, inv.joined)
    await member_messages.cancel_pending(inv.db, inv.joined)
    return reply


async def _today(inv: Invocation) -> Reply:
    reply = await plan.today(inv.db, inv.core, inv.joined)
    member = inv.joined
    on_path = plan.member_day_plan(inv.core, member).status is DayStatus.ACTIVE
    if member.status == MemberStatus.ACTIVE and on_path:
        reply = reply.model_copy(update={"actions": list(checkins.CHECKIN_ACTIONS)})
    return reply


async def _week(inv: Invocation) -> Reply:
    return await plan.week(inv.db, inv.core, inv.joined, inv.args.integer("week"))


async def _checkin(inv: Invocation) -> Reply:
    status = checkins.parse_status(inv.args.require_text("status"))
    reply = await checkins.check_in(inv.db, inv.core, inv.joined, status, inv.args.text("note"))
    today = inv.core.local_today(inv.joined.timezone)
    await celebrations.after_activity(inv.db, inv.core, inv.joined, today)
    return reply


async def _log(inv: Invocation) -> Reply:
    minutes = inv.args.integer("duration")
    assert minutes is not None  # required parameter
    day = inv.args.day("date") or inv.core.local_today(inv.joined.timezone)
    reply = await hours.log_hours(inv.db, inv.core, inv.joined, minutes, inv.args.text("note"), day)
    await celebrations.after_log(inv.db, inv.core, inv.joined, day, minutes)
    return reply


async def _undo(inv: Invocation) -> Reply:
    return await hours.undo_last(inv.db, inv.core, inv.joined)


async def _finish(inv: Invocation) -> Reply:
    return await exercises.finish(inv.db, inv.core, inv.joined, inv.args.require_text("exercise"))


async def _progress(inv: Invocation) -> Reply:
    return await progress.progress(inv.db, inv.core, inv.joined, inv.workspace)


async def _leaderboard(inv: Invocation) -> Reply:
    period = leaderboard.parse_period(inv.args.text("period") or "this")
    return await leaderboard.leaderboard(inv.db, inv.core, inv.workspace, inv.member, period)


async def _ask(inv: Invocation) -> Reply:
    return await ask.ask(inv.core, inv.member, inv.args.require_text("question"))


async def _export(inv: Invocation) -> Reply:
    return await privacy.export(inv.db, inv.core, inv.workspace, inv.joined)


async def _forgetme(inv: Invocation) -> Reply:
    if inv.args.text("confirm") != privacy.CONFIRM_WORD:
        return privacy.forget_warning()
    return await privacy.forget(inv.db, inv.core, inv.workspace, inv.joined)


_NOTE = Param(
    "note", Kind.TEXT, "What you did (up to 1,000 characters).", required=False, rest=True
)

MEMBER_COMMANDS = (
    CommandSpec(
        "join",
        "Join the path: start date, time zone and reminder time, in any order.",
        _join,
        params=(
            Param("start", Kind.DATE, "First day (default: cohort start or next Monday).", False),
            Param("timezone", Kind.TIMEZONE, "Your time zone (default: the workspace's).", False),
            Param("reminder", Kind.TIME, "Daily reminder time (default 09:00).", False),
            Param(
                "pace",
                Kind.CHOICE,
                "A cohort under way: keep its pace (cohort) or start week 1 (own).",
                False,
                choices=("cohort", "own"),
            ),
        ),
        permission=Permission.EVERYONE,
        examples=(
            "/join",
            "/join 2027-01-04 Europe/Berlin 08:00",
            "/join Asia/Kolkata 7pm",
            "/join own",
        ),
    ),
    SETTINGS,
    CommandSpec("pause", "Pause your path: no reminders, your streak is safe.", _pause),
    CommandSpec("resume", "Resume after a pause; the plan picks up where you left it.", _resume),
    CommandSpec("leave", "Leave the path (your data stays until /forgetme).", _leave),
    CommandSpec(
        "today",
        "Today's plan: what to study, for how long, what to read.",
        _today,
        aliases=("plan",),
        writes=False,
    ),
    CommandSpec(
        "week",
        "This path week (or week N): blocks, numbered exercises, the days.",
        _week,
        params=(Param("week", Kind.INTEGER, "Path week number (default: yours).", False),),
        examples=("/week", "/week 5"),
        writes=False,
    ),
    CommandSpec(
        "checkin",
        "Check in for today: done, partial or blocked (again to update it).",
        _checkin,
        params=(
            Param("status", Kind.CHOICE, "How it went.", choices=("done", "partial", "blocked")),
            _NOTE,
        ),
        examples=("/checkin done", "/checkin blocked stuck on the attention maths"),
    ),
    CommandSpec(
        "log",
        "Log study time, with an optional note, for today or up to 7 days back.",
        _log,
        params=(
            Param("duration", Kind.DURATION, "1.5, 90m, 1h30, 1:30 or 2 hours."),
            _NOTE,
            Param("date", Kind.DATE, "The day it was (default today).", False, option=True),
        ),
        examples=("/log 1h30 read the HNSW paper", "/log 45m --date yesterday"),
    ),
    CommandSpec("undo", "Remove your most recent hour log.", _undo),
    CommandSpec(
        "finish",
        "Mark an exercise of this week finished, by its number in /week or by words.",
        _finish,
        params=(Param("exercise", Kind.TEXT, "Number or words from its title.", rest=True),),
        examples=("/finish 2",),
        aliases=("done",),
        # Words depend on the week, so they are explained rather than given as an example.
        details="Words work too: in week 7, /finish benchmark marks "
        "'Benchmark different indexing methods' finished.",
    ),
    CommandSpec(
        "progress",
        "Hours this week and in total, % of the path, streaks, ahead or behind.",
        _progress,
        aliases=("stats",),
        writes=False,
    ),
    CommandSpec(
        "leaderboard",
        "The leaderboard: this week, last week or all time (hours, then streak).",
        _leaderboard,
        params=(
            Param("period", Kind.CHOICE, "Which board.", False, choices=("this", "last", "all")),
        ),
        permission=Permission.EVERYONE,
        examples=("/leaderboard", "/leaderboard last", "/leaderboard all"),
        aliases=("lb",),
        writes=False,
        public=True,
    ),
    CommandSpec(
        "ask",
        "Ask what to read or study; answers cite where it sits in the path.",
        _ask,
        params=(Param("question", Kind.TEXT, "Your question.", rest=True),),
        permission=Permission.EVERYONE,
        examples=("/ask what should I read for HNSW?",),
        writes=False,
        slow=True,
    ),
    CommandSpec(
        "export",
        "Download everything pathbot stores about you (JSON).",
        _export,
        writes=False,
        slow=True,
    ),
    CommandSpec(
        "forgetme",
        "Delete everything about you here (asks for confirmation first).",
        _forgetme,
        params=(Param("confirm", Kind.CHOICE, "Type confirm.", False, choices=("confirm",)),),
        examples=("/forgetme", "/forgetme confirm"),
    ),
)
