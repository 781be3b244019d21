"""Discord adapter (discord.py): the only package in bot/ that imports discord.

The outbox sender lives in `bot.adapters.discord.sender` (it needs bot.scheduling).
"""

from bot.adapters.discord.client import PathbotDiscordClient, caller_from_interaction
from bot.adapters.discord.posting import discord_nonce
from bot.adapters.discord.protocols import CommandHandler
from bot.adapters.discord.render import render, render_embed
from bot.adapters.discord.slash import build_line, build_slash_command

__all__ = [
    "CommandHandler",
    "PathbotDiscordClient",
    "build_line",
    "build_slash_command",
    "caller_from_interaction",
    "discord_nonce",
    "render",
    "render_embed",
]
