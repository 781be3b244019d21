"""Reply -> Slack Block Kit (header, section, fields), never pinging anyone.

Text is neutralized (see bot.text) and then escaped the way Slack asks for
mrkdwn (`&`, `<`, `>`), so no member-supplied text can form `<!here>`,
`<@U…>` or a link that Slack would expand.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from bot.replies import ActionStyle, Reply
from bot.text import clip, neutralize_mentions

# Slack's documented Block Kit limits.
HEADER_LIMIT = 150
SECTION_TEXT_LIMIT = 3000
FIELD_TEXT_LIMIT = 2000
FIELDS_PER_SECTION = 10
BLOCK_LIMIT = 50
#: Slack truncates a message's top-level text long before its 40k hard limit.
FALLBACK_TEXT_LIMIT = 3000

#: Buttons per actions block, and a button's label and value limits.
ACTIONS_PER_BLOCK = 25
BUTTON_TEXT_LIMIT = 75
BUTTON_VALUE_LIMIT = 2000
#: Every pathbot button's action_id starts with this (then its index); its value is the command.
ACTION_ID_PREFIX = "pathbot:"
#: Slack buttons know only these two styles; anything else is the default look.
_STYLES = {
    ActionStyle.PRIMARY: "primary",
    ActionStyle.SUCCESS: "primary",
    ActionStyle.DANGER: "danger",
}

REFUSAL_PREFIX = ":warning: "

Block = dict[str, Any]


@dataclass(frozen=True, slots=True)
class SlackMessage:
    """Everything chat.postMessage / response_url need besides where it goes."""

    text: str
    blocks: list[Block]
    ephemeral: bool


class CommandSpelling:
    """Rewrites the core's "/log 1h30" hints as "/pathbot log 1h30", Slack's spelling.

    Slack apps get one slash command, so every hint the core writes for the
    console and Discord would be wrong here; only known command names change.
    """

    def __init__(self, command: str, names: Collection[str]) -> None:
        #: The app's slash command ("/pathbot").
        self.command = command
        alternatives = "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))
        # Not after a word character or slash: URLs and paths ("x.com/log") stay as they are.
        self._pattern = re.compile(rf"(?<![\w/])/({alternatives})\b") if names else None

    def text(self, text: str) -> str:
        if self._pattern is None:
            return text
        return self._pattern.sub(lambda match: f"{self.command} {match.group(1)}", text)

    def reply(self, reply: Reply) -> Reply:
        if self._pattern is None:
            return reply
        fields = [
            field.model_copy(
                update={"name": self.text(field.name), "value": self.text(field.value)}
            )
            for field in reply.fields
        ]
        return reply.model_copy(
            update={
                "title": self.text(reply.title),
                "lines": [self.text(line) for line in reply.lines],
                "fields": fields,
            }
        )


def escape(text: str) -> str:
    """Slack's three mrkdwn control characters, as Slack documents them."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def safe_mrkdwn(text: str, limit: int) -> str:
    # Clip after escaping so the limit counts what Slack counts; the worst case is an
    # entity cut at the very end ("&am…"), shown literally and harmless.
    return clip(escape(neutralize_mentions(text)), limit)


def safe_plain(text: str, limit: int) -> str:
    # plain_text is shown literally; only mentions need defusing.
    return clip(neutralize_mentions(text), limit)


def sections(lines: list[str], limit: int = SECTION_TEXT_LIMIT) -> list[str]:
    """The lines, escaped, as section texts within Slack's limit: whole lines together,
    a longer line split after a sentence (or else a word), never in the middle of one."""
    texts: list[str] = []
    current: str | None = None
    for line in lines:
        for piece in _pieces(escape(neutralize_mentions(line)), limit):
            joined = piece if current is None else f"{current}\n{piece}"
            if len(joined) <= limit:
                current = joined
                continue
            if current is not None:
                texts.append(current)
            current = piece
    if current:
        texts.append(current)
    return texts


def _pieces(line: str, limit: int) -> list[str]:
    pieces = []
    while len(line) > limit:
        window = line[:limit]
        cut = max(window.rfind(". "), window.rfind("! "), window.rfind("? "))
        cut = cut + 1 if cut > limit // 2 else window.rfind(" ")
        if cut <= 0:
            cut = limit  # one unbroken word longer than a section: nothing better to do
        pieces.append(line[:cut].rstrip())
        line = line[cut:].lstrip()
    return [*pieces, line] if line or not pieces else pieces


def render_blocks(reply: Reply) -> list[Block]:
    title = (REFUSAL_PREFIX if not reply.ok else "") + (reply.title or "pathbot")
    blocks: list[Block] = [
        {"type": "header", "text": {"type": "plain_text", "text": safe_plain(title, HEADER_LIMIT)}}
    ]
    for text in sections(reply.lines)[: BLOCK_LIMIT - 2]:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": text}})
    fields = [
        {
            "type": "mrkdwn",
            "text": safe_mrkdwn(f"*{field.name}*\n{field.value}", FIELD_TEXT_LIMIT),
        }
        for field in reply.fields
    ]
    for start in range(0, len(fields), FIELDS_PER_SECTION):
        if len(blocks) >= BLOCK_LIMIT:
            break
        blocks.append({"type": "section", "fields": fields[start : start + FIELDS_PER_SECTION]})
    buttons = render_buttons(reply)
    if buttons and len(blocks) < BLOCK_LIMIT:
        blocks.append({"type": "actions", "elements": buttons})
    return blocks


def render_buttons(reply: Reply) -> list[Block]:
    """The reply's actions as Block Kit buttons; each click sends `value` as a command."""
    buttons: list[Block] = []
    for index, action in enumerate(reply.actions[:ACTIONS_PER_BLOCK]):
        if len(action.command) > BUTTON_VALUE_LIMIT:
            continue
        button: Block = {
            "type": "button",
            "action_id": f"{ACTION_ID_PREFIX}{index}",
            "text": {
                "type": "plain_text",
                "text": safe_plain(action.label, BUTTON_TEXT_LIMIT),
                "emoji": True,
            },
            "value": action.command,
        }
        style = _STYLES.get(action.style)
        if style is not None:
            button["style"] = style
        buttons.append(button)
    return buttons


def render(reply: Reply) -> SlackMessage:
    text = safe_mrkdwn(reply.text(), FALLBACK_TEXT_LIMIT)
    return SlackMessage(text=text, blocks=render_blocks(reply), ephemeral=reply.ephemeral)
