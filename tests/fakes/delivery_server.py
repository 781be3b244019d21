"""A fake Discord REST endpoint for delivery tests and the fan-out benchmark.

It speaks the shape the delivery worker's HTTP sender uses:

* `POST /api/v10/users/@me/channels` `{"recipient_id": …}` opens a DM channel;
* `POST /api/v10/channels/{id}/messages` `{"content", "nonce", "enforce_nonce"}`
  creates a message.

Like Discord it enforces a global limit (a sliding one-second window) and
answers 429 with a `Retry-After` header and a JSON `retry_after` above it, and
with `enforce_nonce` it returns the original message for a nonce it has seen
in the last few minutes instead of creating a second one. Failures can be
injected: 5xx answers, and a hook that runs after a message is created but
before the answer goes out (to kill a client "just after the platform got it").
"""

from __future__ import annotations

import asyncio
import os
import random
import sys
from collections import Counter, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

API = "/api/v10"


@dataclass(frozen=True)
class FakeMessage:
    id: str
    channel_id: str
    content: str
    nonce: str | None

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "channel_id": self.channel_id,
            "content": self.content,
            "nonce": self.nonce,
            "type": 0,
        }


@dataclass
class Stats:
    requests: int = 0
    rate_limited: int = 0
    server_errors: int = 0
    nonce_replays: int = 0
    first_request_at: float | None = None
    request_times: list[float] = field(default_factory=list)
    last_request_at: float | None = None
    created: list[FakeMessage] = field(default_factory=list)

    def per_content(self) -> Counter[tuple[str, str]]:
        return Counter((message.channel_id, message.content) for message in self.created)

    def duplicates(self) -> int:
        return sum(count - 1 for count in self.per_content().values() if count > 1)


class FakeDeliveryServer:
    """Start with `await server.start()` (returns the API base URL), stop with `close()`."""

    def __init__(
        self,
        *,
        limit_per_s: float | None = 50.0,
        nonce_ttl_s: float = 300.0,
        server_error_rate: float = 0.0,
        fail_next: int = 0,
        seed: int = 0,
        after_create: Callable[[FakeMessage], Awaitable[None]] | None = None,
    ) -> None:
        self.limit_per_s = limit_per_s
        self.nonce_ttl_s = nonce_ttl_s
        self.server_error_rate = server_error_rate
        #: Answer the next N message requests with 503 (before creating anything).
        self.fail_next = fail_next
        self.after_create = after_create
        self.stats = Stats()
        self._rng = random.Random(seed)
        self._window: deque[float] = deque()
        self._nonces: dict[str, tuple[float, FakeMessage]] = {}
        self._next_id = 1_000_000
        self._runner: web.AppRunner | None = None
        #: Set on every message created / every request, for waiters that must not poll.
        self.changed = asyncio.Event()
        self.requested = asyncio.Event()

    async def start(self) -> str:
        app = web.Application()
        app.router.add_post(f"{API}/users/@me/channels", self._open_dm)
        app.router.add_post(f"{API}/channels/{{channel_id}}/messages", self._create_message)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None
        port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return f"http://127.0.0.1:{port}{API}"

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def _now(self) -> float:
        return asyncio.get_running_loop().time()

    def _rate_limit(self) -> web.Response | None:
        """Count the request; a 429 like Discord's global limit when over it."""
        self.stats.requests += 1
        self.requested.set()
        now = self._now()
        if self.stats.first_request_at is None:
            self.stats.first_request_at = now
        self.stats.last_request_at = now
        self.stats.request_times.append(now)
        if self.limit_per_s is None:
            return None
        while self._window and self._window[0] <= now - 1.0:
            self._window.popleft()
        if len(self._window) >= self.limit_per_s:
            self.stats.rate_limited += 1
            retry_after = max(self._window[0] + 1.0 - now, 0.001)
            return web.json_response(
                {
                    "message": "You are being rate limited.",
                    "retry_after": retry_after,
                    "global": True,
                },
                status=429,
                headers={"Retry-After": f"{retry_after:.3f}", "X-RateLimit-Global": "true"},
            )
        self._window.append(now)
        return None

    async def _open_dm(self, request: web.Request) -> web.Response:
        if (refused := _without_user_agent(request)) is not None:
            return refused
        if (limited := self._rate_limit()) is not None:
            return limited
        body = await request.json()
        recipient = str(body["recipient_id"])
        return web.json_response({"id": f"dm-{recipient}", "type": 1})

    async def _create_message(self, request: web.Request) -> web.Response:
        if (refused := _without_user_agent(request)) is not None:
            return refused
        if (limited := self._rate_limit()) is not None:
            return limited
        if self.fail_next > 0 or (
            self.server_error_rate and self._rng.random() < self.server_error_rate
        ):
            self.fail_next = max(self.fail_next - 1, 0)
            self.stats.server_errors += 1
            return web.json_response({"message": "upstream trouble"}, status=503)
        body = await request.json()
        channel_id = request.match_info["channel_id"]
        nonce = body.get("nonce")
        nonce = None if nonce is None else str(nonce)
        now = self._now()
        if nonce is not None and body.get("enforce_nonce"):
            seen = self._nonces.get(nonce)
            if seen is not None and now - seen[0] < self.nonce_ttl_s:
                self.stats.nonce_replays += 1
                return web.json_response(seen[1].as_json())
        self._next_id += 1
        message = FakeMessage(str(self._next_id), channel_id, str(body.get("content", "")), nonce)
        if nonce is not None:
            self._nonces[nonce] = (now, message)
        self.stats.created.append(message)
        self.changed.set()
        if self.after_create is not None:
            await self.after_create(message)
        return web.json_response(message.as_json())


