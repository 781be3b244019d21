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

from bot.curriculum.durations import mentions_hours, parse_hours
from bot.curriculum.import_bullets import handle_bullet
from bot.curriculum.import_state import ImportState, MarkdownImportError, hours_field
from bot.curriculum.loader import CurriculumError, parse_curriculum
from bot.curriculum.models import Curriculum

_HEADING = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<text>.+?)\s*#*\s*$")
_MONTH = re.compile(r"^Month\s+(?P<n>\d+)\s*[:.\-–—]\s*(?P<title>.+)$", re.IGNORECASE)
_WEEK = re.compile(r"^Week\s+(?P<n>\d+)\s*[:.\-–—]\s*(?P<title>.+)$", re.IGNORECASE)
_BLOCK = re.compile(r"^(?P<title>.+?)(?:\s*\((?P<hours>[^()]*)\))?$")
_TIME = re.compile(r"^\*\*Time Investment:?\s*(?:\*\*)?:?\s*(?P<hours>[^*]+?)\s*(?:\*\*)?$", re.I)
_BULLET = re.compile(r"^(?P<indent>\s*)[-*+]\s+(?P<text>.*)$")
_SCHEDULE_HEAD = re.compile(r"^(?P<name>Weekdays?|Weekends?)\s*(?:\((?P<hours>[^()]*)\))?$", re.I)
_PER_DAY = re.compile(r"\s*per\s+day\s*$", re.IGNORECASE)
_STAGE = re.compile(r"^(?P<stage>Beginner|Intermediate|Advanced)\b", re.IGNORECASE)


def import_markdown(text: str) -> Curriculum:
    """Parse the Markdown and validate the result; raise MarkdownImportError on any problem."""
    state = ImportState()
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


def _line(state: ImportState, number: int, line: str) -> None:
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
        handle_bullet(state, number, indent, bullet.group("text").strip())
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


def _end_paragraph(state: ImportState) -> None:
    if state.paragraph:
        state.paragraphs.append(" ".join(state.paragraph))
        state.paragraph = []


def _store_text(state: ImportState) -> None:
    """Intro paragraphs become the description, those after the last section the closing."""
    _end_paragraph(state)
    if state.paragraphs:
        key = "description" if state.section == "intro" else "closing"
        state.data[key] = "\n\n".join(state.paragraphs)
        state.paragraphs = []


def _heading(state: ImportState, number: int, level: int, text: str) -> None:
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


def _section(state: ImportState, number: int, text: str) -> None:
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


def _subsection(state: ImportState, number: int, text: str) -> None:
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
            hours = hours_field(number, _PER_DAY.sub("", head.group("hours")))
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


def _week(state: ImportState, number: int, text: str) -> None:
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


def _finish_week(state: ImportState) -> None:
    if state.week is None:
        return
    where = f"Week {state.week['number_in_month']}: {state.week['title']}"
    if "hours" not in state.week:
        raise MarkdownImportError(state.week_line, f"{where} has no '**Time Investment: …**' line")
    if not state.week["blocks"]:
        raise MarkdownImportError(state.week_line, f"{where} has no '#### Topic block' heading")
    state.week = state.block = None


def _time_investment(state: ImportState, number: int, text: str) -> None:
    if state.week is None or state.block is not None:
        raise MarkdownImportError(number, "a Time Investment line belongs right under a week")
    state.week["hours"] = hours_field(number, text)


def _block(state: ImportState, number: int, text: str) -> None:
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
        state.block["hours"] = hours_field(number, hours)
    state.week["blocks"].append(state.block)


__all__ = ["MarkdownImportError", "import_markdown"]
