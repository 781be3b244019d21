"""A fake Discord gateway (websocket) on 127.0.0.1, speaking zlib-stream like Discord.

Enough of the protocol for discord.py's real `Client.connect()`: HELLO, IDENTIFY,
READY, heartbeats and ACKs, then whatever dispatch events a test pushes
(INTERACTION_CREATE). Point `discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY`
at `url`.
"""

from __future__ import annotations

import asyncio
import json
import zlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import yarl
from aiohttp import WSMsgType, web

from tests.fakes.discord_api import APPLICATION_ID, BOT_USER_ID, FakeDiscordAPI, user_payload

HELLO, IDENTIFY, HEARTBEAT, HEARTBEAT_ACK, DISPATCH = 10, 2, 1, 11, 0


class _Connection:
    def __init__(self, ws: web.WebSocketResponse, compress: str | None) -> None:
        self.ws = ws
        self._deflate = zlib.compressobj() if compress == "zlib-stream" else None
        self.sequence = 0

    async def send(self, op: int, data: Any, event: str | None = None) -> None:
        sequence = None
        if op == DISPATCH:
            self.sequence += 1
            sequence = self.sequence
        text = json.dumps({"op": op, "d": data, "s": sequence, "t": event})
        if self._deflate is None:
            await self.ws.send_str(text)
            return
        # zlib-stream: one shared deflate context, each message ending in a sync flush.
        chunk = self._deflate.compress(text.encode()) + self._deflate.flush(zlib.Z_SYNC_FLUSH)
        await self.ws.send_bytes(chunk)


class FakeDiscordGateway:
    def __init__(self) -> None:
        self.url = yarl.URL("ws://127.0.0.1/")
        self.identified: list[dict[str, Any]] = []
        #: Close the socket with this code right after IDENTIFY (4004 = bad token).
        self.close_after_identify: int | None = None
        #: The REST fake whose server the bot is in: READY lists it, GUILD_CREATE follows.
        self.api: FakeDiscordAPI | None = None
        self._connections: list[_Connection] = []
        self._changed = asyncio.Condition()

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/", self._gateway)
        return app

    async def wait_identified(self) -> dict[str, Any]:
        async with asyncio.timeout(5.0), self._changed:
            await self._changed.wait_for(lambda: bool(self.identified))
        return self.identified[-1]

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        """Send a dispatch event (e.g. INTERACTION_CREATE) to every identified client."""
        for connection in list(self._connections):
            await connection.send(DISPATCH, data, event)

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        connection = _Connection(ws, request.query.get("compress"))
        await connection.send(HELLO, {"heartbeat_interval": 45_000})
        async for message in ws:
            if message.type is not WSMsgType.TEXT:
                continue
            payload = json.loads(message.data)
            if payload["op"] == HEARTBEAT:
                await connection.send(HEARTBEAT_ACK, None)
            elif payload["op"] == IDENTIFY and self.close_after_identify is not None:
                await ws.close(code=self.close_after_identify, message=b"Authentication failed.")
            elif payload["op"] == IDENTIFY:
                await connection.send(DISPATCH, self._ready(), "READY")
                if self.api is not None:
                    # As Discord does: READY lists the servers unavailable, then each one
                    # arrives whole (lazy loading); discord.py waits for them before on_ready.
                    await connection.send(DISPATCH, self.api.guild_create(), "GUILD_CREATE")
                async with self._changed:
                    self._connections.append(connection)
                    self.identified.append(payload["d"])
                    self._changed.notify_all()
        if connection in self._connections:
            self._connections.remove(connection)
        return ws

    def _ready(self) -> dict[str, Any]:
        return {
            "v": 10,
            "user": user_payload(BOT_USER_ID, "pathbot", bot=True),
            "guilds": (
                [{"id": self.api.guild_id, "unavailable": True}] if self.api is not None else []
            ),
            "session_id": "fake-session",
            "resume_gateway_url": str(self.url),
            "application": {"id": APPLICATION_ID, "flags": 0},
            "shard": [0, 1],
        }


@asynccontextmanager
async def running_fake_gateway() -> AsyncIterator[FakeDiscordGateway]:
    gateway = FakeDiscordGateway()
    runner = web.AppRunner(gateway.app())
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    server = site._server
    assert server is not None
    port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    gateway.url = yarl.URL(f"ws://127.0.0.1:{port}/")
    try:
        yield gateway
    finally:
        await runner.cleanup()
