"""The Slack adapter's outbound half: a target resolved (a channel, or a member's DM
opened once and remembered), a reply posted as Block Kit or through a response_url,
a file uploaded, each with the token of the workspace it is for; and bolt's logger."""

from __future__ import annotations

import logging
import re

import aiohttp
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.clients import NotInstalled, OneToken, SlackClients
from bot.adapters.slack.render import render
from bot.caller import Caller
from bot.cards import card_filename, render_card
from bot.replies import Reply
from bot.storage.dm_channels import DmChannelStore

log = logging.getLogger(__name__)


class SlackPoster:
    def __init__(
        self,
        client: AsyncWebClient,
        dm_store: DmChannelStore | None,
        clients: SlackClients | None = None,
    ) -> None:
        #: The app's own client: its token in single-workspace mode, none with OAuth.
        self.client = client
        self.clients: SlackClients = clients or OneToken(client)
        #: Each workspace with its own token (Slack's OAuth), rather than one for all.
        self.many_workspaces = not isinstance(self.clients, OneToken)
        self._dm_channels: dict[tuple[str, str], str] = {}
        #: DM channels remembered across restarts (conversations.open is Tier 3).
        self._dm_store = dm_store

    async def _deliver_files_by_dm(self, team: str, user_id: str, reply: Reply) -> Reply:
        """A reply's attachment and card, uploaded to the caller's DM with the bot: a file
        posted through response_url is impossible and one posted to the channel would be
        public. The reply says so, and carries neither any more."""
        files = _files(reply)
        if not files:
            return reply
        filename = " and ".join(name for name, _ in files)
        try:
            clients = await self.clients.for_team(team)
            channel = await self.resolve_target(f"dm:{user_id}", team)
            for name, content in files:
                await self._upload(clients.api, channel, name, content)
        except (
            SlackApiError,
            SlackRequestError,
            NotInstalled,
            aiohttp.ClientError,
            OSError,
        ) as error:
            log.warning("could not DM %s to %s: %s", filename, user_id, error)
            note = f"I couldn't send you {filename} (Slack refused the upload; ask an admin)."
        else:
            note = f"I sent you {filename} in a direct message."
        update = {"lines": [*reply.lines, note], "attachment": None, "card": None}
        return reply.model_copy(update=update)

    async def resolve_target(self, target: str, team: str = "") -> str:
        """A channel id for `C123`, `channel:C123`, or the DM channel for `dm:U1` / `user:U1`."""
        kind, sep, ident = target.partition(":")
        if not sep:
            kind, ident = "channel", target
        if kind == "group":
            return await self._group_dm(ident, team)
        if not re.fullmatch(r"[A-Z0-9]{2,32}", ident) or kind not in {"channel", "dm", "user"}:
            raise ValueError(f"not a Slack target: {target!r} (use a channel id or dm:<user id>)")
        if kind == "channel":
            return ident
        cached = self._dm_channels.get((team, ident))
        if cached is None and self._dm_store is not None:
            cached = await self._dm_store.get(ident)
        if cached is None:
            clients = await self.clients.for_team(team)
            response = await clients.api.conversations_open(users=ident)
            cached = str(response["channel"]["id"])
            if self._dm_store is not None:
                await self._dm_store.put(ident, cached)
        self._dm_channels[(team, ident)] = cached
        return cached

    async def _group_dm(self, users: str, team: str) -> str:
        """The group DM of these members and the bot (conversations.open, up to 8)."""
        ids = users.split(",")
        if not 2 <= len(ids) <= 8 or not all(re.fullmatch(r"[A-Z0-9]{2,32}", i) for i in ids):
            raise ValueError(f"not a Slack group: {users!r}")
        cached = self._dm_channels.get((team, users))
        if cached is None:
            clients = await self.clients.for_team(team)
            response = await clients.api.conversations_open(users=users)
            cached = self._dm_channels[(team, users)] = str(response["channel"]["id"])
        return cached

    async def answer(self, respond: AsyncRespond, reply: Reply, caller: Caller) -> None:
        """Answer through the request's response_url; one Slack no longer takes (used
        five times, or older than 30 minutes: a slow /ask) goes to the member's DM."""
        message = render(reply)
        answered = await respond(
            text=message.text,
            blocks=message.blocks,
            response_type="ephemeral" if message.ephemeral else "in_channel",
            replace_original=False,
            unfurl_links=False,
            unfurl_media=False,
        )
        if answered.status_code == 200:
            return
        # Never the URL itself in the log: it answers as the app for half an hour.
        log.warning(
            "Slack refused the response_url (%s %s): answering by DM",
            answered.status_code,
            str(answered.body)[:40],
        )
        await self.send(f"dm:{caller.user_id}", reply, caller.workspace_id)

    async def send(self, target: str, reply: Reply, team: str = "") -> str:
        """Post `reply` to a channel or a member's DM in `team`; returns the message ts."""
        clients = await self.clients.for_team(team)
        return await self._post(clients.api, await self.resolve_target(target, team), reply)

    async def _post(self, client: AsyncWebClient, channel: str, reply: Reply) -> str:
        message = render(reply)
        response = await client.chat_postMessage(
            channel=channel,
            text=message.text,
            blocks=message.blocks,
            link_names=False,
            unfurl_links=False,
            unfurl_media=False,
        )
        for name, content in _files(reply):
            await self._upload(client, channel, name, content)
        return str(response.get("ts") or "")

    async def _upload(
        self, client: AsyncWebClient, channel: str, filename: str, content: str | bytes
    ) -> None:
        await client.files_upload_v2(
            channel=channel, content=content, filename=filename, title=filename
        )


def _files(reply: Reply) -> list[tuple[str, str | bytes]]:
    """The files a reply comes with: its attachment, and its card drawn as a PNG."""
    files: list[tuple[str, str | bytes]] = []
    if reply.attachment is not None:
        files.append((reply.attachment.filename, reply.attachment.content))
    if reply.card is not None:
        files.append((card_filename(reply.card), render_card(reply.card)))
    return files


class _DropTokenNotice(logging.Filter):
    # Bolt reads SLACK_BOT_TOKEN from the environment even when given a client, then
    # warns that it ignores it; with our own client that is expected, not news.
    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("As you gave `client` as well")


def bolt_logger() -> logging.Logger:
    logger = logging.getLogger("bot.adapters.slack.bolt")
    if not any(isinstance(f, _DropTokenNotice) for f in logger.filters):
        logger.addFilter(_DropTokenNotice())
    return logger
