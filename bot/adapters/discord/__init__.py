"""Discord adapter (discord.py): the only package in bot/ that imports discord."""

from bot.adapters.discord.client import (
    PathbotDiscordClient,
    build_slash_command,
    caller_from_interaction,
    discord_nonce,
)
from bot.adapters.discord.protocols import CommandHandler, CommandInfo
from bot.adapters.discord.render import render, render_embed
from bot.adapters.discord.sender import DiscordSender

__all__ = [
    "CommandHandler",
    "CommandInfo",
    "DiscordSender",
    "PathbotDiscordClient",
    "build_slash_command",
    "caller_from_interaction",
    "discord_nonce",
    "render",
    "render_embed",
]
