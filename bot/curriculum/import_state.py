"""What the Markdown importer carries from line to line, and how it reports a bad line."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.curriculum.durations import parse_hours


class MarkdownImportError(ValueError):
    """The Markdown does not have the expected shape; `line` is 1-based (0 = whole file)."""

    def __init__(self, line: int, message: str) -> None:
        self.line = line
        self.message = message
        super().__init__(f"line {line}: {message}" if line else message)


@dataclass
class ImportState:
    """The parse so far: plain dicts shaped like the schema, validated once at the end."""

    section: str = "intro"  # intro | months | schedule | key | closing
    data: dict[str, Any] = field(default_factory=dict)
    month: dict[str, Any] | None = None
    week: dict[str, Any] | None = None
    block: dict[str, Any] | None = None
    week_line: int = 0
    label: str | None = None  # the bold label whose nested bullets come next
    label_indent: int = 0
    item_indent: int | None = None
    schedule_part: str | None = None  # weekday | weekend
    day: str | None = None  # saturday | sunday
    stage: str | None = None
    paragraph: list[str] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)


def hours_field(number: int, text: str) -> dict[str, float]:
    """'5-6 hours' -> {"min": 5.0, "max": 6.0}, or a located error."""
    hours = parse_hours(text)
    if hours is None:
        raise MarkdownImportError(number, f"cannot read hours {text.strip()!r} (try '5-6 hours')")
    if hours[0] > hours[1]:
        raise MarkdownImportError(number, f"hours {text.strip()!r}: min > max")
    return {"min": hours[0], "max": hours[1]}
