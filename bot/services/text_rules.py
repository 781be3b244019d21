"""What text pathbot stores, the same on SQLite and PostgreSQL.

Text is NFC-normalised and loses bidirectional controls; control characters are
refused (PostgreSQL cannot store NUL, and an escape code has no place in a note);
a name must show something; lengths are capped in characters and in bytes (an
emoji is one character and four bytes).
"""

from __future__ import annotations

from bot.services.context import UserError
from bot.text import control_characters, is_visible, tidy

MAX_NOTE = 1000
MAX_NOTE_BYTES = 4000
MAX_NAME = 100
MAX_NAME_BYTES = 400


def _refuse_controls(text: str, what: str, allowed: str = "") -> None:
    found = control_characters(text, allowed)
    if found:
        shown = ", ".join(sorted({f"U+{ord(char):04X}" for char in found}))
        raise UserError(f"Your {what} has control characters I can't store ({shown})")


def accept_note(note: str | None) -> str | None:
    """A note as stored (None when empty), or a refusal."""
    if note is None:
        return None
    note = tidy(note).strip()
    if not note:
        return None
    _refuse_controls(note, "note", allowed="\n\t")
    if len(note) > MAX_NOTE:
        raise UserError(f"Notes are limited to {MAX_NOTE:,} characters (yours has {len(note):,})")
    if len(note.encode()) > MAX_NOTE_BYTES:
        raise UserError(f"That note is too long to store ({MAX_NOTE_BYTES:,} bytes at most)")
    return note


def accept_name(name: str) -> str:
    """A display name a member typed, as stored, or a refusal."""
    name = " ".join(tidy(name).split())
    _refuse_controls(name, "name")
    if not is_visible(name):
        raise UserError("Your name needs at least one visible character")
    if len(name) > MAX_NAME or len(name.encode()) > MAX_NAME_BYTES:
        raise UserError(f"Keep your name under {MAX_NAME} characters")
    return name
