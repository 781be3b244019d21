"""Reply -> Discord embed (+ file, + buttons), within Discord's limits and never pinging."""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass

import discord

from bot.cards import card_filename, render_card
from bot.replies import ActionStyle, Reply, ReplyAction
from bot.text import clip, neutralize_mentions

# Discord's documented embed limits.
TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELD_COUNT_LIMIT = 25
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
EMBED_TOTAL_LIMIT = 6000

#: Buttons per message (5 rows of 5), label length and custom_id length.
BUTTON_LIMIT = 25
LABEL_LIMIT = 80
CUSTOM_ID_LIMIT = 100
#: A button's custom_id: "pathbot:" or "pathbot@<guild id>:", then the command line it sends.
ACTION_PREFIX = "pathbot"
_CUSTOM_ID = re.compile(r"pathbot(?:@(\d{1,20}))?:(/.+)", re.DOTALL)

OK_COLOUR = discord.Colour.green()
REFUSAL_COLOUR = discord.Colour.red()


log = logging.getLogger(__name__)

_STYLES = {
    ActionStyle.PRIMARY: discord.ButtonStyle.primary,
    ActionStyle.SECONDARY: discord.ButtonStyle.secondary,
    ActionStyle.SUCCESS: discord.ButtonStyle.success,
    ActionStyle.DANGER: discord.ButtonStyle.danger,
}


@dataclass(frozen=True, slots=True)
class RenderedReply:
    embed: discord.Embed
    #: The reply's attachment and its card (a PNG the embed shows as its image).
    files: list[discord.File]
    ephemeral: bool
    #: The reply's actions as buttons, or None; see `render_view`.
    view: discord.ui.View | None = None


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


def render_files(reply: Reply) -> list[discord.File]:
    files = []
    if reply.attachment is not None:
        data = io.BytesIO(reply.attachment.content.encode("utf-8"))
        files.append(discord.File(data, filename=reply.attachment.filename))
    if reply.card is not None:
        png = io.BytesIO(render_card(reply.card))
        files.append(discord.File(png, filename=card_filename(reply.card)))
    return files


@dataclass(frozen=True, slots=True)
class ButtonCommand:
    """What a click on a pathbot button asks for."""

    line: str
    #: The guild the button was made for (a reminder DM's), if it says.
    workspace: str | None = None


def action_custom_id(action: ReplyAction) -> str:
    pinned = action.workspace is not None and action.workspace.isdigit()
    if pinned:
        custom_id = f"{ACTION_PREFIX}@{action.workspace}:{action.command}"
        if len(custom_id) <= CUSTOM_ID_LIMIT:
            return custom_id
    # Unpinned, a DM click runs in the member's most recently active server.
    return f"{ACTION_PREFIX}:{action.command}"


def command_of(custom_id: str) -> ButtonCommand | None:
    """The command a pathbot button sends, or None for any other component."""
    match = _CUSTOM_ID.fullmatch(custom_id)
    if match is None or not match.group(2).strip():
        return None
    return ButtonCommand(match.group(2).strip(), match.group(1))


def render_view(reply: Reply) -> discord.ui.View | None:
    """Buttons for the reply's actions (must be called inside the running event loop).

    The view is stopped before it is sent: discord.py then does not keep it in
    memory waiting for clicks (every reminder would leak one). Clicks are
    answered by the client's `on_interaction` from the custom_id alone, so a
    button still works after a restart.
    """
    buttons: list[discord.ui.Button[discord.ui.View]] = []
    for action in reply.actions:
        custom_id = action_custom_id(action)
        if len(custom_id) > CUSTOM_ID_LIMIT:
            log.warning("dropping button %r: its command is too long for Discord", action.label)
            continue
        label = _safe(action.label, LABEL_LIMIT) or action.command
        buttons.append(
            discord.ui.Button(label=label, custom_id=custom_id, style=_STYLES[action.style])
        )
    if not buttons:
        return None
    view = discord.ui.View(timeout=None)
    for button in buttons[:BUTTON_LIMIT]:
        view.add_item(button)
    view.stop()
    return view


def render(reply: Reply) -> RenderedReply:
    embed = render_embed(reply)
    if reply.card is not None:
        # Shown inside the embed, from the file sent with it.
        embed.set_image(url=f"attachment://{card_filename(reply.card)}")
    return RenderedReply(embed, render_files(reply), reply.ephemeral, render_view(reply))
