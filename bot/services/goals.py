"""/goal: a member's own weekly target, used instead of the path week's hours by
/progress (and its card), the weekly summary, and who-is-slipping's "behind the plan"."""

from __future__ import annotations

from bot.replies import Reply
from bot.services.context import UserError
from bot.services.hours import hours_text
from bot.storage.models import Member

MIN_GOAL_MINUTES = 60
#: Past this a week's goal is a typo, not a plan (16 h a day, every day, is 112 h).
MAX_GOAL_MINUTES = 80 * 60


def set_goal(member: Member, minutes: int | None) -> Reply:
    """`minutes` a week, or None for the path's own targets again."""
    if minutes is None:
        member.weekly_goal_minutes = None
        return Reply(
            title="Goal off",
            lines=["Your weekly target is the path's again (each week says how many hours)."],
        )
    if not MIN_GOAL_MINUTES <= minutes <= MAX_GOAL_MINUTES:
        raise UserError(
            f"A weekly goal goes from {hours_text(MIN_GOAL_MINUTES)} "
            f"to {hours_text(MAX_GOAL_MINUTES)}",
            "For example: /goal 8h, or /goal off for the path's own targets.",
        )
    member.weekly_goal_minutes = minutes
    return Reply(
        title=f"Goal set: {hours_text(minutes)} a week",
        lines=[
            "/progress, your weekly summary and the organisers' view of who is behind "
            "now measure you against it.",
            "Back to the path's targets: /goal off",
        ],
    )
