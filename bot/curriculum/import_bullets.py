"""Bullets of the Markdown importer: topic block sections, the schedule, resource lists."""

from __future__ import annotations

import re
from typing import Any

from bot.curriculum.durations import parse_minutes
from bot.curriculum.import_state import ImportState, MarkdownImportError
from bot.curriculum.resources import parse_resource

_LABELLED = re.compile(r"^\*\*(?P<label>[^*]+?):?\*\*:?\s*(?P<rest>.*)$")

#: Bold labels of a topic block and the field each fills.
_BLOCK_LABELS = {
    "concept": "concept",
    "topics": "topics",
    "practical exercises": "exercises",
    "exercises": "exercises",
    "project requirements": "requirements",
    "requirements": "requirements",
    "deliverables": "deliverables",
    "resources": "resources",
}


def handle_bullet(state: ImportState, number: int, indent: int, text: str) -> None:
    if state.section == "months":
        _block_bullet(state, number, indent, text)
    elif state.section == "schedule":
        _schedule_bullet(state, number, indent, text)
    elif state.section == "key" and state.stage is not None:
        state.data["key_resources"][state.stage].append(_resource(number, text))
    else:
        raise MarkdownImportError(number, "a bullet outside any week, schedule or resource list")


def _block_bullet(state: ImportState, number: int, indent: int, text: str) -> None:
    if state.block is None:
        raise MarkdownImportError(number, "a bullet outside a '####' topic block")
    labelled = _LABELLED.match(text)
    if state.label is None or indent <= state.label_indent:
        if not labelled:
            raise MarkdownImportError(number, f"expected a '- **Label:**' bullet, found {text!r}")
        label = labelled.group("label").strip()
        key = _BLOCK_LABELS.get(label.lower())
        if key is None:
            known = ", ".join(sorted({k.capitalize() for k in _BLOCK_LABELS}))
            raise MarkdownImportError(number, f"unknown label {label!r} (known: {known})")
        rest = labelled.group("rest").strip()
        state.label, state.label_indent, state.item_indent = key, indent, None
        if key == "concept":
            state.block["concept"] = rest
            return
        state.block.setdefault(key, [])
        if rest:
            _add_item(state, number, key, rest, sub=False)
        return
    if state.item_indent is None or indent < state.item_indent:
        state.item_indent = indent
    _add_item(state, number, state.label, text, sub=indent > state.item_indent)


def _add_item(state: ImportState, number: int, key: str, text: str, *, sub: bool) -> None:
    assert state.block is not None
    if key == "concept":
        raise MarkdownImportError(number, "Concept takes its text on the same line, not bullets")
    items: list[Any] = state.block[key]
    if key == "topics":
        if sub:
            if not items:
                raise MarkdownImportError(number, "a sub-topic before any topic")
            items[-1]["subtopics"].append(text)
        else:
            items.append({"text": text, "subtopics": []})
    elif sub:
        raise MarkdownImportError(number, "only Topics may have nested sub-items")
    elif key == "resources":
        items.append(_resource(number, text))
    else:
        items.append(text)


def _resource(number: int, text: str) -> dict[str, Any]:
    try:
        return parse_resource(text).model_dump(mode="json")
    except ValueError as error:
        raise MarkdownImportError(number, f"cannot read resource {text!r}: {error}") from None


def _schedule_bullet(state: ImportState, number: int, indent: int, text: str) -> None:
    schedule = state.data["schedule"]
    labelled = _LABELLED.match(text)
    if state.schedule_part is None or not labelled:
        raise MarkdownImportError(number, f"expected '- **30 minutes:** what to do', got {text!r}")
    label, rest = labelled.group("label").strip(), labelled.group("rest").strip()
    if state.schedule_part == "weekday":
        if label.lower().startswith("focus"):
            schedule["weekday_focus"] = rest
        else:
            schedule["weekday"].append(_schedule_item(number, label, rest))
        return
    if indent == 0 and not rest:
        lowered = label.lower()
        if "sat" in lowered or "day 1" in lowered:
            state.day = "saturday"
        elif "sun" in lowered or "day 2" in lowered:
            state.day = "sunday"
        else:
            raise MarkdownImportError(number, f"expected Saturday or Sunday, got {label!r}")
        return
    if state.day is None:
        raise MarkdownImportError(number, "a weekend item before '- **Day 1 (Saturday):**'")
    schedule[state.day].append(_schedule_item(number, label, rest))


def _schedule_item(number: int, label: str, rest: str) -> dict[str, Any]:
    minutes = parse_minutes(label)
    if minutes is None:
        raise MarkdownImportError(
            number, f"cannot read the duration {label!r} (try '30-90 minutes')"
        )
    if not rest:
        raise MarkdownImportError(number, f"nothing to do after {label!r}")
    if minutes[0] > minutes[1]:
        raise MarkdownImportError(number, f"{label!r}: the first number is larger than the second")
    return {"label": rest, "minutes_min": minutes[0], "minutes_max": minutes[1]}
