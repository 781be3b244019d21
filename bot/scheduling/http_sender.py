"""A sender for Discord's REST shape over aiohttp (tests, the benchmark, ops tools).

It posts `POST /channels/{id}/messages` with the outbox row's idempotency key as
the message `nonce` and `enforce_nonce: true`, so a retry after a crash returns
the message Discord already created instead of creating a second one. The
Discord adapter wraps discord.py's own client to the same `Sender` contract.
"""

from __future__ import annotations

from typing import Any

import aiohttp

from bot import __version__
from bot.replies import Reply
from bot.scheduling.ratelimit import TokenBucket
from bot.scheduling.senders import (
    PermanentError,
    RateLimited,
    Target,
    TargetKind,
    TransientError,
)

#: Discord's limit on a message's content.
MAX_CONTENT = 2000


USER_AGENT = f"DiscordBot (https://github.com/pathbot/pathbot, {__version__})"


class DiscordHttpSender:
    def __init__(
        self,
        session: aiohttp.ClientSession,
        api_base: str,
        token: str,
        *,
        limiter: TokenBucket | None = None,
        platform: str = "discord",
    ) -> None:
        self._session = session
        self._api_base = api_base.rstrip("/")
        # Discord requires this shape of User-Agent from bots ("DiscordBot (url, version)").
        self._headers = {"Authorization": f"Bot {token}", "User-Agent": USER_AGENT}
        # Opening a DM is a request too: it spends a token from the same bucket.
        self._limiter = limiter
        self._platform = platform
        self._dm_channels: dict[str, str] = {}

    @property
    def platform(self) -> str:
        return self._platform

    async def send(self, target: Target, reply: Reply, *, idempotency_key: str) -> None:
        channel_id = target.id
        if target.kind is TargetKind.USER:
            channel_id = await self._dm_channel(target.id)
        payload = {
            "content": reply.text()[:MAX_CONTENT],
            "nonce": idempotency_key,
            "enforce_nonce": True,
        }
        await self._post(f"/channels/{channel_id}/messages", payload)

    async def _dm_channel(self, user_id: str) -> str:
        cached = self._dm_channels.get(user_id)
        if cached is not None:
            return cached
        if self._limiter is not None:
            await self._limiter.acquire()
        body = await self._post("/users/@me/channels", {"recipient_id": user_id})
        channel_id = str(body["id"])
        self._dm_channels[user_id] = channel_id
        return channel_id

    async def _post(self, path: str, payload: dict[str, Any]) -> dict[str, Any]:
        try:
            async with self._session.post(
                self._api_base + path, json=payload, headers=self._headers
            ) as response:
                if response.status == 429:
                    raise RateLimited(await _retry_after(response))
                if response.status >= 500 or response.status == 408:
                    raise TransientError(f"HTTP {response.status} from {path}")
                if response.status >= 400:
                    text = (await response.text())[:200]
                    raise PermanentError(f"HTTP {response.status} from {path}: {text}")
                body: dict[str, Any] = await response.json()
                return body
        except aiohttp.ClientError as error:
            raise TransientError(f"{type(error).__name__}: {error}") from error


async def _retry_after(response: aiohttp.ClientResponse) -> float:
    """Discord's JSON `retry_after` is more precise than the header; use whichever is there."""
    try:
        body = await response.json()
        return float(body["retry_after"])
    except (ValueError, KeyError, TypeError, aiohttp.ContentTypeError):
        return float(response.headers.get("Retry-After", "1"))