# Driving a delivery process against the fake (used by the crash tests and the benchmark).

PATHBOT = str(Path(sys.executable).with_name("pathbot"))


def _without_user_agent(request: web.Request) -> web.Response | None:
    """Discord's docs: every HTTP client must send `User-Agent: DiscordBot ($url, $version)`."""
    if request.headers.get("User-Agent", "").startswith("DiscordBot ("):
        return None
    return web.json_response({"message": "400: Bad Request (User-Agent)", "code": 0}, status=400)


async def seed_reminders(
    sessions: async_sessionmaker[AsyncSession], count: int, due: datetime
) -> None:
    """A Discord workspace and `count` pending reminders, all due at `due`."""
    from bot.replies import Reply
    from bot.scheduling.outbox import MessageKind, NewMessage, enqueue
    from bot.scheduling.senders import Target
    from bot.storage.models import Workspace

    async with sessions() as session, session.begin():
        workspace = Workspace(
            platform="discord",
            external_id="bench",
            timezone="UTC",
            created_at=due,
            streak_freezes_per_week=1,
        )
        session.add(workspace)
        await session.flush()
        messages = [
            NewMessage(
                kind=MessageKind.REMINDER,
                workspace_id=workspace.id,
                platform="discord",
                target=Target.user(f"u{n}"),
                local_date=due.date(),
                local_time="09:00 UTC",
                reply=Reply(title=f"Reminder #{n}", lines=["Reply /checkin done"]),
                due_at=due,
                expires_at=None,
            )
            for n in range(count)
        ]
        await enqueue(session, messages, due)


def expected_contents(count: int) -> set[tuple[str, str]]:
    return {(f"dm-u{n}", f"Reminder #{n}\nReply /checkin done") for n in range(count)}


async def start_delivery(
    database_url: str,
    api_base: str,
    *,
    rate: float,
    burst: float = 1.0,
    until_empty: bool = True,
) -> asyncio.subprocess.Process:
    """`pathbot outbox deliver` in a child process on the given database."""
    env = {**os.environ, "PATHBOT_DATABASE_URL": database_url, "DISCORD_TOKEN": "fake-token"}
    args = [PATHBOT, "outbox", "deliver", "--api-base", api_base, "--rate", str(rate)]
    args += ["--burst", str(burst)]
    if until_empty:
        args.append("--until-empty")
    return await asyncio.create_subprocess_exec(
        *args, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
