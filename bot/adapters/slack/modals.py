"""`/pathbot log` with nothing after it opens a form: duration, note, date.

The submission becomes the same command line anyone could type (`/log "1h30" "read"
--date 2027-01-05`), so the core's parsing, limits and messages apply unchanged; a
refusal is shown on the field it is about, and the form stays open.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.adapters.slack.render import Block, safe_plain
from bot.commands.parsing import as_word
from bot.services.text_rules import MAX_NOTE

LOG_MODAL = "pathbot-log"
#: Slack's limits: a modal's title 24 characters, an error 2000 (kept well within).
_ERROR_LIMIT = 300


def log_modal() -> dict[str, Any]:
    blocks: list[Block] = [
        {
            "type": "input",
            "block_id": "duration",
            "label": {"type": "plain_text", "text": "How long"},
            "hint": {"type": "plain_text", "text": "1.5, 90m, 1h30, 1:30 or 2 hours"},
            "element": {"type": "plain_text_input", "action_id": "value"},
        },
        {
            "type": "input",
            "block_id": "note",
            "optional": True,
            "label": {"type": "plain_text", "text": "What you did"},
            # Slack stops typing at the core's own limit; the core checks it again.
            "element": {
                "type": "plain_text_input",
                "action_id": "value",
                "multiline": True,
                "max_length": MAX_NOTE,
            },
        },
        {
            "type": "input",
            "block_id": "date",
            "optional": True,
            "label": {"type": "plain_text", "text": "Day (default today)"},
            "element": {"type": "datepicker", "action_id": "value"},
        },
    ]
    return {
        "type": "modal",
        "callback_id": LOG_MODAL,
        "title": {"type": "plain_text", "text": "Log study time"},
        "submit": {"type": "plain_text", "text": "Log it"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": blocks,
    }


def log_line(values: Mapping[str, Any]) -> str:
    """The command line a submitted form stands for."""

    def value(block: str) -> str:
        element = (values.get(block) or {}).get("value") or {}
        return str(element.get("value") or element.get("selected_date") or "").strip()

    line = f"/log {as_word(value('duration'))}"
    if note := value("note"):
        line += f" {as_word(note)}"
    if day := value("date"):
        line += f" --date {as_word(day)}"
    return line


def field_errors(message: str) -> dict[str, str]:
    """A refusal, put under the field it is about (the duration unless it names another)."""
    lowered = message.lower()
    block = "date" if "date" in lowered or "future" in lowered else "duration"
    if "note" in lowered or "too long" in lowered:
        block = "note"  # the only field that can be long
    return {block: safe_plain(message, _ERROR_LIMIT)}
