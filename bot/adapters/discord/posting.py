"""The bot's outbound half: resolving a target (a channel, or a DM opened once and
remembered), posting with an enforced nonce, and the look a late resend takes first."""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime, timedelta
from typing import Any

import discord

from bot.adapters.discord.answers import message_kwargs
from bot.adapters.discord.render import render, render_embed
from bot.replies import Reply
from bot.storage.dm_channels import DmChannelStore

log = logging.getLogger(__name__)

#: Discord keeps a message nonce to 25 characters.
NONCE_LIMIT = 25


def discord_nonce(key: str) -> str:
    """A stable nonce Discord accepts: the key itself, or a hash of it when too long."""
    if len(key) <= NONCE_LIMIT:
        return key
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:NONCE_LIMIT]


class PostingClient(discord.Client):
    """discord.py's client with what the outbox needs of it (`DiscordSender` uses it)."""

    def __init__(self, *, dm_store: DmChannelStore | None = None, **options: Any) -> None:
        super().__init__(**options)
        self._dm_channels: dict[str, int] = {}
        #: DM channels remembered across restarts (the database), if given.
        self._dm_store = dm_store

    async def resolve_target(self, target: str) -> int:
        """Channel id for `123`, `channel:123`, or a DM channel for `dm:456` / `user:456`."""
        kind, sep, ident = target.partition(":")
        if not sep:
            kind, ident = "channel", target
        if not (ident.isascii() and ident.isdigit()) or kind not in {"channel", "dm", "user"}:
            raise ValueError(f"not a Discord target: {target!r} (use a channel id or dm:<user id>)")
        if kind == "channel":
            return int(ident)
        cached = self._dm_channels.get(ident)
        if cached is None and self._dm_store is not None:
            remembered = await self._dm_store.get(ident)
            cached = int(remembered) if remembered else None
        if cached is None:
            # Opening DMs is rate limited (40003): once per member, remembered for good.
            data = await self.http.start_private_message(int(ident))
            cached = int(data["id"])
            if self._dm_store is not None:
                await self._dm_store.put(ident, str(cached))
        self._dm_channels[ident] = cached
        return cached

    async def posted_since(self, target: str, reply: Reply, since: datetime) -> bool:
        """Did the bot post this reply there since `since`? (Its recent messages: Discord
        returns no nonce there, so the embed's title and text identify it.)"""
        channel_id = await self.resolve_target(target)
        embed = render_embed(reply)
        after = discord.utils.time_snowflake(since - timedelta(seconds=1))
        recent = await self.http.logs_from(channel_id, limit=50, after=after)
        me = self.user.id if self.user is not None else None
        for message in recent:
            shown = (message.get("embeds") or [{}])[0]
            if (
                int(message["author"]["id"]) == me
                and shown.get("title") == embed.title
                and shown.get("description") == embed.description
            ):
                return True
        return False

    async def send(self, target: str, reply: Reply, *, nonce: str | None = None) -> int:
        """Post `reply` to a channel or DM; returns the message id.

        With a nonce, Discord is told to enforce it: a retry with the same nonce
        returns the message already sent instead of posting a second one.
        """
        channel = self.get_partial_messageable(await self.resolve_target(target))
        kwargs = message_kwargs(render(reply))
        if nonce is not None:
            kwargs["nonce"] = discord_nonce(nonce)
        message = await channel.send(**kwargs)
        if reply.thread:
            await self._open_thread(channel.id, message.id, reply.thread)
        return message.id

    async def _open_thread(self, channel_id: int, message_id: int, name: str) -> None:
        """A thread under the message. Its failure (no Create Public Threads, or one
        opened already by an earlier attempt) leaves the message sent: it is logged."""
        try:
            await self.http.start_thread_with_message(
                channel_id, message_id, name=name, auto_archive_duration=1440
            )
        except discord.HTTPException as error:
            log.warning("posted, but no thread under it (Discord %s: %s)", error.code, error.text)
