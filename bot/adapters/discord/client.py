"""The Discord adapter: slash commands in, embeds out, nothing decided here.

Every command of the core's table becomes one slash command with typed options
(see `slash.py`); an interaction becomes a `Caller` and a console-style line
for the core's dispatcher, and the `Reply` goes back as an embed with the
reply's actions as buttons. A click on such a button is the command line in its
custom_id, sent by whoever clicked. A DM has no server: the core's
`DmScopes` says which of the member's workspaces it runs in.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import json
import logging
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import Any

import discord
from discord import app_commands

from bot.adapters.discord.answers import defer, respond
from bot.adapters.discord.invite import invite_url
from bot.adapters.discord.permissions import cannot_post, welcome_channel
from bot.adapters.discord.posting import PostingClient
from bot.adapters.discord.protocols import CommandHandler, DmScopes
from bot.adapters.discord.render import command_of
from bot.adapters.discord.slash import build_slash_command
from bot.caller import Caller, Platform
from bot.clock import Clock, SystemClock
from bot.commands.table import CommandSpec, Permission
from bot.replies import Reply
from bot.storage.dm_channels import DmChannelStore

log = logging.getLogger(__name__)

#: Discord drops an interaction not answered within 3 s; defer well before that.
DEFAULT_DEFER_AFTER_S = 2.0
#: Commands offered in a DM when no `DmScopes` can tell which server the member is in.
DEFAULT_DM_COMMANDS = frozenset({"help", "ask"})

_INTERNAL_ERROR = Reply.error(
    "Something went wrong on my side.", "Please try again; tell an admin if it keeps happening."
)


def caller_from_interaction(interaction: discord.Interaction) -> Caller:
    in_guild = interaction.guild_id is not None
    return Caller(
        platform=Platform.DISCORD,
        workspace_id=str(interaction.guild_id) if in_guild else "dm",
        user_id=str(interaction.user.id),
        display_name=interaction.user.display_name,
        is_platform_admin=in_guild and interaction.permissions.manage_guild,
        channel_id=str(interaction.channel_id) if in_guild and interaction.channel_id else None,
    )


class PathbotCommandTree(app_commands.CommandTree[discord.Client]):
    async def on_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError, /
    ) -> None:
        if isinstance(error, app_commands.CommandNotFound):
            reply = Reply.error(
                f"I don't know /{error.name} (any more).",
                "Try /help for the commands I know.",
            )
        else:
            log.error("slash command failed", exc_info=error)
            reply = _INTERNAL_ERROR
        await respond(interaction, reply)


class PathbotDiscordClient(PostingClient):
    """A discord.py client whose only job is to translate between Discord and the core."""

    def __init__(
        self,
        handler: CommandHandler,
        commands: Sequence[CommandSpec],
        *,
        sync_commands: bool = True,
        dev_guild_id: int | None = None,
        sync_state: Path | None = None,
        dm_store: DmChannelStore | None = None,
        defer_after_s: float = DEFAULT_DEFER_AFTER_S,
        max_ratelimit_wait_s: float = 30.0,
        dm_scopes: DmScopes | None = None,
        dm_commands: Collection[str] = DEFAULT_DM_COMMANDS,
        clock: Clock | None = None,
        **gateway_options: Any,
    ) -> None:
        """With `dm_scopes`, every command but the admins' is offered in DMs too.

        Without it a DM command runs in a workspace of its own ("dm"), so only
        `dm_commands` (which need no membership) are offered there.
        """
        # Slash commands need no privileged intents: not members, not message content.
        # Longer rate-limit waits than `max_ratelimit_wait_s` surface as discord.RateLimited
        # so the delivery worker can pause the platform instead of a send hanging.
        super().__init__(
            intents=discord.Intents(guilds=True),
            allowed_mentions=discord.AllowedMentions.none(),
            max_ratelimit_timeout=max_ratelimit_wait_s,
            dm_store=dm_store,
            **gateway_options,
        )
        self._handler = handler
        self._sync_commands = sync_commands
        self._dev_guild_id = dev_guild_id
        #: The digest of the last synced command tree ("a hash beside the data").
        self._sync_state = sync_state
        self._defer_after_s = defer_after_s
        self._clock = clock or SystemClock()
        self._specs = {spec.name: spec for spec in commands}
        self._dm_scopes = dm_scopes
        self.tree = PathbotCommandTree(self)
        for spec in commands:
            if dm_scopes is not None:
                allow_dm = spec.permission is not Permission.ADMIN
            else:
                allow_dm = spec.name in dm_commands
            try:
                command = build_slash_command(spec, self._invoke, allow_dm=allow_dm)
                self.tree.add_command(command)
            except ValueError as error:
                log.warning("not registering /%s on Discord: %s", spec.name, error)

    async def setup_hook(self) -> None:
        if not self._sync_commands:
            return
        guild = None
        if self._dev_guild_id is not None:
            # Guild commands update at once; handy while developing.
            guild = discord.Object(id=self._dev_guild_id)
            self.tree.copy_global_to(guild=guild)
        # Discord limits command creation per day; sync only what changed since last time.
        digest = self._commands_digest(guild)
        state = self._sync_state
        if state is not None and state.is_file() and state.read_text().strip() == digest:
            log.info("slash commands unchanged since the last sync; not syncing")
            return
        await self.tree.sync(guild=guild)
        where = f"server {self._dev_guild_id}" if guild is not None else "every server"
        log.info("slash commands synced to %s", where)
        if state is not None:
            state.parent.mkdir(parents=True, exist_ok=True)
            state.write_text(digest + "\n")

    def _commands_digest(self, guild: discord.abc.Snowflake | None) -> str:
        """What a sync would send, and where: the same digest means nothing to sync."""
        commands = [command.to_dict(self.tree) for command in self.tree.get_commands(guild=guild)]
        sent = {
            "application": self.application_id,
            "guild": self._dev_guild_id,
            "commands": commands,
        }
        return hashlib.sha256(json.dumps(sent, sort_keys=True).encode()).hexdigest()

    async def on_ready(self) -> None:
        # Once per (re)connection: the organiser's sign that the bot is on Discord.
        user = self.user
        invite = invite_url(str(self.application_id)) if self.application_id else "unknown"
        log.info(
            "pathbot is on Discord as %s in %d servers; invite it with %s",
            user.name if user is not None else "?",
            len(self.guilds),
            invite,
            extra={"fields": {"platform": "discord", "guilds": len(self.guilds)}},
        )

    async def can_post(self, workspace_id: str, channel_id: str) -> str | None:
        """/setup's question (`ChannelAccess`): why the bot cannot post there, if it can't."""
        if not (workspace_id.isdigit() and channel_id.isdigit()):
            return "that is not a Discord channel"
        guild = self.get_guild(int(workspace_id))
        if guild is None:
            return "I can't see this server"
        return cannot_post(guild, int(channel_id))

    async def on_guild_join(self, guild: discord.Guild) -> None:
        """Added to a server: say what the bot does and how to set it up, where it may."""
        welcome = await self._handler.workspace_joined(Platform.DISCORD, str(guild.id))
        channel = welcome_channel(guild)
        if channel is None:
            log.warning("joined %s but can post in none of its channels", guild.id)
            return
        try:
            await self.send(str(channel), welcome)
        except discord.HTTPException as error:
            log.warning("joined %s; the welcome was refused (%s)", guild.id, error.code)

    async def on_guild_remove(self, guild: discord.Guild) -> None:
        # Kicked, or the server deleted: nothing more is queued for it until it is back.
        await self._handler.workspace_gone(
            Platform.DISCORD, str(guild.id), "the bot was removed from the server"
        )

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        """A click on one of pathbot's buttons: its command, from the clicking member."""
        if interaction.type is not discord.InteractionType.component or interaction.data is None:
            return
        command = command_of(str(interaction.data.get("custom_id", "")))
        if command is not None:
            await self._invoke(interaction, command.line, private=True, prefer=command.workspace)

    async def _invoke(
        self,
        interaction: discord.Interaction,
        line: str,
        *,
        private: bool = False,
        prefer: str | None = None,
        posts_to: int | None = None,
    ) -> None:
        if posts_to is not None and (refusal := cannot_post(interaction.guild, posts_to)):
            # Said now, not found out at the first daily post; nothing is stored.
            hint = "Give pathbot that in the channel's settings (Permissions), or pick another."
            await respond(interaction, Reply.error(f"<#{posts_to}>: {refusal}", hint))
            return
        caller = caller_from_interaction(interaction)
        in_dm = interaction.guild_id is None
        spec = self._specs.get(line.split(" ", 1)[0].removeprefix("/"))
        # The acknowledgement shows as the answer will: a public board stays public.
        public = spec is not None and spec.public and not private
        # Discord allows 3 s from when it created the interaction, not from when the
        # gateway delivered it (a RESUME replays old ones).
        age = max((self._clock.now() - interaction.created_at).total_seconds(), 0.0)
        if (spec is not None and spec.slow) or age >= self._defer_after_s:
            # Acknowledged before it runs: a known-slow command, or one that is late
            # already. If Discord no longer knows it (10062), it never runs, so a member
            # who sees "did not respond" and tries again is not counted twice.
            if not await defer(interaction, public):
                return
            reply = await self._handle(caller, line, in_dm=in_dm, prefer=prefer)
        else:
            task = asyncio.ensure_future(self._handle(caller, line, in_dm=in_dm, prefer=prefer))
            done, _ = await asyncio.wait({task}, timeout=self._defer_after_s - age)
            if not done:
                await defer(interaction, public)
            reply = await task
        if private:
            # A button may sit under a message others see; its answer is the clicker's.
            reply = reply.model_copy(update={"ephemeral": True})
        await respond(interaction, reply)

    async def _handle(
        self, caller: Caller, line: str, *, in_dm: bool = False, prefer: str | None = None
    ) -> Reply:
        try:
            if not in_dm or self._dm_scopes is None:
                return await self._handler.handle(caller, line)
            names = {str(guild.id): guild.name for guild in self.guilds}
            scope = await self._dm_scopes.scope(caller.user_id, line, names, prefer)
            if scope.refusal is not None or scope.workspace_id is None:
                return scope.refusal or _INTERNAL_ERROR
            caller = dataclasses.replace(caller, workspace_id=scope.workspace_id)
            return scope.annotate(await self._handler.handle(caller, line))
        except Exception:
            log.exception("command failed: %s", line.split(" ", 1)[0])
            return _INTERNAL_ERROR


class ShardedPathbotClient(PathbotDiscordClient, discord.AutoShardedClient):
    """The same bot over several gateway shards (`shard_count`, `shard_ids`): a server's
    events reach only the shard that owns it, (server id >> 22) % shard_count."""
