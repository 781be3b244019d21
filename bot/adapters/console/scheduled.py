"""Scheduled messages in the console: the daily post and your reminders, as they fire.

The console has no delivery worker of its own; between commands (and once a
minute while the prompt waits) it asks the scheduler what has come due and
prints what concerns the person at the keyboard.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.caller import Caller
from bot.scheduling.console import due_messages
from bot.services.context import Core

#: Returns the scheduled messages that came due since the last call, ready to print.
DueCheck = Callable[[], Awaitable[list[str]]]


def due_check(core: Core, caller: Caller) -> DueCheck:
    """Channel posts and this caller's own DMs; other people's DMs are not shown here."""
    mine = f"user:{caller.user_id}"

    async def check() -> list[str]:
        delivered = await due_messages(core)
        return [
            f"📣 {message.kind.replace('_', ' ')} · {message.local_time}\n{message.text}"
            for message in delivered
            if message.target == mine or message.target.startswith("channel:")
        ]

    return check
