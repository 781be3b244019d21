"""Read a learning path written in Markdown (the seed's shape) into the curriculum schema.

The shape: `#` title lines, an intro paragraph, `## Month N: Title`, `### Week N: Title`,
`**Time Investment: 10-12 hours**`, `#### Block title (5-6 hours)`, bold-labelled bullets
(`- **Concept:** …`, `- **Topics:**` with nested bullets…), then the
`## Weekly Schedule for Working Professionals` and `## Key Resources for Every Stage`
sections and a closing paragraph. Anything else is reported as one line with its line
number, so a user can fix their file instead of reading a traceback.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from bot.curriculum.durations import mentions_hours, parse_hours, parse_minutes
from bot.curriculum.loader import CurriculumError, parse_curriculum
from bot.curriculum.models import Curriculum
from bot.curriculum.resources import parse_resource


class MarkdownImportError(ValueError):
    """The Markdown does not have the expected shape; `line` is 1-based (0 = whole file)."""

    def __init__(self, line: int, message: str) -> None:
        self.line = line
        self.message = message
        super().__init__(f"line {line}: {message}" if line else message)


_HEADING = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<text>.+?)\s*#*\s*$")
_MONTH = re.compile(r"^Month\s+(?P<n>\d+)\s*[:.\-–—]\s*(?P<title>.+)$", re.IGNORECASE)
_WEEK = re.compile(r"^Week\s+(?P<n>\d+)\s*[:.\-–—]\s*(?P<title>.+)$", re.IGNORECASE)
_BLOCK = re.compile(r"^(?P<title>.+?)(?:\s*\((?P<hours>[^()]*)\))?$")
_TIME = re.compile(r"^\*\*Time Investment:?\s*(?:\*\*)?:?\s*(?P<hours>[^*]+?)\s*(?:\*\*)?$", re.I)
_BULLET = re.compile(r"^(?P<indent>\s*)[-*+]\s+(?P<text>.*)$")
_LABELLED = re.compile(r"^\*\*(?P<label>[^*]+?):?\*\*:?\s*(?P<rest>.*)$")
_SCHEDULE_HEAD = re.compile(r"^(?P<name>Weekdays?|Weekends?)\s*(?:\((?P<hours>[^()]*)\))?$", re.I)
_PER_DAY = re.compile(r"\s*per\s+day\s*$", re.IGNORECASE)
_STAGE = re.compile(r"^(?P<stage>Beginner|Intermediate|Advanced)\b", re.IGNORECASE)

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


@dataclass
class _State:
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


def import_markdown(text: str) -> Curriculum:
    """Parse the Markdown and validate the result; raise MarkdownImportError on any problem."""
    state = _State()
    state.data = {"title": None, "months": [], "key_resources": {}}
    lines = text.splitlines()
    start = _skip_front_matter(lines)
    for index in range(start, len(lines)):
        _line(state, index + 1, lines[index].rstrip())
    _end_paragraph(state)
    _finish_week(state)
    _store_text(state)
    if not state.data["title"]:
        raise MarkdownImportError(0, "no '# Title' heading found")
    if not state.data["months"]:
        raise MarkdownImportError(0, "no '## Month N: Title' section found")
    if "schedule" not in state.data:
        raise MarkdownImportError(0, "no '## Weekly Schedule' section found")
    try:
        return parse_curriculum(state.data)
    except CurriculumError as error:
        raise MarkdownImportError(0, f"the imported path is invalid: {error.problems[0]}") from None


def _skip_front_matter(lines: list[str]) -> int:
    if not lines or lines[0].strip() != "---":
        return 0
    for index in range(1, len(lines)):
        if lines[index].strip() in ("---", "..."):
            return index + 1
    raise MarkdownImportError(1, "front matter starts with '---' but never ends")


def _line(state: _State, number: int, line: str) -> None:
    if not line.strip():
        _end_paragraph(state)
        return
    heading = _HEADING.match(line)
    if heading:
        _end_paragraph(state)
        _heading(state, number, len(heading.group("hashes")), heading.group("text"))
        return
    bullet = _BULLET.match(line)
    if bullet:
        _end_paragraph(state)
        indent = len(bullet.group("indent").expandtabs(4))
        _bullet(state, number, indent, bullet.group("text").strip())
        return
    time = _TIME.match(line.strip())
    if time:
        _time_investment(state, number, time.group("hours"))
        return
    if state.section != "months" and not line.startswith(" "):
        if state.section in ("schedule", "key"):
            _store_text(state)
            state.section = "closing"
        state.paragraph.append(line.strip())
        return
    raise MarkdownImportError(number, f"unexpected text here: {line.strip()[:60]!r}")


def _end_paragraph(state: _State) -> None:
    if state.paragraph:
        state.paragraphs.append(" ".join(state.paragraph))
        state.paragraph = []


def _store_text(state: _State) -> None:
    """Intro paragraphs become the description, those after the last section the closing."""
    _end_paragraph(state)
    if state.paragraphs:
        key = "description" if state.section == "intro" else "closing"
        state.data[key] = "\n\n".join(state.paragraphs)
        state.paragraphs = []


def _heading(state: _State, number: int, level: int, text: str) -> None:
    state.label = None
    if level == 1:
        if state.section != "intro":
            raise MarkdownImportError(number, "a '#' title heading after the first section")
        key = "title" if not state.data["title"] else "subtitle"
        if state.data.get(key):
            raise MarkdownImportError(number, "more than two '#' title headings")
        state.data[key] = text
        return
    if level == 2:
        _section(state, number, text)
        return
    if level == 3:
        _subsection(state, number, text)
        return
    if level == 4 and state.section == "months":
        _block(state, number, text)
        return
    raise MarkdownImportError(number, f"unexpected heading here: {text!r}")


def _section(state: _State, number: int, text: str) -> None:
    _store_text(state)
    _finish_week(state)
    state.month = None
    month = _MONTH.match(text)
    if month:
        if state.section not in ("intro", "months"):
            raise MarkdownImportError(number, "months must come before the schedule and resources")
        state.section = "months"
        expected = len(state.data["months"]) + 1
        if int(month.group("n")) != expected:
            raise MarkdownImportError(
                number, f"expected Month {expected}, found Month {month.group('n')}"
            )
        state.month = {"number": expected, "title": month.group("title").strip(), "weeks": []}
        state.data["months"].append(state.month)
    elif "schedule" in text.lower():
        state.section = "schedule"
        state.data["schedule"] = {"weekday": [], "saturday": [], "sunday": []}
        state.schedule_part = None
    elif "resources" in text.lower():
        state.section = "key"
        state.stage = None
    else:
        raise MarkdownImportError(
            number, f"unknown section {text!r} (expected Month N, Weekly Schedule, Key Resources)"
        )


def _subsection(state: _State, number: int, text: str) -> None:
    if state.section == "months":
        _week(state, number, text)
    elif state.section == "schedule":
        head = _SCHEDULE_HEAD.match(text)
        if not head:
            raise MarkdownImportError(
                number, f"expected '### Weekdays' or '### Weekends': {text!r}"
            )
        part = "weekday" if head.group("name").lower().startswith("weekday") else "weekend"
        state.schedule_part, state.day = part, None
        if head.group("hours"):
            hours = _hours(number, _PER_DAY.sub("", head.group("hours")))
            state.data["schedule"][f"{part}_hours"] = hours
    elif state.section == "key":
        stage = _STAGE.match(text)
        if not stage:
            raise MarkdownImportError(
                number, f"expected Beginner, Intermediate or Advanced resources: {text!r}"
            )
        state.stage = stage.group("stage").lower()
        state.data["key_resources"].setdefault(state.stage, [])
    else:
        raise MarkdownImportError(number, f"unexpected heading here: {text!r}")


def _week(state: _State, number: int, text: str) -> None:
    week = _WEEK.match(text)
    if not week or state.month is None:
        raise MarkdownImportError(number, f"expected '### Week N: Title', found {text!r}")
    _finish_week(state)
    in_month = len(state.month["weeks"]) + 1
    if int(week.group("n")) != in_month:
        raise MarkdownImportError(
            number,
            f"expected Week {in_month} of Month {state.month['number']}, found Week "
            f"{week.group('n')}",
        )
    overall = sum(len(month["weeks"]) for month in state.data["months"]) + 1
    state.week = {
        "number": overall,
        "number_in_month": in_month,
        "title": week.group("title").strip(),
        "blocks": [],
    }
    state.week_line = number
    state.block = None
    state.month["weeks"].append(state.week)


def _finish_week(state: _State) -> None:
    if state.week is None:
        return
    where = f"Week {state.week['number_in_month']}: {state.week['title']}"
    if "hours" not in state.week:
        raise MarkdownImportError(state.week_line, f"{where} has no '**Time Investment: …**' line")
    if not state.week["blocks"]:
        raise MarkdownImportError(state.week_line, f"{where} has no '#### Topic block' heading")
    state.week = state.block = None


def _time_investment(state: _State, number: int, text: str) -> None:
    if state.week is None or state.block is not None:
        raise MarkdownImportError(number, "a Time Investment line belongs right under a week")
    state.week["hours"] = _hours(number, text)


def _block(state: _State, number: int, text: str) -> None:
    if state.week is None:
        raise MarkdownImportError(number, "a '####' topic block must be inside a week")
    match = _BLOCK.match(text)
    assert match is not None  # the pattern accepts any non-empty text
    title, hours = match.group("title").strip(), match.group("hours")
    if hours is not None and parse_hours(hours) is None and not mentions_hours(hours):
        # A parenthesis that is not about time is part of the title: "RAG (advanced)".
        title, hours = text.strip(), None
    if any(block["title"].casefold() == title.casefold() for block in state.week["blocks"]):
        raise MarkdownImportError(number, f"duplicate topic block title {title!r} in this week")
    state.block = {"title": title}
    if hours is not None:
        state.block["hours"] = _hours(number, hours)
    state.week["blocks"].append(state.block)


def _bullet(state: _State, number: int, indent: int, text: str) -> None:
    if state.section == "months":
        _block_bullet(state, number, indent, text)
    elif state.section == "schedule":
        _schedule_bullet(state, number, indent, text)
    elif state.section == "key" and state.stage is not None:
        state.data["key_resources"][state.stage].append(_resource(number, text))
    else:
        raise MarkdownImportError(number, "a bullet outside any week, schedule or resource list")


def _block_bullet(state: _State, number: int, indent: int, text: str) -> None:
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


def _add_item(state: _State, number: int, key: str, text: str, *, sub: bool) -> None:
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


def _schedule_bullet(state: _State, number: int, indent: int, text: str) -> None:
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


def _hours(number: int, text: str) -> dict[str, float]:
    hours = parse_hours(text)
    if hours is None:
        raise MarkdownImportError(number, f"cannot read hours {text.strip()!r} (try '5-6 hours')")
    if hours[0] > hours[1]:
        raise MarkdownImportError(number, f"hours {text.strip()!r}: min > max")
    return {"min": hours[0], "max": hours[1]}
