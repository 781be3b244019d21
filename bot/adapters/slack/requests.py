"""What Slack sends, as the core reads it: the typed text, and what identifies a request."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

_LEADING_MENTION = re.compile(r"^\s*<@[A-Z0-9]+(?:\|[^>]*)?>\s*")
# Slack-formatted input: <#C123|general> channel refs, <https://…|label> and
# <mailto:…|label> links. Mentions (<@U123|ada>) stay: the core reads them as users.
_CHANNEL_REF = re.compile(r"<#([A-Z0-9]+)(?:\|[^>]*)?>")
_LINK = re.compile(r"<((?:https?|mailto):[^|>]+)(?:\|([^>]*))?>")


def without_leading_mention(text: str) -> str:
    """`@pathbot log 1h` in a DM is `log 1h`."""
    return _LEADING_MENTION.sub("", text)


def command_word(line: str) -> str:
    """The command a line asks for (`log` in `/log 1h` or `log 1h`), lower case."""
    return line.lstrip("/").split(" ", 1)[0].lower()


def request_key(body: Mapping[str, Any]) -> str | None:
    """What Slack repeats on a retry: the event's id, or the interaction's trigger id."""
    team = body.get("team_id") or (body.get("team") or {}).get("id") or ""
    ident = body.get("event_id") or body.get("trigger_id")
    return f"slack:{team}:{ident}" if ident else None


def plain_text(text: str) -> str:
    """What the member typed, from Slack's formatted message or command text."""
    text = _CHANNEL_REF.sub(r"\1", text)
    text = _LINK.sub(
        lambda m: m.group(2) if m.group(1).startswith("mailto:") and m.group(2) else m.group(1),
        text,
    )
    # Slack escapes exactly these three; "&amp;" last so "&amp;lt;" stays "&lt;".
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
