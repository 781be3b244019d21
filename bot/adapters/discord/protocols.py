"""What the Discord adapter needs from the core's dispatcher, as a structural type.

`bot.commands.dispatcher.Dispatcher` fits it; tests may use a tiny stand-in.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from bot.caller import Caller, Platform
from bot.replies import Reply
from bot.services.memberships import DmScope


class CommandHandler(Protocol):
    """The core's single entry point: one command line from one caller."""

    async def handle(self, caller: Caller, line: str) -> Reply: ...

    async def workspace_gone(self, platform: Platform, external_id: str, reason: str) -> None: ...

    async def workspace_joined(self, platform: Platform, external_id: str) -> Reply: ...


class DmScopes(Protocol):
    """Where a command sent in a DM runs (`bot.services.memberships.DirectMessageScopes`)."""

    async def scope(
        self,
        user_id: str,
        line: str,
        names: Mapping[str, str] | None = None,
        prefer: str | None = None,
    ) -> DmScope: ...
