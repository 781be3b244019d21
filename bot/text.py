"""Text safety for anything the bot echoes: it must never ping, and must fit.

Member-supplied text (notes, resource titles, display names) ends up in
channel messages. Discord and Slack both turn certain tokens into
notifications, so every adapter passes outgoing text through
:func:`neutralize_mentions`. The result stays readable: a zero-width space
after the ``@`` breaks the ping without changing what people see.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = [
    "ZWSP",
    "clip",
    "control_characters",
    "is_visible",
    "name_from_platform",
    "neutralize_mentions",
    "tidy",
]

ZWSP = "\u200b"
ELLIPSIS = "…"

# Broadcast words both platforms (and Slack's link_names) turn into pings.
# No word boundary: Discord pings "@everyone" even when letters follow it.
_BROADCAST_RE = re.compile(r"@(?=(?:everyone|here|channel))", re.IGNORECASE)
# Discord <@123>, <@!123>, <@&123>; Slack <@U123>, <@U123|name>, <!here>,
# <!subteam^S123|@team>. Any <@…> or <!…> token is treated as a mention.
_ANGLE_MENTION_RE = re.compile(r"<([@!])([^<>]*)>")


def _render_angle_mention(match: re.Match[str]) -> str:
    sigil, body = match.group(1), match.group(2)
    target, _, label = body.partition("|")
    if label.strip():
        name = label.strip().lstrip("@" + ZWSP)
    elif sigil == "!":
        # <!here>, <!channel>, <!everyone> keep their word; <!subteam^S1> is a user group.
        keyword = target.split("^", 1)[0].lower()
        name = "team" if keyword == "subteam" else keyword or "mention"
    elif target.startswith("&"):
        name = "role"
    else:
        name = "user"
    return f"@{ZWSP}{name}"


def _neutralize_once(text: str) -> str:
    text = _ANGLE_MENTION_RE.sub(_render_angle_mention, text)
    return _BROADCAST_RE.sub(f"@{ZWSP}", text)


def neutralize_mentions(text: str) -> str:
    """Return ``text`` readable but unable to ping anyone on Discord or Slack."""
    # A label may itself hold a mention ("<@U1|<@123>>"), so repeat until nothing
    # changes. Each pass removes a "<…>" pair or breaks a broadcast word, so this ends.
    while True:
        changed = _neutralize_once(text)
        if changed == text:
            return text
        text = changed


def clip(text: str, limit: int) -> str:
    """Shorten ``text`` to at most ``limit`` characters, ending in an ellipsis if cut."""
    if limit < 1:
        raise ValueError("clip limit must be at least 1")
    if len(text) <= limit:
        return text
    return text[: limit - 1].rstrip() + ELLIPSIS


# Overrides, embeddings, isolates and marks: a name carrying them reorders the
# leaderboard line it sits in.
_BIDI_CONTROLS = dict.fromkeys(
    map(ord, "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
)
# Letters that render as nothing (Hangul and Braille blanks, the Mongolian separator).
_BLANK_LETTERS = frozenset("\u115f\u1160\u180e\u2800\u3164\uffa0")
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp", "Mn", "Me", "Cn"})


def tidy(text: str) -> str:
    """NFC-normalised, without bidirectional controls: one spelling per visible text."""
    return unicodedata.normalize("NFC", text).translate(_BIDI_CONTROLS)


def control_characters(text: str, allowed: str = "") -> list[str]:
    """The control characters (NUL, escape…) in `text`, apart from `allowed` ones."""
    return [char for char in text if unicodedata.category(char) == "Cc" and char not in allowed]


def is_visible(text: str) -> bool:
    """Does the text show at least one character (not only spaces or invisible marks)?"""
    return any(
        unicodedata.category(char) not in _INVISIBLE_CATEGORIES and char not in _BLANK_LETTERS
        for char in text
    )


def name_from_platform(name: str, fallback: str, limit: int) -> str:
    """A display name the platform gave, made safe to store: it is never refused."""
    kept = "".join(char for char in tidy(name) if unicodedata.category(char) != "Cc")
    cleaned = " ".join(kept.split())
    return clip(cleaned if is_visible(cleaned) else fallback, limit)
