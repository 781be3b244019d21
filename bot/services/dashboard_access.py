"""/dashboard and /me: the bot's private answer with a one-time sign-in link."""

from __future__ import annotations

from bot.replies import Reply
from bot.services.context import Core
from bot.services.dashboard_links import LINK_TTL, Role
from bot.storage.models import Member, Workspace

_MINUTES = int(LINK_TTL.total_seconds() // 60)


def _not_set_up() -> Reply:
    return Reply.error(
        "The web dashboard is not set up on this deployment.",
        "The organiser running pathbot sets PATHBOT_SECRET_KEY and PATHBOT_PUBLIC_URL.",
    )


def organiser_link(core: Core, workspace: Workspace, user_id: str) -> Reply:
    if core.links is None:
        return _not_set_up()
    url = core.links.link(workspace.id, user_id, Role.ORGANISER, workspace.dashboard_generation)
    return Reply(
        title="Your dashboard link",
        lines=[
            f"Open the cohort's dashboard: {url}",
            f"It works once, for {_MINUTES} minutes, and only for you: don't share it.",
        ],
        ephemeral=True,
    )


def sign_everyone_out(workspace: Workspace) -> Reply:
    """/dashboard-signout: every dashboard session and unused link of the workspace ends."""
    workspace.dashboard_generation += 1
    return Reply(
        title="Everyone is signed out of the dashboard",
        lines=[
            "Every open dashboard page and unused link of this workspace stops working.",
            "Anyone who still needs it asks the bot again: /dashboard, or /me.",
        ],
    )


def member_link(core: Core, workspace: Workspace, member: Member) -> Reply:
    if core.links is None:
        return _not_set_up()
    url = core.links.link(workspace.id, member.user_id, Role.MEMBER, workspace.dashboard_generation)
    return Reply(
        title="Your page",
        lines=[
            f"Your progress, streak calendar and plan: {url}",
            f"The link works once, for {_MINUTES} minutes.",
        ],
        ephemeral=True,
    )
