"""The delivery worker's `Sender` for Discord, over the adapter's real client."""

from __future__ import annotations

import aiohttp
import discord

from bot.adapters.discord.client import PathbotDiscordClient
from bot.replies import Reply
from bot.scheduling.senders import (
    PermanentError,
    RateLimited,
    Target,
    TargetKind,
    TransientError,
)


class DiscordSender:
    """Maps discord.py's errors onto the worker's retry vocabulary."""

    platform = "discord"

    def __init__(self, client: PathbotDiscordClient) -> None:
        self._client = client

    async def send(self, target: Target, reply: Reply, *, idempotency_key: str) -> None:
        where = f"dm:{target.id}" if target.kind is TargetKind.USER else target.id
        try:
            await self._client.send(where, reply, nonce=idempotency_key)
        except ValueError as error:
            raise PermanentError(str(error)) from error
        except discord.RateLimited as error:
            raise RateLimited(error.retry_after) from error
        except discord.DiscordServerError as error:
            raise TransientError(f"Discord {error.status}: {error.text}") from error
        except discord.HTTPException as error:
            if error.status == 429:
                retry_after = float(error.response.headers.get("Retry-After", "1"))
                raise RateLimited(retry_after) from error
            # 403 (DMs closed), 404 (channel gone), 400 (bad payload): retrying won't help.
            raise PermanentError(f"Discord {error.status}: {error.text}") from error
        except (aiohttp.ClientError, OSError) as error:
            raise TransientError(f"Discord unreachable: {error}") from error
