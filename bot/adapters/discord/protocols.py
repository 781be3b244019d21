"""What the Discord adapter needs from the core's dispatcher, as a structural type.

`bot.commands.dispatcher.Dispatcher` fits it; tests may use a tiny stand-in.
"""

from __future__ import annotations

from typing import Protocol

from bot.commands.caller import Caller
from bot.replies import Reply


class CommandHandler(Protocol):
    """The core's single entry point: one command line from one caller."""

    async def handle(self, caller: Caller, line: str) -> Reply: ...
