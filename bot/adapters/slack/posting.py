"""The Slack adapter's outbound half: a target resolved (a channel, or a member's DM
opened once and remembered), a reply posted as Block Kit, a file uploaded."""

from __future__ import annotations

import logging
import re

import aiohttp
from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.render import render
from bot.replies import Attachment, Reply
from bot.storage.dm_channels import DmChannelStore

log = logging.getLogger(__name__)


class SlackPoster:
    def __init__(self, client: AsyncWebClient, dm_store: DmChannelStore | None) -> None:
        self.client = client
        # Answers outside the outbox (a DM command's reply) wait out a 429 as Slack asks
        # (Retry-After); the outbox's own sends surface it, so the worker paces itself.
        self._reply_client = AsyncWebClient(
            token=client.token,
            base_url=client.base_url,
            retry_handlers=[*client.retry_handlers, AsyncRateLimitErrorRetryHandler(2)],
        )
        self._dm_channels: dict[str, str] = {}
        #: DM channels remembered across restarts (conversations.open is Tier 3).
        self._dm_store = dm_store

    async def _deliver_attachment_by_dm(self, user_id: str, reply: Reply) -> Reply:
        # A file posted through response_url is impossible and one posted to the channel
        # would be public, so it goes to the caller's DM with the bot.
        assert reply.attachment is not None
        filename = reply.attachment.filename
        try:
            channel = await self.resolve_target(f"dm:{user_id}")
            await self._upload(channel, reply.attachment)
        except (SlackApiError, SlackRequestError, aiohttp.ClientError, OSError) as error:
            log.warning("could not DM %s to %s: %s", filename, user_id, error)
            note = f"I couldn't send you {filename} (Slack refused the upload; ask an admin)."
        else:
            note = f"I sent you {filename} in a direct message."
        return reply.model_copy(update={"lines": [*reply.lines, note], "attachment": None})

    async def resolve_target(self, target: str) -> str:
        """A channel id for `C123`, `channel:C123`, or the DM channel for `dm:U1` / `user:U1`."""
        kind, sep, ident = target.partition(":")
        if not sep:
            kind, ident = "channel", target
        if not re.fullmatch(r"[A-Z0-9]{2,32}", ident) or kind not in {"channel", "dm", "user"}:
            raise ValueError(f"not a Slack target: {target!r} (use a channel id or dm:<user id>)")
        if kind == "channel":
            return ident
        cached = self._dm_channels.get(ident)
        if cached is None and self._dm_store is not None:
            cached = await self._dm_store.get(ident)
        if cached is None:
            response = await self.client.conversations_open(users=ident)
            cached = str(response["channel"]["id"])
            if self._dm_store is not None:
                await self._dm_store.put(ident, cached)
        self._dm_channels[ident] = cached
        return cached

    async def send(self, target: str, reply: Reply) -> str:
        """Post `reply` to a channel or a member's DM; returns the message ts."""
        return await self._post(await self.resolve_target(target), reply)

    async def _post(
        self, channel: str, reply: Reply, *, client: AsyncWebClient | None = None
    ) -> str:
        message = render(reply)
        response = await (client or self.client).chat_postMessage(
            channel=channel,
            text=message.text,
            blocks=message.blocks,
            link_names=False,
            unfurl_links=False,
            unfurl_media=False,
        )
        if reply.attachment is not None:
            await self._upload(channel, reply.attachment)
        return str(response.get("ts") or "")

    async def _upload(self, channel: str, attachment: Attachment) -> None:
        await self.client.files_upload_v2(
            channel=channel,
            content=attachment.content,
            filename=attachment.filename,
            title=attachment.filename,
        )
