"""Read the durations a learning path writes in prose: "10-12 hours", "30-90 minutes", "1 hour"."""

from __future__ import annotations

import re

_RANGE = re.compile(
    r"^(?P<low>\d+(?:\.\d+)?)\s*(?:(?:-|–|—|to)\s*(?P<high>\d+(?:\.\d+)?))?\s*"
    r"(?P<unit>hours?|hrs?|h|minutes?|mins?|m)\.?$",
    re.IGNORECASE,
)


def _parse(text: str) -> tuple[float, float, str] | None:
    match = _RANGE.match(text.strip())
    if not match:
        return None
    low = float(match.group("low"))
    high = float(match.group("high")) if match.group("high") else low
    unit = "minutes" if match.group("unit").lower().startswith("m") else "hours"
    return low, high, unit


def parse_hours(text: str) -> tuple[float, float] | None:
    """'5-6 hours' -> (5.0, 6.0); '10 hours' -> (10.0, 10.0); None if it is not hours."""
    parsed = _parse(text)
    if parsed is None or parsed[2] != "hours":
        return None
    return parsed[0], parsed[1]


def parse_minutes(text: str) -> tuple[int, int] | None:
    """'30-90 minutes' -> (30, 90); '2-3 hours' -> (120, 180); None if it is no duration."""
    parsed = _parse(text)
    if parsed is None:
        return None
    factor = 60 if parsed[2] == "hours" else 1
    return round(parsed[0] * factor), round(parsed[1] * factor)


def mentions_hours(text: str) -> bool:
    """Whether a parenthesis looks like it meant to give hours ("5-six hours")."""
    return re.search(r"\b(hours?|hrs?)\b", text, re.IGNORECASE) is not None
