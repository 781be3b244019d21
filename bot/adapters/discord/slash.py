"""The core's command table as Discord slash commands with typed options.

Each `Param` becomes one option: integers as Discord integers, users as
Discord's user picker, choices as fixed choices, everything else as a string.
What the member picks is turned back into the same text line the console
would send (`/log "1h30" "read the paper" --date "yesterday"`), so the core's
parsers, defaults and error messages apply unchanged on every platform.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from typing import Any, Protocol

import discord
from discord import app_commands

from bot.commands.parsing import as_word
from bot.commands.table import CommandSpec, Kind, Param, Permission
from bot.commands.timezones import suggest_timezones
from bot.text import clip

#: Discord's limits for names, descriptions, options and choices.
_NAME_RE = re.compile(r"^[-_a-z0-9]{1,32}$")
DESCRIPTION_LIMIT = 100
OPTION_LIMIT = 25
CHOICE_LIMIT = 25


class Invoke(Protocol):
    """Run the line; `posts_to` is the channel the command would have the bot post in."""

    def __call__(
        self, interaction: discord.Interaction, line: str, *, posts_to: int | None = None
    ) -> Awaitable[None]: ...


class PostableChannel(app_commands.Transformer):
    """A channel option offering the channels a daily post can go to: text and
    announcement channels, and threads."""

    @property
    def type(self) -> discord.AppCommandOptionType:
        return discord.AppCommandOptionType.channel

    @property
    def channel_types(self) -> list[discord.ChannelType]:
        kinds = discord.ChannelType
        return [
            kinds.text,
            kinds.news,
            kinds.public_thread,
            kinds.private_thread,
            kinds.news_thread,
        ]

    async def transform(self, interaction: discord.Interaction, value: Any, /) -> Any:
        return value  # the partial channel Discord resolved; only its id is used


def is_valid_name(name: str) -> bool:
    return _NAME_RE.fullmatch(name) is not None


def _description(text: str, fallback: str) -> str:
    first_line = text.strip().splitlines()[0] if text.strip() else fallback
    return clip(first_line, DESCRIPTION_LIMIT)


def _annotation(param: Param) -> Any:
    channel = app_commands.Transform[Any, PostableChannel]
    base: Any = {Kind.INTEGER: int, Kind.USER: discord.User, Kind.CHANNEL: channel}.get(
        param.kind, str
    )
    if param.kind is Kind.INTEGER and (param.minimum is not None or param.maximum is not None):
        # Discord's client refuses a number out of range before it is sent.
        base = app_commands.Range[int, param.minimum, param.maximum]
    return base if param.required else base | None


_CHANNEL_MENTION = re.compile(r"<#(\d+)>")


def _as_text(value: object) -> str:
    if isinstance(
        value, discord.abc.User | app_commands.AppCommandChannel | app_commands.AppCommandThread
    ):
        return str(value.id)
    text = str(value).strip()
    # A value that is just a picked channel ("#study-plan" arrives as <#123>) means its id,
    # which is what the core stores and the outbox later sends to.
    channel = _CHANNEL_MENTION.fullmatch(text)
    return channel.group(1) if channel else text


def build_line(spec: CommandSpec, values: Mapping[str, object]) -> str:
    """The console line equivalent to a slash command with these option values."""
    parts = [f"/{spec.name}"]
    for param in spec.params:
        value = values.get(param.name)
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        word = as_word(_as_text(value))
        parts.append(f"--{param.name} {word}" if param.option else word)
    return " ".join(parts)


def build_slash_command(
    spec: CommandSpec, invoke: Invoke, *, allow_dm: bool = False
) -> app_commands.Command[Any, Any, None]:
    """One slash command for one table entry; raises ValueError if Discord can't take it.

    Without `allow_dm` the command is offered in servers only (admin commands, and
    everything when the client can't tell which server a DM belongs to).
    """
    if not is_valid_name(spec.name):
        raise ValueError(f"{spec.name!r} is not a valid Discord command name")
    params = spec.params[:OPTION_LIMIT]
    # Internal parameter names are p0, p1, …: table names need not be Python identifiers.
    internal = {f"p{index}": param for index, param in enumerate(params)}
    for param in params:
        if not is_valid_name(param.name):
            raise ValueError(f"/{spec.name}: {param.name!r} is not a valid Discord option name")

    channels = [param.name for param in params if param.kind is Kind.CHANNEL]

    async def callback(interaction: discord.Interaction, /, **values: object) -> None:
        by_name = {internal[key].name: value for key, value in values.items()}
        posts_to = None
        if channels:
            # The picked channel, or (left out) the one the command runs in.
            picked = by_name.get(channels[0])
            posts_to = getattr(picked, "id", None) or interaction.channel_id
        await invoke(interaction, build_line(spec, by_name), posts_to=posts_to)

    signature_params = [
        inspect.Parameter(
            "interaction", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=discord.Interaction
        )
    ]
    for key, param in internal.items():
        signature_params.append(
            inspect.Parameter(
                key,
                inspect.Parameter.KEYWORD_ONLY,
                annotation=_annotation(param),
                default=inspect.Parameter.empty if param.required else None,
            )
        )
    # discord.py reads options from the callback's signature; give it a made-up one.
    callback.__signature__ = inspect.Signature(signature_params)  # type: ignore[attr-defined]
    callback.__discord_app_commands_param_description__ = {  # type: ignore[attr-defined]
        key: _description(param.help, param.name) for key, param in internal.items()
    }
    callback.__discord_app_commands_param_rename__ = {  # type: ignore[attr-defined]
        key: param.name for key, param in internal.items()
    }
    callback.__discord_app_commands_param_choices__ = {  # type: ignore[attr-defined]
        key: [app_commands.Choice(name=choice, value=choice) for choice in param.choices]
        for key, param in internal.items()
        if param.kind is Kind.CHOICE and 0 < len(param.choices) <= CHOICE_LIMIT
    }
    command: app_commands.Command[Any, Any, None] = app_commands.Command(
        name=spec.name, description=_description(spec.help, spec.name), callback=callback
    )
    command.guild_only = not allow_dm
    command.allowed_contexts = app_commands.AppCommandContext(
        guild=True, dm_channel=allow_dm, private_channel=False
    )
    # Installed to servers only; said explicitly (discord.py would send null).
    command.allowed_installs = app_commands.AppInstallationType(guild=True, user=False)
    if spec.permission is Permission.ADMIN:
        # Hidden from members who cannot manage the server; a server admin may still
        # open a command to others under Server Settings → Integrations, and the core's
        # own admin list (/admin-add) is checked either way.
        command.default_permissions = discord.Permissions(manage_guild=True)
    for key, param in internal.items():
        if param.kind is Kind.TIMEZONE:
            command.autocomplete(key)(_complete_timezone)
        elif param.suggest is not None:
            command.autocomplete(key)(_completer(param))
    return command


def _completer(
    param: Param,
) -> Callable[[discord.Interaction, str], Coroutine[Any, Any, list[app_commands.Choice[Any]]]]:
    suggest = param.suggest
    assert suggest is not None

    async def complete(
        interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[Any]]:
        return [
            app_commands.Choice(name=clip(label, DESCRIPTION_LIMIT), value=value)
            for label, value in suggest(str(current or ""))[:CHOICE_LIMIT]
        ]

    return complete


async def _complete_timezone(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    # Typed text stays free: these are hints, and the core still parses what is sent.
    return [app_commands.Choice(name=zone, value=zone) for zone in suggest_timezones(current)]
