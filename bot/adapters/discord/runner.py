"""`pathbot run` on Discord: log in, sync the slash commands, hold the gateway.

`bot.adapters.serving` (listed in its PLATFORMS, called by `pathbot run`) opens
this platform with :func:`open_platform` and puts the core, the scheduler and
every configured platform together; :func:`run` serves Discord on its own.
:func:`connected` is the reusable part: a logged-in client on the gateway.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import discord
import yarl

from bot.adapters.discord.client import PathbotDiscordClient, ShardedPathbotClient
from bot.adapters.discord.protocols import CommandHandler, DmScopes
from bot.adapters.discord.sender import DiscordSender
from bot.adapters.platforms import PlatformSession
from bot.adapters.serving import run_platform
from bot.caller import Platform
from bot.commands.dispatcher import Dispatcher
from bot.commands.table import CommandSpec
from bot.config import DISCORD_API_URL, Settings
from bot.errors import Fatal, Unreachable, reason
from bot.scheduling.runner import DEFAULT_RATES
from bot.services.context import Core
from bot.services.memberships import DirectMessageScopes
from bot.storage.dm_channels import DmChannels, DmChannelStore

log = logging.getLogger(__name__)

#: Beside the data: the digest of the slash commands last synced to Discord.
SYNC_STATE = "discord-commands.sha256"


@dataclass(frozen=True)
class DiscordConnection:
    client: PathbotDiscordClient
    #: Ends when the gateway connection closes for good; raises on fatal gateway errors.
    gateway: asyncio.Task[None]


@asynccontextmanager
async def connected(
    token: str,
    handler: CommandHandler,
    commands: list[CommandSpec],
    dm_scopes: DmScopes | None = None,
    *,
    sync_state: Path | None = None,
    dev_guild_id: int | None = None,
    dm_store: DmChannelStore | None = None,
    shards: tuple[int, tuple[int, ...]] | None = None,
) -> AsyncIterator[DiscordConnection]:
    """Log in (which syncs the slash commands when they changed) and connect to the
    gateway in the background; with `shards` (count, ids), on those shards only."""
    sharding: dict[str, Any] = {}
    if shards is not None:
        sharding = {"shard_count": shards[0], "shard_ids": list(shards[1])}
    client_type = ShardedPathbotClient if shards is not None else PathbotDiscordClient
    client = client_type(
        handler,
        commands,
        dm_scopes=dm_scopes,
        sync_state=sync_state,
        dev_guild_id=dev_guild_id,
        dm_store=dm_store,
        **sharding,
    )
    async with client:
        try:
            await client.login(token)
        except discord.LoginFailure:
            raise Fatal(
                "Discord refused DISCORD_TOKEN: copy the bot token again from the Developer Portal"
            ) from None
        except discord.HTTPException as error:
            # Discord's own trouble (5xx) passes; anything else about the request does not.
            kind = Unreachable if error.status >= 500 else Fatal
            raise kind(
                f"Discord answered {error.status} while logging in: {error.text or 'no details'}"
            ) from None
        except (aiohttp.ClientError, OSError, TimeoutError) as error:
            raise Unreachable(
                f"can't reach Discord to log in ({reason(error)}): check the network"
            ) from None
        gateway = asyncio.create_task(client.connect(reconnect=True), name="discord-gateway")
        try:
            yield DiscordConnection(client, gateway)
        finally:
            await client.close()
            gateway.cancel()
            # Collect the gateway's end without raising: its error, if any, was handled
            # by whoever awaited it, and must not replace the exception leaving this block.
            await asyncio.gather(gateway, return_exceptions=True)


async def _until_closed(connection: DiscordConnection) -> None:
    try:
        await connection.gateway
    except discord.PrivilegedIntentsRequired:
        raise Fatal(
            "Discord refused the gateway intents (pathbot needs no privileged ones)"
        ) from None
    except discord.ConnectionClosed as error:
        raise Fatal(
            f"Discord closed the gateway for good (code {error.code}): {error.reason or ''}"
        ) from None


@asynccontextmanager
async def open_platform(settings: Settings, core: Core) -> AsyncIterator[PlatformSession]:
    """Discord on this core: its outbox sender, and `serve` until the gateway ends."""
    secret = settings.discord_token.get_secret_value().strip() if settings.discord_token else ""
    if not secret:
        raise Fatal("DISCORD_TOKEN is not set")
    _point_at(settings)
    dispatcher = Dispatcher(core)
    scopes = DirectMessageScopes(core.sessions, Platform.DISCORD)
    async with connected(
        secret,
        dispatcher,
        dispatcher.commands(),
        scopes,
        sync_state=settings.data_dir / SYNC_STATE,
        dev_guild_id=settings.discord_dev_guild_id,
        dm_store=DmChannels(core.sessions, Platform.DISCORD.value, core.clock),
        shards=settings.discord_shards,
    ) as connection:
        client = connection.client
        dispatcher.channel_access = client.can_post

        async def gateway_ready() -> tuple[bool, str]:
            if client.is_closed() or not client.is_ready():
                return False, "gateway connecting"
            return True, f"gateway connected, {len(client.guilds)} servers"

        yield PlatformSession(
            "discord",
            DiscordSender(client),
            lambda: _until_closed(connection),
            ready=gateway_ready,
            rate_per_s=rate_share(settings.discord_shards),
        )


def _point_at(settings: Settings) -> None:
    """Another Discord (a fake, in tests run as processes): discord.py keeps its REST
    base and gateway on classes, so they are set once, for this process."""
    if settings.discord_api_url.rstrip("/") != DISCORD_API_URL:
        discord.http.Route.BASE = settings.discord_api_url.rstrip("/")
    if settings.discord_gateway_url:
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.discord_gateway_url)


def rate_share(shards: tuple[int, tuple[int, ...]] | None) -> float | None:
    """This process's share of Discord's send budget: processes that split the shards
    split the budget the same way, so together they stay under it (no coordination)."""
    if shards is None:
        return None
    count, ids = shards
    return DEFAULT_RATES["discord"] * len(ids) / count


async def run(settings: Settings) -> None:
    """`pathbot run`'s entry point for Discord (with Slack too, when both are configured)."""
    await run_platform(settings, "discord")
