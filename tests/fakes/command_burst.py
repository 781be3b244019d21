"""Fire many commands at once from one process: the concurrency tests' workers.

`python -m tests.fakes.command_burst URL NOW WORKSPACE USER` reads a JSON list of
command lines on stdin, sends them all at once through one Dispatcher (each in its
own transaction, as a chat platform's concurrent events would) and prints one
`[ok, title]` pair per line as JSON.
"""

from __future__ import annotations

import asyncio
import json
import sys
from datetime import datetime

from bot.caller import Caller, Platform
from bot.clock import FakeClock
from bot.commands.dispatcher import Dispatcher
from bot.config import DEFAULT_CURRICULUM
from bot.curriculum.loader import load_curriculum
from bot.services.context import Core
from bot.storage.engine import make_engine, make_sessions


async def burst(
    url: str, now: datetime, callers: list[Caller], lines: list[str]
) -> list[list[object]]:
    """Send `lines[i]` as `callers[i % len(callers)]`, all at once; the replies in order."""
    engine = make_engine(url)
    try:
        core = Core(make_sessions(engine), FakeClock(now), load_curriculum(DEFAULT_CURRICULUM))
        dispatcher = Dispatcher(core)
        replies = await asyncio.gather(
            *(
                dispatcher.handle(callers[index % len(callers)], line)
                for index, line in enumerate(lines)
            )
        )
        return [[reply.ok, reply.title] for reply in replies]
    finally:
        await engine.dispose()


def main() -> None:
    url, now, workspace, user = sys.argv[1:5]
    caller = Caller(Platform.CONSOLE, workspace, user, user.title())
    lines = json.loads(sys.stdin.read())
    results = asyncio.run(burst(url, datetime.fromisoformat(now), [caller], lines))
    print(json.dumps(results))


if __name__ == "__main__":
    main()
