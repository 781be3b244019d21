"""A fake Discord gateway (websocket) on 127.0.0.1, speaking zlib-stream like Discord.

Enough of the protocol for discord.py's real `Client.connect()`: HELLO, IDENTIFY,
READY and GUILD_CREATE, heartbeats and ACKs, whatever dispatch events a test pushes
(INTERACTION_CREATE), and the faults Discord's gateway docs describe: a dropped
connection (the client RESUMEs and gets what it missed, then RESUMED), op 7 RECONNECT,
and op 9 INVALID_SESSION (resumable or not: then the client must IDENTIFY again).
Point `discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY`
at `url`.
"""

from __future__ import annotations

import asyncio
import json
import zlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import yarl
from aiohttp import WSMsgType, web

from tests.fakes.discord_api import APPLICATION_ID, BOT_USER_ID, FakeDiscordAPI, user_payload

HELLO, IDENTIFY, HEARTBEAT, HEARTBEAT_ACK, DISPATCH = 10, 2, 1, 11, 0
RESUME, RECONNECT, INVALID_SESSION = 6, 7, 9


class _Connection:
    def __init__(self, ws: web.WebSocketResponse, compress: str | None) -> None:
        self.ws = ws
        self._deflate = zlib.compressobj() if compress == "zlib-stream" else None

    async def send(
        self, op: int, data: Any, event: str | None = None, seq: int | None = None
    ) -> None:
        text = json.dumps({"op": op, "d": data, "s": seq, "t": event})
        if self._deflate is None:
            await self.ws.send_str(text)
            return
        # zlib-stream: one shared deflate context, each message ending in a sync flush.
        chunk = self._deflate.compress(text.encode()) + self._deflate.flush(zlib.Z_SYNC_FLUSH)
        await self.ws.send_bytes(chunk)


@dataclass
class _Session:
    """A gateway session: its dispatches are numbered and kept, so that a client that
    lost its connection can RESUME and get what it missed, as Discord does."""

    id: str
    seq: int = 0
    events: list[tuple[int, str, dict[str, Any]]] = field(default_factory=list)
    connection: _Connection | None = None
    valid: bool = True
    #: (shard id, shard count) from IDENTIFY; a plain client sends none: (0, 1).
    shard: tuple[int, int] = (0, 1)

    def owns(self, guild_id: str | int | None) -> bool:
        """Discord's rule: a server's events go to shard (server id >> 22) % count."""
        if guild_id is None:
            return True  # DMs go to shard 0 only, in real life; here every session sees them
        shard_id, count = self.shard
        return (int(guild_id) >> 22) % count == shard_id

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        self.seq += 1
        self.events.append((self.seq, event, data))
        if self.connection is not None:
            await self.connection.send(DISPATCH, data, event, self.seq)


