"""Who is speaking, as every adapter describes it to the core.

Plain data, like `bot.replies`: adapters build it, the commands read it and the
services take it, so it lives below all three.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Platform(StrEnum):
    CONSOLE = "console"
    DISCORD = "discord"
    SLACK = "slack"


@dataclass(frozen=True, slots=True)
class Caller:
    """The person behind a command, scoped by their workspace.

    `is_platform_admin` is what the platform says (Discord "Manage Server", Slack
    workspace admin, or the console's `--admin`); the core also keeps its own list
    of admins per workspace.
    """

    platform: Platform
    workspace_id: str
    user_id: str
    display_name: str
    is_platform_admin: bool = False
    #: The channel the command came from, when there is one (None for a DM or the console).
    channel_id: str | None = None
    #: The time zone the platform knows for this person (Slack's `tz`), if any: the
    #: default at /join, before the workspace's.
    timezone: str | None = None
