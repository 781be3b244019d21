"""A fake Slack Web API (and response_url endpoint) on 127.0.0.1.

Serves the methods pathbot calls through slack_sdk's real AsyncWebClient
(auth.test, users.info, conversations.open, chat.postMessage, the three-step
file upload) and the response_url a slash command replies to. It records every
call, can fail the next call of a method, and lets tests wait without sleeping.
Also signs requests the way Slack does, for driving slack-bolt's verification.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from aiohttp import WSMsgType, web
from slack_sdk.signature import SignatureVerifier

from bot.clock import SystemClock

TEAM_ID = "T0COHORT1"
BOT_USER_ID = "U0PATHBOT"
BOT_ID = "B0PATHBOT"
SIGNING_SECRET = "test-signing-secret"


@dataclass
class Call:
    method: str
    args: dict[str, Any]
    raw: bytes = b""
    #: The bot token the call was made with ("" without one).
    token: str = ""


#: How many messages one response_url takes (Slack: "up to 5 times within 30 minutes").
RESPONSE_URL_USES = 5
#: Blocks a modal or Home tab view may hold (Slack's views.publish and views.open).
VIEW_BLOCK_LIMIT = 100


@dataclass
class FakeSlackAPI:
    """Users are `{user_id: users.info "user" object}`; `base_url` ends with "/api/"."""

    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: conversations.info's channel objects by id (others: channel_not_found).
    channels: dict[str, dict[str, Any]] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    fail_next: dict[str, tuple[int, dict[str, Any], dict[str, str]]] = field(default_factory=dict)
    root_url: str = ""
    _ts: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _changed: asyncio.Condition = field(default_factory=asyncio.Condition)
    _sockets: list[web.WebSocketResponse] = field(default_factory=list)
    #: Calls a minute a method answers before 429s (Slack's tiers: users.info is Tier 4,
    #: "100+ per minute"; conversations.open Tier 3, "50+"). Off unless a test sets one.
    per_minute: dict[str, int] = field(default_factory=dict)
    _answered_at: dict[str, list[float]] = field(default_factory=dict)
    #: Every response_url past its 30 minutes (a slow answer): 404 "expired_url".
    response_urls_expired: bool = False
    _response_uses: dict[str, int] = field(default_factory=dict)
    #: Bot tokens Slack knows, by token: their workspace (team id). Empty: any token is
    #: taken as TEAM_ID's. Otherwise an unknown token is `invalid_auth`, a revoked one
    #: (an uninstalled workspace's) `token_revoked`, as Slack answers (HTTP 200).
    tokens: dict[str, str] = field(default_factory=dict)
    revoked: set[str] = field(default_factory=set)
    #: Slack's OAuth (tests/fakes/slack_oauth.py), when a test installs the app.
    oauth: Any = None

    @property
    def base_url(self) -> str:
        return f"{self.root_url}/api/"

    def response_url(self, name: str = "cmd") -> str:
        return f"{self.root_url}/response/{name}"

    def add_user(
        self,
        user_id: str,
        name: str,
        *,
        admin: bool = False,
        owner: bool = False,
        tz: str = "America/Los_Angeles",
    ) -> None:
        # users.info's user object: `tz` is the IANA zone of the user's profile.
        self.users[user_id] = {
            "id": user_id,
            "team_id": TEAM_ID,
            "name": name.lower(),
            "real_name": name,
            "tz": tz,
            "tz_label": tz,
            "tz_offset": 0,
            "is_admin": admin,
            "is_owner": owner,
            "is_bot": False,
            "profile": {"display_name": name, "real_name": name},
        }

    def called(self, method: str) -> list[Call]:
        return [call for call in self.calls if call.method == method]

    async def wait_for(self, method: str, count: int = 1) -> list[Call]:
        """Wait (at most 5 s, so a broken test fails instead of hanging) for `count` calls."""
        async with asyncio.timeout(5.0), self._changed:
            await self._changed.wait_for(lambda: len(self.called(method)) >= count)
        return self.called(method)

    # -- server ----------------------------------------------------------------------------

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/api/{method}", self._api)
        app.router.add_get("/api/{method}", self._api)
        app.router.add_post("/upload/{file_id}", self._upload)
        app.router.add_post("/response/{name}", self._response_url)
        app.router.add_get("/link", self._socket_mode)
        app.router.add_get("/oauth/v2/authorize", self._authorize)
        return app

    async def _authorize(self, request: web.Request) -> web.StreamResponse:
        if self.oauth is None:
            return web.Response(status=404, text="no app to install")
        response: web.StreamResponse = await self.oauth.authorize(request)
        return response

    def team_of(self, token: str) -> str:
        return self.tokens.get(token, TEAM_ID) if self.tokens else TEAM_ID

    async def _remember(self, call: Call) -> None:
        async with self._changed:
            self.calls.append(call)
            self._changed.notify_all()

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json":
            args.update(await request.json())
        elif request.can_read_body:
            args.update(dict(await request.post()))
        bearer = request.headers.get("Authorization", "")
        token = bearer.removeprefix("Bearer ") if bearer.startswith("Bearer ") else ""
        token = token or str(args.get("token") or "")
        await self._remember(Call(method, args, token=token))
        if self.oauth is not None and method == "oauth.v2.access":
            return web.json_response(self.oauth.access(request.headers, args))
        if self.tokens and token in self.revoked:
            return web.json_response({"ok": False, "error": "token_revoked"})
        if self.tokens and token not in self.tokens:
            return web.json_response({"ok": False, "error": "invalid_auth"})
        if method in self.fail_next:
            status, body, headers = self.fail_next.pop(method)
            return web.json_response(body, status=status, headers=headers)
        if method in self.per_minute and (wait := self._over_budget(method)):
            # Slack's rate limits: HTTP 429 and Retry-After, in seconds.
            limited = {"ok": False, "error": "ratelimited"}
            return web.json_response(limited, status=429, headers={"Retry-After": str(wait)})
        return web.json_response(self._answer(method, args, self.team_of(token)))

    def _over_budget(self, method: str) -> int:
        """Seconds to wait if `method` is past its calls a minute, else 0."""
        now = asyncio.get_running_loop().time()
        recent = [t for t in self._answered_at.get(method, []) if now - t < 60]
        if len(recent) >= self.per_minute[method]:
            self._answered_at[method] = recent
            return max(1, int(60 - (now - recent[0])) + 1)
        self._answered_at[method] = [*recent, now]
        return 0

    def _answer(self, method: str, args: dict[str, Any], team: str) -> dict[str, Any]:
        if method == "apps.connections.open":
            ws_url = self.root_url.replace("http://", "ws://")
            return {"ok": True, "url": f"{ws_url}/link"}
        if method == "auth.test":
            return {
                "ok": True,
                "url": "https://cohort.slack.com/",
                "team": "Cohort",
                "user": "pathbot",
                "team_id": team,
                "user_id": BOT_USER_ID,
                "bot_id": BOT_ID,
            }
        if method == "conversations.info":
            channel = self.channels.get(str(args.get("channel")))
            if channel is None:
                return {"ok": False, "error": "channel_not_found"}
            return {"ok": True, "channel": channel}
        if method == "users.info":
            user = self.users.get(str(args.get("user")))
            return {"ok": True, "user": user} if user else {"ok": False, "error": "user_not_found"}
        if method == "conversations.open":
            return {"ok": True, "channel": {"id": "D" + str(args["users"]).lstrip("U")}}
        if method == "chat.postMessage":
            ts = f"1790000000.{next(self._ts):06d}"
            return {"ok": True, "channel": args.get("channel"), "ts": ts}
        if method in {"views.publish", "views.open"}:
            view = args.get("view")
            view = json.loads(view) if isinstance(view, str) else dict(view or {})
            if method == "views.open" and not args.get("trigger_id"):
                return {"ok": False, "error": "invalid_trigger_id"}
            if len(view.get("blocks") or []) > VIEW_BLOCK_LIMIT:
                return {"ok": False, "error": "invalid_arguments"}
            return {"ok": True, "view": {"id": f"V{next(self._ts):06d}", **view}}
        if method == "files.getUploadURLExternal":
            file_id = f"F{next(self._ts):06d}"
            return {
                "ok": True,
                "file_id": file_id,
                "upload_url": f"{self.root_url}/upload/{file_id}",
            }
        if method == "files.completeUploadExternal":
            files = args.get("files")
            listed = json.loads(files) if isinstance(files, str) else files
            return {"ok": True, "files": listed}
        return {"ok": False, "error": "unknown_method"}

    # -- Socket Mode -------------------------------------------------------------------------

    async def push(self, envelope_type: str, payload: dict[str, Any]) -> str:
        """Send an envelope (e.g. "slash_commands") over every Socket Mode connection."""
        envelope_id = f"env-{next(self._ts)}"
        envelope = {
            "envelope_id": envelope_id,
            "type": envelope_type,
            "payload": payload,
            "accepts_response_payload": envelope_type != "events_api",
        }
        for ws in list(self._sockets):
            await ws.send_str(json.dumps(envelope))
        return envelope_id

    async def wait_connected(self) -> None:
        async with asyncio.timeout(5.0), self._changed:
            await self._changed.wait_for(lambda: bool(self._sockets))

    async def _socket_mode(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        hello = {"type": "hello", "num_connections": 1, "connection_info": {"app_id": "A0PATHBOT"}}
        await ws.send_str(json.dumps(hello))
        async with self._changed:
            self._sockets.append(ws)
            self._changed.notify_all()
        async for message in ws:
            if message.type is WSMsgType.TEXT:
                await self._remember(Call("socket_ack", json.loads(message.data)))
        self._sockets.remove(ws)
        return ws

    async def _upload(self, request: web.Request) -> web.Response:
        data = await request.read()
        await self._remember(Call("upload", {"file_id": request.match_info["file_id"]}, data))
        return web.Response(text=f"OK - {len(data)}")

    async def _response_url(self, request: web.Request) -> web.Response:
        # Slack: a response_url takes up to five messages within 30 minutes of the request.
        name = request.match_info["name"]
        self._response_uses[name] = self._response_uses.get(name, 0) + 1
        if self.response_urls_expired:
            return web.Response(status=404, text="expired_url")
        if self._response_uses[name] > RESPONSE_URL_USES:
            return web.Response(status=404, text="used_url")
        await self._remember(Call("response_url", await request.json()))
        return web.Response(text="ok")


#: Ids Slack makes unique per event or interaction.
_IDS = itertools.count(1)


def signed_headers(body: str, *, secret: str = SIGNING_SECRET) -> dict[str, str]:
    """Headers Slack would send with `body`, signed now with `secret`."""
    timestamp = str(int(SystemClock().now().timestamp()))
    signature = SignatureVerifier(secret).generate_signature(timestamp=timestamp, body=body)
    return {
        "content-type": "application/x-www-form-urlencoded",
        "x-slack-request-timestamp": timestamp,
        "x-slack-signature": signature,
    }


def slash_command_fields(
    fake: FakeSlackAPI,
    text: str,
    *,
    user_id: str,
    user_name: str = "ada",
    channel_id: str = "C0STUDY01",
    command: str = "/pathbot",
    team_id: str = TEAM_ID,
) -> dict[str, str]:
    """What Slack sends for `/pathbot TEXT` (form fields over HTTP, the payload in Socket Mode)."""
    return {
        "token": "legacy-verification-token",
        "team_id": team_id,
        "team_domain": "cohort",
        "channel_id": channel_id,
        "channel_name": "directmessage" if channel_id.startswith("D") else "study-hall",
        "user_id": user_id,
        "user_name": user_name,
        "command": command,
        "text": text,
        "api_app_id": "A0PATHBOT",
        "is_enterprise_install": "false",
        "response_url": fake.response_url(f"cmd-{next(_IDS)}"),
        # Slack gives every interaction its own trigger id (a retry repeats it).
        "trigger_id": f"{next(_IDS)}.1790000000.abc",
    }


def slash_command_body(fake: FakeSlackAPI, text: str, **fields: str) -> str:
    return urlencode(slash_command_fields(fake, text, **fields))


def event_body(
    event: dict[str, Any], *, event_id: str | None = None, team_id: str = TEAM_ID
) -> str:
    """An Events API callback as Slack posts it; each has its own event_id unless given."""
    return json.dumps(
        {
            "token": "legacy-verification-token",
            "team_id": team_id,
            "api_app_id": "A0PATHBOT",
            "type": "event_callback",
            "event_id": event_id or f"Ev{next(_IDS):08d}",
            "event_time": 1790000000,
            "event": event,
        }
    )


def dm_event_body(
    text: str,
    *,
    user_id: str,
    channel: str = "D0ADA0001",
    event_id: str | None = None,
    team_id: str = TEAM_ID,
    **extra: Any,
) -> str:
    """A DM to the bot, as a message event."""
    message = {
        "type": "message",
        "channel": channel,
        "channel_type": "im",
        "user": user_id,
        "text": text,
        "ts": "1790000000.000100",
        "event_ts": "1790000000.000100",
        "team": team_id,
        **extra,
    }
    return event_body(message, event_id=event_id, team_id=team_id)


@asynccontextmanager
async def running_fake_slack() -> AsyncIterator[FakeSlackAPI]:
    fake = FakeSlackAPI()
    runner = web.AppRunner(fake.app())
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    server = site._server
    assert server is not None
    port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    fake.root_url = f"http://127.0.0.1:{port}"
    try:
        yield fake
    finally:
        for ws in list(fake._sockets):
            await ws.close()
        await runner.cleanup()


def block_actions_body(
    fake: FakeSlackAPI,
    value: str,
    *,
    user_id: str,
    action_id: str = "pathbot:0",
    channel_id: str = "D0ADA0001",
) -> str:
    """What Slack posts over HTTP when a member clicks a button (form field `payload`)."""
    payload = block_actions_payload(
        fake, value, user_id=user_id, action_id=action_id, channel_id=channel_id
    )
    return urlencode({"payload": json.dumps(payload)})


def block_actions_payload(
    fake: FakeSlackAPI,
    value: str,
    *,
    user_id: str,
    action_id: str = "pathbot:0",
    channel_id: str = "D0ADA0001",
) -> dict[str, Any]:
    """A block_actions payload (Socket Mode sends it as an "interactive" envelope)."""
    return {
        "type": "block_actions",
        "user": {"id": user_id, "username": "ada", "name": "ada", "team_id": TEAM_ID},
        "api_app_id": "A0PATHBOT",
        "token": "legacy-verification-token",
        "container": {"type": "message", "message_ts": "1790000000.000100"},
        "trigger_id": f"{next(_IDS)}.1790000000.abc",
        "team": {"id": TEAM_ID, "domain": "cohort"},
        "channel": {"id": channel_id, "name": "directmessage"},
        "response_url": fake.response_url(f"action-{next(_IDS)}"),
        "actions": [
            {
                "type": "button",
                "action_id": action_id,
                "block_id": "b1",
                "text": {"type": "plain_text", "text": "Done ✅", "emoji": True},
                "value": value,
                "action_ts": "1790000001.000200",
            }
        ],
    }


def view_submission_body(callback_id: str, values: dict[str, Any], *, user_id: str) -> str:
    """What Slack posts when a member submits a modal (form field `payload`): each
    input's state under its block_id and action_id, as Slack documents view_submission."""
    payload = {
        "type": "view_submission",
        "team": {"id": TEAM_ID, "domain": "cohort"},
        "user": {"id": user_id, "username": "ada", "name": "ada", "team_id": TEAM_ID},
        "api_app_id": "A0PATHBOT",
        "token": "legacy-verification-token",
        "trigger_id": f"{next(_IDS)}.1790000000.abc",
        "view": {
            "id": f"V{next(_IDS):08d}",
            "team_id": TEAM_ID,
            "type": "modal",
            "callback_id": callback_id,
            "state": {"values": values},
            "hash": "1790000000.abc",
        },
    }
    return urlencode({"payload": json.dumps(payload)})
