"""The delivery worker's `Sender` for Discord, over the adapter's real client."""

from __future__ import annotations

from datetime import datetime

import aiohttp
import discord

from bot.adapters.discord.client import PathbotDiscordClient
from bot.replies import Reply
from bot.scheduling.senders import (
    CredentialsRefused,
    Failure,
    PermanentError,
    RateLimited,
    Target,
    TargetKind,
    TransientError,
)

#: Discord's JSON error codes (developer docs, "JSON Error Codes") that say what is wrong.
_FAILURES = {
    50007: Failure.DM_CLOSED,  # Cannot send messages to this user
    10013: Failure.DM_CLOSED,  # Unknown user
    10003: Failure.CHANNEL_GONE,  # Unknown channel
    50001: Failure.CHANNEL_GONE,  # Missing access
    50013: Failure.CHANNEL_GONE,  # Missing permissions
    10004: Failure.REMOVED,  # Unknown guild
}


#: 40003 "You are opening direct messages too fast" (a 403 that passes).
OPENING_DMS_TOO_FAST = 40003
DM_OPEN_PAUSE_S = 10.0


class DiscordSender:
    """Maps discord.py's errors onto the worker's retry vocabulary."""

    platform = "discord"
    #: Discord checks an enforced nonce "for uniqueness in the past few minutes"; past
    #: two, a resend first looks for the message in the channel (`already_sent`).
    idempotent_for_s = 120.0

    def __init__(self, client: PathbotDiscordClient) -> None:
        self._client = client

    async def already_sent(self, target: Target, reply: Reply, *, since: datetime) -> bool:
        try:
            return await self._client.posted_since(str(target), reply, since)
        except (discord.HTTPException, aiohttp.ClientError, OSError, ValueError):
            return False  # cannot tell: the send that follows is the nonce's to judge

    async def send(self, target: Target, reply: Reply, *, idempotency_key: str) -> None:
        try:
            # "channel:…" or "user:…": the client's resolve_target reads both.
            await self._client.send(str(target), reply, nonce=idempotency_key)
        except ValueError as error:  # a channel setting that names no channel
            gone = Failure.CHANNEL_GONE if target.kind is TargetKind.CHANNEL else Failure.OTHER
            raise PermanentError(str(error), gone) from error
        except discord.RateLimited as error:
            raise RateLimited(error.retry_after) from error
        except discord.DiscordServerError as error:
            raise TransientError(f"Discord {error.status}: {error.text}") from error
        except discord.HTTPException as error:
            if error.status == 429:
                retry_after = float(error.response.headers.get("Retry-After", "1"))
                raise RateLimited(retry_after) from error
            if error.status == 401:
                raise CredentialsRefused(f"Discord 401: {error.text or 'Unauthorized'}") from error
            if error.code == OPENING_DMS_TOO_FAST:
                # A 403 that is a rate limit: the member's DMs are fine, try again later.
                raise RateLimited(DM_OPEN_PAUSE_S, "opening DMs too fast") from error
            # 403 (DMs closed), 404 (channel gone), 400 (bad payload): retrying won't help.
            failure = _FAILURES.get(error.code, Failure.OTHER)
            raise PermanentError(
                f"Discord {error.status} (code {error.code}): {error.text}", failure
            ) from error
        except (aiohttp.ClientError, OSError) as error:
            raise TransientError(f"Discord unreachable: {error}") from error