class FakeDiscordGateway:
    def __init__(self) -> None:
        self.url = yarl.URL("ws://127.0.0.1/")
        self.identified: list[dict[str, Any]] = []
        #: Each RESUME a client sent, and whether it was accepted.
        self.resumes: list[tuple[dict[str, Any], bool]] = []
        #: Close the socket with this code right after IDENTIFY (4004 = bad token).
        self.close_after_identify: int | None = None
        #: The REST fake whose server the bot is in: READY lists it, GUILD_CREATE follows.
        self.api: FakeDiscordAPI | None = None
        self._sessions: dict[str, _Session] = {}
        self._changed = asyncio.Condition()

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/", self._gateway)
        return app

    async def wait_identified(self, count: int = 1, within_s: float = 5.0) -> dict[str, Any]:
        async with asyncio.timeout(within_s), self._changed:
            await self._changed.wait_for(lambda: len(self.identified) >= count)
        return self.identified[-1]

    async def wait_resumed(self, count: int = 1) -> list[tuple[dict[str, Any], bool]]:
        """Wait up to 10 s: discord.py backs off (up to 2 s at first) before it retries."""
        async with asyncio.timeout(10.0), self._changed:
            await self._changed.wait_for(lambda: len(self.resumes) >= count)
        return self.resumes

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        """Send a dispatch event (e.g. INTERACTION_CREATE) to every session; a session
        whose connection is down keeps it for its RESUME."""
        guild_id = data.get("guild_id") or (data.get("id") if event.startswith("GUILD_") else None)
        for session in list(self._sessions.values()):
            if session.valid and session.owns(guild_id):
                await session.dispatch(event, data)

    async def drop(self, code: int = 4000) -> None:
        """Close every connection (4000: "unknown error, reconnect"); the sessions stay
        resumable, as after a network blip or a gateway restart."""
        for session in self._sessions.values():
            if session.connection is not None:
                connection, session.connection = session.connection, None
                await connection.ws.close(code=code, message=b"Unknown error")

    async def reconnect(self) -> None:
        """Op 7 RECONNECT: Discord asks the client to reconnect and resume."""
        for session in self._sessions.values():
            if session.connection is not None:
                await session.connection.send(RECONNECT, None)

    async def invalidate(self, *, resumable: bool = False) -> None:
        """Op 9 INVALID_SESSION; not resumable: the client must IDENTIFY anew."""
        for session in self._sessions.values():
            if session.connection is not None:
                session.valid = resumable
                await session.connection.send(INVALID_SESSION, resumable)

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        connection = _Connection(ws, request.query.get("compress"))
        await connection.send(HELLO, {"heartbeat_interval": 45_000})
        session: _Session | None = None
        async for message in ws:
            if message.type is not WSMsgType.TEXT:
                continue
            payload = json.loads(message.data)
            if payload["op"] == HEARTBEAT:
                await connection.send(HEARTBEAT_ACK, None)
            elif payload["op"] == IDENTIFY and self.close_after_identify is not None:
                await ws.close(code=self.close_after_identify, message=b"Authentication failed.")
            elif payload["op"] == IDENTIFY:
                session = await self._identify(connection, payload["d"])
            elif payload["op"] == RESUME:
                session = await self._resume(connection, payload["d"])
        if session is not None and session.connection is connection:
            session.connection = None
        return ws

    async def _identify(self, connection: _Connection, data: dict[str, Any]) -> _Session:
        session = _Session(f"fake-session-{len(self._sessions) + 1}", connection=connection)
        shard_id, count = data.get("shard") or (0, 1)
        session.shard = (int(shard_id), int(count))
        self._sessions[session.id] = session
        guilds = [g for g in self.api.guild_creates() if session.owns(g["id"])] if self.api else []
        await session.dispatch("READY", self._ready(session, guilds))
        # As Discord does: READY lists the servers unavailable, then each one arrives
        # whole (lazy loading); discord.py waits for them before on_ready.
        for guild in guilds:
            await session.dispatch("GUILD_CREATE", guild)
        async with self._changed:
            self.identified.append(data)
            self._changed.notify_all()
        return session

    async def _resume(self, connection: _Connection, data: dict[str, Any]) -> _Session | None:
        session = self._sessions.get(str(data.get("session_id")))
        accepted = session is not None and session.valid
        async with self._changed:
            self.resumes.append((data, accepted))
            self._changed.notify_all()
        if session is None or not accepted:
            await connection.send(INVALID_SESSION, False)
            return None
        session.connection = connection
        # What was missed, in order, then RESUMED (the sequence Discord documents).
        for seq, event, payload in session.events:
            if seq > int(data.get("seq") or 0):
                await connection.send(DISPATCH, payload, event, seq)
        await session.dispatch("RESUMED", {})
        return session

    def _ready(self, session: _Session, guilds: list[dict[str, Any]]) -> dict[str, Any]:
        return {
            "v": 10,
            "user": user_payload(BOT_USER_ID, "pathbot", bot=True),
            "guilds": [{"id": guild["id"], "unavailable": True} for guild in guilds],
            "session_id": session.id,
            "resume_gateway_url": str(self.url),
            "application": {"id": APPLICATION_ID, "flags": 0},
            "shard": list(session.shard),
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
        # A server going down closes its sockets (1001 "going away") rather than
        # waiting for the clients to (aiohttp would wait for them up to a minute).
        await gateway.drop(code=1001)
        await runner.cleanup()
