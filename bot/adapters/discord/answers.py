"""Answering an interaction: the reply as an embed, never a ping, within Discord's
deadlines (3 s to acknowledge from its creation, 15 minutes to follow up); an
interaction past them is logged, not raised."""

from __future__ import annotations

import logging
from typing import Any

import discord

from bot.adapters.discord.render import RenderedReply, render
from bot.replies import Reply

log = logging.getLogger(__name__)


def message_kwargs(rendered: RenderedReply) -> dict[str, Any]:
    """What every message pathbot sends carries: the embed, never a ping, file and buttons."""
    kwargs: dict[str, Any] = {
        "embed": rendered.embed,
        "allowed_mentions": discord.AllowedMentions.none(),
    }
    if rendered.files:
        kwargs["files"] = rendered.files
    if rendered.view is not None:
        kwargs["view"] = rendered.view
    return kwargs


#: Discord's answers when an interaction can no longer be answered: Unknown interaction
#: (past its 3 s), already acknowledged, Invalid Webhook Token (follow-up past 15 min).
EXPIRED_CODES = frozenset({10062, 40060, 50027})


async def respond(interaction: discord.Interaction, reply: Reply) -> None:
    """Answer an interaction, or follow up if it was already deferred. One that has
    expired is logged, not raised: there is no one left to tell."""
    rendered = render(reply)
    kwargs = message_kwargs(rendered)
    kwargs["ephemeral"] = rendered.ephemeral
    try:
        if interaction.response.is_done():
            await interaction.followup.send(**kwargs)
        else:
            await interaction.response.send_message(**kwargs)
    except discord.HTTPException as error:
        if error.code not in EXPIRED_CODES:
            raise
        log.warning("could not answer an interaction (Discord %s: %s)", error.code, error.text)


async def defer(interaction: discord.Interaction, public: bool) -> bool:
    """Acknowledge now (the answer follows); False if Discord no longer knows it."""
    try:
        await interaction.response.defer(ephemeral=not public, thinking=True)
    except discord.HTTPException as error:
        if error.code not in EXPIRED_CODES:
            raise
        log.warning("an interaction expired before it was acknowledged: not run (%s)", error.code)
        return False
    return True
