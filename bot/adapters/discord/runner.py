"""`pathbot run` on Discord: the core, the client, the gateway, until stopped.

`bot.cli.run_cmd` finds this module through its PLATFORM_RUNNERS hook and
awaits :func:`run`. :func:`connected` is the reusable part: a logged-in client
on the gateway, which `bot.adapters.discord.sender.DiscordSender` wraps for
whoever runs the outbox delivery worker next to it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import aiohttp
import discord

from bot.adapters.discord.client import PathbotDiscordClient
from bot.adapters.discord.protocols import CommandHandler
from bot.cli.errors import fail
from bot.clock import SystemClock
from bot.commands.dispatcher import Dispatcher
from bot.commands.table import CommandSpec
from bot.config import Settings
from bot.curriculum.loader import CurriculumError
from bot.services.context import Asker, Core
from bot.services.runtime import open_core
from bot.storage.migrate import DatabaseNotReady

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DiscordConnection:
    client: PathbotDiscordClient
    #: Ends when the gateway connection closes for good; raises on fatal gateway errors.
    gateway: asyncio.Task[None]


@asynccontextmanager
async def connected(
    token: str, handler: CommandHandler, commands: list[CommandSpec]
) -> AsyncIterator[DiscordConnection]:
    """Log in (which syncs the slash commands) and connect to the gateway in the background."""
    client = PathbotDiscordClient(handler, commands)
    async with client:
        try:
            await client.login(token)
        except discord.LoginFailure:
            fail(
                "Discord refused DISCORD_TOKEN: copy the bot token again from the Developer Portal"
            )
        except discord.HTTPException as error:
            fail(f"Discord answered {error.status} while logging in: {error.text or 'no details'}")
        except (aiohttp.ClientError, OSError, TimeoutError) as error:
            fail(f"can't reach Discord to log in ({_reason(error)}): check the network")
        gateway = asyncio.create_task(client.connect(reconnect=True), name="discord-gateway")
        try:
            yield DiscordConnection(client, gateway)
        finally:
            await client.close()
            gateway.cancel()
            # Collect the gateway's end without raising: its error, if any, was handled
            # by whoever awaited it, and must not replace the exception leaving this block.
            await asyncio.gather(gateway, return_exceptions=True)


def _reason(error: BaseException) -> str:
    return str(error).splitlines()[0] if str(error) else type(error).__name__


def _asker(settings: Settings) -> Asker | None:
    try:
        from bot.rag.service import AskService
    except ImportError:  # installed without the `rag` extra: /ask explains itself
        return None
    return AskService.from_settings(settings)


async def serve_core(settings: Settings, core: Core) -> None:
    """Serve Discord on an already open core until the gateway closes for good."""
    secret = settings.discord_token.get_secret_value().strip() if settings.discord_token else ""
    if not secret:
        fail("DISCORD_TOKEN is not set")
    dispatcher = Dispatcher(core)
    async with connected(secret, dispatcher, dispatcher.commands()) as connection:
        log.info("pathbot is connecting to Discord")
        try:
            await connection.gateway
        except discord.PrivilegedIntentsRequired:
            fail("Discord refused the gateway intents (pathbot needs no privileged ones)")
        except discord.ConnectionClosed as error:
            fail(f"Discord closed the gateway for good (code {error.code}): {error.reason or ''}")


async def run(settings: Settings) -> None:
    """`pathbot run`'s entry point: open the core, then serve Discord until stopped."""
    if settings.discord_token is None or not settings.discord_token.get_secret_value().strip():
        fail("DISCORD_TOKEN is not set")
    try:
        async with open_core(settings, SystemClock(), _asker(settings)) as core:
            await serve_core(settings, core)
    except CurriculumError as error:
        fail(f"the curriculum can't be loaded: {error}")
    except DatabaseNotReady as error:
        fail(str(error))
