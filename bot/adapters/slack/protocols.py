"""What the Slack adapter needs from the core's dispatcher, as a structural type.

`bot.commands.dispatcher.Dispatcher` fits it; tests may use a tiny stand-in.
"""

from __future__ import annotations

from typing import Protocol

from bot.caller import Caller, Platform
from bot.replies import Reply


class CommandHandler(Protocol):
    """The core's single entry point, and what Slack's events tell it."""

    async def handle(self, caller: Caller, line: str) -> Reply: ...

    async def workspace_gone(self, platform: Platform, external_id: str, reason: str) -> None: ...

    async def first_time(self, key: str) -> bool: ...
