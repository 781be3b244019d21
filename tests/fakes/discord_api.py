"""A fake Discord REST API on 127.0.0.1 for driving the real discord.py client.

It answers the handful of routes pathbot's adapter uses (login, application
info, command sync, interaction callbacks and follow-ups, DM channels, channel
messages), records every request, and lets a test wait for a request without
sleeping. Message sends honour `nonce` + `enforce_nonce` the way Discord does:
a repeated nonce returns the first message instead of creating a new one.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import discord
from aiohttp import web

BOT_USER_ID = "900000000000000001"
APPLICATION_ID = "900000000000000002"
OWNER_ID = "900000000000000003"
TIMESTAMP = "2027-01-04T08:00:00.000000+00:00"


def user_payload(user_id: str, name: str, *, bot: bool = False) -> dict[str, Any]:
    return {
        "id": user_id,
        "username": name,
        "global_name": name.title(),
        "discriminator": "0",
        "avatar": None,
        "bot": bot,
    }


def _age_s(snowflake: str) -> float:
    """Seconds since Discord made this id (interaction ids, and so their tokens here)."""
    if not snowflake.isdigit():
        return 0.0
    return (datetime.now(UTC) - discord.utils.snowflake_time(int(snowflake))).total_seconds()


def _json(data: Any, status: int = 200) -> web.Response:
    # discord.py only decodes a body whose content type is exactly "application/json";
    # Discord's edge adds "Via", which discord.py takes as "a real 429, not Cloudflare".
    headers = {"Content-Type": "application/json", "Via": "1.1 google"}
    return web.Response(body=json.dumps(data).encode(), status=status, headers=headers)


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, str]
    body: dict[str, Any] | None
    files: dict[str, bytes] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)


class FakeDiscordAPI:
    """The recording fake; `base_url` is what `discord.http.Route.BASE` should become."""

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.base_url = ""
        self._last_id = 0
        self._messages_by_nonce: dict[tuple[str, str], tuple[float, dict[str, Any]]] = {}
        #: How long an enforced nonce is remembered ("the past few minutes").
        self.nonce_window_s = 300.0
        #: Every message posted, by channel (GET /channels/{id}/messages reads it).
        self.posted: dict[str, list[dict[str, Any]]] = {}
        #: Answer 50013 to thread creation (the bot lacks Create Public Threads).
        self.refuse_threads = False
        #: Post the next N messages but cut the connection instead of answering.
        self.lose_next_answers = 0
        self._changed = asyncio.Condition()
        self.fail_next_sends: list[tuple[int, dict[str, Any]]] = []
        #: Answer 401 to every call, as Discord does for a wrong bot token.
        self.refuse_token = False
        #: Channels GET /channels/{id} knows (others: 404, code 10003 Unknown Channel).
        self.channels: dict[str, str] = {}
        #: The one server those channels are in, as GET /guilds/{id} describes it: the
        #: @everyone role (the guild's own id) with a new server's default permissions.
        self.guild_id = "800000000000000001"
        self.everyone_permissions = (1 << 10) | (1 << 11) | (1 << 14) | (1 << 15) | (1 << 16)
        #: Discord's deadlines, from an interaction's creation (its id is a snowflake):
        #: 3 s for the first answer, 15 min for follow-ups with its token.
        self.answer_window_s = 3.0
        self.followup_window_s = 15 * 60.0
        self._answered: set[str] = set()
        #: At most this many DMs opened per window (count, seconds), else 40003. Discord
        #: does not publish the figure, so it is off unless a test sets one.
        self.dm_open_limit: tuple[int, float] | None = None
        self._dm_opens: list[float] = []
        #: More servers the bot is in (whole GUILD_CREATE payloads), beside `guild_id`'s.
        self.other_guilds: list[dict[str, Any]] = []
        #: Channel types other than text (0): 5 announcement, 2 voice.
        self.channel_types: dict[str, int] = {}
        #: Each channel's permission_overwrites ({"id", "type", "allow", "deny"}).
        self.overwrites: dict[str, list[dict[str, Any]]] = {}

    def new_id(self) -> str:
        """A snowflake of now, as Discord's ids are (so `after=` filters work), unique."""
        self._last_id = max(discord.utils.time_snowflake(datetime.now(UTC)), self._last_id + 1)
        return str(self._last_id)

    # -- waiting ---------------------------------------------------------------------------

    def matching(self, method: str, path_part: str) -> list[Recorded]:
        return [r for r in self.requests if r.method == method and path_part in r.path]

    async def wait_for(self, method: str, path_part: str, *, count: int = 1) -> list[Recorded]:
        """Wait (at most 5 s, so a broken test fails instead of hanging) for `count` requests."""
        async with asyncio.timeout(5.0), self._changed:
            await self._changed.wait_for(lambda: len(self.matching(method, path_part)) >= count)
        return self.matching(method, path_part)

    # -- server ----------------------------------------------------------------------------

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_route("*", "/api/v10/{tail:.*}", self._handle)
        return app

    async def _record(self, request: web.Request) -> Recorded:
        body: dict[str, Any] | None = None
        files: dict[str, bytes] = {}
        if request.content_type.startswith("multipart/"):
            reader = await request.multipart()
            async for part in reader:
                if not hasattr(part, "read"):
                    continue
                data = await part.read()
                if part.name == "payload_json":
                    body = json.loads(data)
                else:
                    files[part.filename or part.name or "file"] = bytes(data)
        elif request.can_read_body:
            body = await request.json()
        path = "/" + request.match_info["tail"]
        recorded = Recorded(
            request.method, path, dict(request.query), body, files, dict(request.headers)
        )
        async with self._changed:
            self.requests.append(recorded)
            self._changed.notify_all()
        return recorded

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        recorded = await self._record(request)
        if self.refuse_token:
            return _json({"message": "401: Unauthorized", "code": 0}, status=401)
        method, parts = recorded.method, recorded.path.strip("/").split("/")
        if method == "GET" and parts == ["users", "@me"]:
            return _json(user_payload(BOT_USER_ID, "pathbot", bot=True))
        if method == "GET" and parts[0] == "channels" and len(parts) == 2:
            name = self.channels.get(parts[1])
            if name is None:
                return _json({"message": "Unknown Channel", "code": 10003}, status=404)
            return _json(self.channel(parts[1]))
        if method == "GET" and parts == ["guilds", self.guild_id]:
            return _json(self.guild())
        if method == "GET" and parts[:3] == ["guilds", self.guild_id, "members"]:
            return _json({"user": user_payload(parts[3], "member"), "roles": []})
        if method == "GET" and parts == ["oauth2", "applications", "@me"]:
            return _json(self._application())
        if method == "PUT" and parts[0] == "applications" and parts[-1] == "commands":
            commands = recorded.body or []
            return _json(
                [{**c, "id": self.new_id(), "application_id": APPLICATION_ID} for c in commands]
            )
        if method == "POST" and parts[0] == "interactions" and parts[-1] == "callback":
            return self._callback(parts[1], recorded.body or {})
        if method == "POST" and parts == ["users", "@me", "channels"]:
            if self._opening_too_fast():
                too_fast = {"message": "You are opening direct messages too fast.", "code": 40003}
                return _json(too_fast, status=403)
            return _json(self._dm_channel((recorded.body or {})["recipient_id"]))
        if method == "GET" and parts[0] == "channels" and parts[-1] == "messages":
            return self._channel_messages(parts[1], recorded.query)
        if method == "POST" and parts[0] == "channels" and parts[-1] == "threads":
            if self.refuse_threads:
                missing = {"message": "Missing Permissions", "code": 50013}
                return _json(missing, status=403)
            body = recorded.body or {}
            thread = {
                "id": self.new_id(),
                "type": 11,
                "name": body.get("name"),
                "parent_id": parts[1],
            }
            return _json({**thread, "guild_id": self.guild_id, "owner_id": BOT_USER_ID})
        if method == "POST" and parts[0] == "channels" and parts[-1] == "messages":
            answer = self._create_message(parts[1], recorded.body or {})
            if self.lose_next_answers and answer.status == 200:
                # Posted, but the answer never reaches the bot: the connection is cut.
                self.lose_next_answers -= 1
                assert request.transport is not None
                request.transport.close()
            return answer
        if method in {"POST", "PATCH"} and parts[0] == "webhooks":
            if _age_s(parts[2].rsplit("-", 1)[-1]) > self.followup_window_s:
                # Discord: "Interaction tokens are valid for 15 minutes".
                return _json({"message": "Invalid Webhook Token", "code": 50027}, status=401)
            return _json(self._message("0", recorded.body or {}))
        return _json({"message": "404: Not Found", "code": 0}, status=404)

    def guild(self) -> dict[str, Any]:
        """The server as GET /guilds/{id} describes it."""
        everyone = {"id": self.guild_id, "name": "@everyone", "position": 0}
        return {
            "id": self.guild_id,
            "name": "Study group",
            "owner_id": OWNER_ID,
            "roles": [{**everyone, "permissions": str(self.everyone_permissions)}],
        }

    def channel(self, channel_id: str) -> dict[str, Any]:
        return {
            "id": channel_id,
            "type": self.channel_types.get(channel_id, 0),
            "name": self.channels[channel_id],
            "position": list(self.channels).index(channel_id),
            "guild_id": self.guild_id,
            "permission_overwrites": self.overwrites.get(channel_id, []),
        }

    def guild_creates(self) -> list[dict[str, Any]]:
        """Every server the bot is in, as GUILD_CREATE gives each."""
        return [self.guild_create(), *self.other_guilds]

    def guild_create(self) -> dict[str, Any]:
        """The server as the gateway's GUILD_CREATE gives it to a bot with the guilds
        intent: every channel with its overwrites, the roles, and the bot's own member."""
        return {
            **self.guild(),
            "unavailable": False,
            "large": False,
            "member_count": 2,
            "joined_at": "2027-01-01T00:00:00+00:00",
            "channels": [self.channel(c) for c in self.channels],
            "threads": [],
            "members": [
                {
                    "user": user_payload(BOT_USER_ID, "pathbot", bot=True),
                    "roles": [],
                    "joined_at": "2027-01-01T00:00:00+00:00",
                    "deaf": False,
                    "mute": False,
                    "flags": 0,
                }
            ],
        }

    def _application(self) -> dict[str, Any]:
        return {
            "id": APPLICATION_ID,
            "name": "pathbot",
            "description": "",
            "icon": None,
            "bot_public": False,
            "bot_require_code_grant": False,
            "owner": user_payload(OWNER_ID, "owner"),
            "verify_key": "0" * 64,
            "flags": 0,
        }

    def _callback(self, interaction_id: str, body: dict[str, Any]) -> web.Response:
        # Discord: an interaction must be answered within 3 seconds of its creation, and
        # once; later the callback is 10062 Unknown interaction, twice 40060.
        if _age_s(interaction_id) > self.answer_window_s:
            return _json({"message": "Unknown interaction", "code": 10062}, status=404)
        if interaction_id in self._answered:
            gone = {"message": "Interaction has already been acknowledged.", "code": 40060}
            return _json(gone, status=400)
        self._answered.add(interaction_id)
        data = body.get("data") or {}
        ephemeral = bool(int(data.get("flags", 0)) & 64)
        return _json(
            {
                "interaction": {
                    "id": interaction_id,
                    "type": 2,
                    "response_message_id": self.new_id(),
                    "response_message_loading": body.get("type") == 5,
                    "response_message_ephemeral": ephemeral,
                }
            }
        )

    def _opening_too_fast(self) -> bool:
        now = asyncio.get_running_loop().time()
        if self.dm_open_limit is None:
            return False
        count, window = self.dm_open_limit
        self._dm_opens = [t for t in self._dm_opens if now - t < window]
        if len(self._dm_opens) >= count:
            return True
        self._dm_opens.append(now)
        return False

    def _dm_channel(self, user_id: str) -> dict[str, Any]:
        return {
            "id": f"5{str(user_id)[1:]}",
            "type": 1,
            "last_message_id": None,
            "recipients": [user_payload(str(user_id), "member")],
        }

    def _create_message(self, channel_id: str, body: dict[str, Any]) -> web.Response:
        if self.fail_next_sends:
            status, payload = self.fail_next_sends.pop(0)
            return _json(payload, status=status)
        nonce = body.get("nonce")
        now = asyncio.get_running_loop().time()
        if nonce is not None and body.get("enforce_nonce"):
            # Discord checks an enforced nonce "for uniqueness in the past few minutes".
            known = self._messages_by_nonce.get((channel_id, nonce))
            if known is not None and now - known[0] <= self.nonce_window_s:
                return _json(known[1])
        message = self._message(channel_id, body)
        self.posted.setdefault(channel_id, []).append(message)
        if nonce is not None:
            self._messages_by_nonce[(channel_id, nonce)] = (now, message)
        return _json(message)

    def _channel_messages(self, channel_id: str, query: dict[str, str]) -> web.Response:
        """GET /channels/{id}/messages: newest first, `after` a snowflake, `limit` ≤ 100."""
        after = int(query.get("after", "0"))
        limit = min(int(query.get("limit", "50")), 100)
        newer = [m for m in self.posted.get(channel_id, []) if int(m["id"]) > after]
        # Message objects from this endpoint carry no nonce (only the create answer does).
        return _json([{k: v for k, v in m.items() if k != "nonce"} for m in newer[::-1][:limit]])

    def _message(self, channel_id: str, body: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": self.new_id(),
            "channel_id": channel_id,
            "type": 0,
            "author": user_payload(BOT_USER_ID, "pathbot", bot=True),
            "content": body.get("content") or "",
            "timestamp": TIMESTAMP,
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [],
            "embeds": body.get("embeds") or [],
            "pinned": False,
            "nonce": body.get("nonce"),
            "flags": 0,
        }


@asynccontextmanager
async def running_fake_discord() -> AsyncIterator[FakeDiscordAPI]:
    """Start the fake on an ephemeral port; yields it with `base_url` filled in."""
    fake = FakeDiscordAPI()
    runner = web.AppRunner(fake.app())
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    server = site._server
    assert server is not None
    port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    fake.base_url = f"http://127.0.0.1:{port}/api/v10"
    try:
        yield fake
    finally:
        await runner.cleanup()
