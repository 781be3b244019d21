"""What the Discord adapter needs from the core, as structural types.

The adapter depends on these shapes, not on the core's classes, so it can be
tested with a tiny dispatcher and the core can evolve behind them.
"""

from __future__ import annotations

from typing import Protocol

from bot.commands.caller import Caller
from bot.replies import Reply


class CommandHandler(Protocol):
    """The core's single entry point: one command line from one caller."""

    async def handle(self, caller: Caller, line: str) -> Reply: ...


class CommandInfo(Protocol):
    """One row of the command table, as much as a slash command needs."""

    @property
    def name(self) -> str: ...

    @property
    def help(self) -> str: ...
