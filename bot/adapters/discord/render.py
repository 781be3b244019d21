"""Reply -> Discord embed (+ file), within Discord's size limits and never pinging."""

from __future__ import annotations

import io
from dataclasses import dataclass

import discord

from bot.replies import Reply
from bot.text import clip, neutralize_mentions

# Discord's documented embed limits.
TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELD_COUNT_LIMIT = 25
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
EMBED_TOTAL_LIMIT = 6000

OK_COLOUR = discord.Colour.green()
REFUSAL_COLOUR = discord.Colour.red()


@dataclass(frozen=True, slots=True)
class RenderedReply:
    embed: discord.Embed
    file: discord.File | None
    ephemeral: bool


def _safe(text: str, limit: int) -> str:
    # Clip after neutralizing: the zero-width spaces count towards Discord's limits.
    return clip(neutralize_mentions(text), limit)


def render_embed(reply: Reply) -> discord.Embed:
    title = _safe(reply.title, TITLE_LIMIT) or "pathbot"
    embed = discord.Embed(title=title, colour=OK_COLOUR if reply.ok else REFUSAL_COLOUR)
    used = len(title)
    for field in reply.fields[:FIELD_COUNT_LIMIT]:
        name = _safe(field.name, FIELD_NAME_LIMIT) or "\u200b"
        value = _safe(field.value, FIELD_VALUE_LIMIT) or "—"
        if used + len(name) + len(value) > EMBED_TOTAL_LIMIT:
            break
        embed.add_field(name=name, value=value, inline=field.inline)
        used += len(name) + len(value)
    if reply.lines:
        budget = min(DESCRIPTION_LIMIT, EMBED_TOTAL_LIMIT - used)
        if budget > 0:
            embed.description = _safe("\n".join(reply.lines), budget)
    return embed


def render_file(reply: Reply) -> discord.File | None:
    if reply.attachment is None:
        return None
    data = io.BytesIO(reply.attachment.content.encode("utf-8"))
    return discord.File(data, filename=reply.attachment.filename)


def render(reply: Reply) -> RenderedReply:
    return RenderedReply(render_embed(reply), render_file(reply), reply.ephemeral)
