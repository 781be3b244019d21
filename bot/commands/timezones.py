"""Time zones as people type them: IANA names, cities, abbreviations, near misses.

`parse_timezone` raises :class:`~bot.commands.parsing.ParseError` with one
friendly line (and a "did you mean" where one fits); `suggest_timezones` feeds
Discord's autocomplete.
"""

from __future__ import annotations

import re
import zoneinfo
from functools import lru_cache

from rapidfuzz import fuzz, process

from bot.commands.parsing import ParseError, quote

__all__ = ["parse_timezone", "suggest_timezones"]


@lru_cache(maxsize=1)
def _timezones_by_folded_name() -> dict[str, str]:
    # Built on first use, not at import: reading the zone list touches the disk.
    return {name.casefold(): name for name in zoneinfo.available_timezones()}


# Abbreviations people type that are not zones (or not the zone they mean): suggest places.
_ZONE_ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "pst": ("America/Los_Angeles",),
    "pdt": ("America/Los_Angeles",),
    "mdt": ("America/Denver",),
    "cst": ("America/Chicago", "Asia/Shanghai"),
    "cdt": ("America/Chicago",),
    "edt": ("America/New_York",),
    "bst": ("Europe/London",),
    "ist": ("Asia/Kolkata", "Europe/Dublin", "Asia/Jerusalem"),
    "cest": ("Europe/Berlin", "Europe/Paris", "Europe/Rome"),
    "eest": ("Europe/Athens",),
    "aest": ("Australia/Sydney",),
    "aedt": ("Australia/Sydney",),
    "awst": ("Australia/Perth",),
    "nzst": ("Pacific/Auckland",),
    "jst": ("Asia/Tokyo",),
    "kst": ("Asia/Seoul",),
    "sgt": ("Asia/Singapore",),
    "pkt": ("Asia/Karachi",),
    "msk": ("Europe/Moscow",),
    "brt": ("America/Sao_Paulo",),
    "wat": ("Africa/Lagos",),
    "eat": ("Africa/Nairobi",),
}
#: Offered first when someone has typed nothing yet (Discord autocomplete).
_POPULAR_ZONES = (
    "UTC",
    "Europe/London",
    "Europe/Berlin",
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "Africa/Lagos",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Australia/Sydney",
)
_OFFSET_RE = re.compile(r"(?:utc|gmt)?\s*[+-]\s*\d{1,2}(?::?\d{2})?", re.ASCII | re.IGNORECASE)


def parse_timezone(text: str) -> zoneinfo.ZoneInfo:
    """Parse an IANA time zone name, case-insensitively, with a suggestion on typos."""
    cleaned = text.strip().replace(" ", "_")
    if not cleaned:
        raise ParseError("Tell me a time zone, like Europe/Berlin, America/New_York or UTC")
    zones = _timezones_by_folded_name()
    name = zones.get(cleaned.casefold())
    if name is not None:
        return zoneinfo.ZoneInfo(name)
    message = f"I don't know the time zone {quote(text.strip())}"
    if _OFFSET_RE.fullmatch(text.strip()):
        raise ParseError(
            f"{message} — give a place instead of an offset, so daylight saving time is "
            f"followed: e.g. Europe/Berlin, America/New_York or Asia/Kolkata"
        )
    suggestion = _suggest_timezone(cleaned, zones)
    if suggestion is not None:
        raise ParseError(f"{message} — did you mean {suggestion}?")
    raise ParseError(f"{message} — use an IANA name like Europe/Berlin, America/New_York or UTC")


def _suggest_timezone(cleaned: str, zones: dict[str, str]) -> str | None:
    folded = cleaned.casefold()
    if folded in _ZONE_ABBREVIATIONS:
        first, *others = _ZONE_ABBREVIATIONS[folded]
        return f"{first} (or {', '.join(others)})" if others else first
    # "berlin" or "new_york": a city alone is the commonest near-miss.
    by_city = sorted(name for key, name in zones.items() if key.rsplit("/", 1)[-1] == folded)
    if by_city:
        return by_city[0]
    best = process.extractOne(folded, _places(), scorer=fuzz.WRatio, score_cutoff=85)
    return zones[best[0]] if best is not None else None


@lru_cache(maxsize=1)
def _places() -> tuple[str, ...]:
    # Fuzzy-match places only: short abbreviations and Etc/GMT±N (whose sign is the
    # reverse of what people expect) make misleading suggestions.
    return tuple(
        sorted(
            key for key in _timezones_by_folded_name() if "/" in key and not key.startswith("etc/")
        )
    )


def suggest_timezones(text: str, limit: int = 25) -> list[str]:
    """Zone names for a partly typed one (autocomplete): abbreviations, prefixes, near misses."""
    zones = _timezones_by_folded_name()
    folded = text.strip().replace(" ", "_").casefold()
    if not folded:
        return list(_POPULAR_ZONES[:limit])
    found: list[str] = [*_ZONE_ABBREVIATIONS.get(folded, ())]
    if folded in zones:
        found.append(zones[folded])
    # Whole name or city starting with what was typed first, then anywhere inside it.
    contains = [key for key in (*_places(), "utc") if folded in key]
    contains.sort(key=lambda key: (not key.rsplit("/", 1)[-1].startswith(folded), len(key), key))
    found.extend(zones[key] for key in contains)
    if len(found) < limit:
        near = process.extract(folded, _places(), scorer=fuzz.WRatio, limit=limit, score_cutoff=70)
        found.extend(zones[match[0]] for match in near)
    return list(dict.fromkeys(found))[:limit]
