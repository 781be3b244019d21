"""Load a curriculum file and say precisely what is wrong with it.

Every problem is one line that starts with its location in the document, written
the way a reader would point at it: `months[1].weeks[2].blocks[0].hours: min > max`.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import yaml
from pydantic import ValidationError

from bot.config import Settings
from bot.curriculum.models import Curriculum


class CurriculumError(ValueError):
    """A curriculum that cannot be used; `problems` holds one located line per problem."""

    def __init__(self, problems: Iterable[str]) -> None:
        self.problems: list[str] = list(problems)
        super().__init__("\n".join(self.problems))

    def __str__(self) -> str:
        return "\n".join(self.problems)


def format_location(loc: Iterable[int | str]) -> str:
    """('months', 1, 'weeks', 2, 'hours') -> 'months[1].weeks[2].hours'."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "(top level)"


def _pydantic_problems(error: ValidationError) -> list[str]:
    problems = []
    for item in error.errors():
        message = item["msg"]
        # pydantic prefixes messages raised from validators; the prefix tells a reader nothing.
        message = message.removeprefix("Value error, ").removeprefix("Assertion failed, ")
        problems.append(f"{format_location(item['loc'])}: {message}")
    return problems


def check_curriculum(curriculum: Curriculum) -> list[str]:
    """The rules the schema alone cannot express: numbering and unique block titles."""
    problems: list[str] = []
    expected_week = 1
    for m, month in enumerate(curriculum.months):
        if month.number != m + 1:
            problems.append(f"months[{m}].number: expected {m + 1}, got {month.number}")
        for w, week in enumerate(month.weeks):
            where = f"months[{m}].weeks[{w}]"
            if week.number != expected_week:
                problems.append(f"{where}.number: expected {expected_week}, got {week.number}")
            # Continue from what the file says so one gap is reported once, not for every week.
            expected_week = week.number + 1
            if week.number_in_month != w + 1:
                problems.append(
                    f"{where}.number_in_month: expected {w + 1}, got {week.number_in_month}"
                )
            seen: set[str] = set()
            for b, block in enumerate(week.blocks):
                key = block.title.strip().casefold()
                if key in seen:
                    problems.append(
                        f"{where}.blocks[{b}].title: duplicate block title {block.title!r}"
                    )
                seen.add(key)
    return problems


def parse_curriculum(data: object) -> Curriculum:
    """Validate already-parsed YAML/JSON data; raise CurriculumError with every problem."""
    if not isinstance(data, dict):
        kind = "empty" if data is None else f"a {type(data).__name__}"
        raise CurriculumError([f"(top level): expected a mapping of curriculum fields, got {kind}"])
    try:
        curriculum = Curriculum.model_validate(data)
    except ValidationError as error:
        raise CurriculumError(_pydantic_problems(error)) from None
    problems = check_curriculum(curriculum)
    if problems:
        raise CurriculumError(problems)
    return curriculum


def load_curriculum(path: Path) -> Curriculum:
    """Read, parse and validate a curriculum YAML file."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CurriculumError([f"{path}: file not found"]) from None
    except IsADirectoryError:
        raise CurriculumError([f"{path}: is a directory, not a curriculum file"]) from None
    except UnicodeDecodeError:
        raise CurriculumError([f"{path}: not UTF-8 text"]) from None
    except OSError as error:
        raise CurriculumError([f"{path}: cannot read ({error.strerror})"]) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise CurriculumError([f"{path}: invalid YAML: {_yaml_reason(error)}"]) from None
    return parse_curriculum(data)


def _yaml_reason(error: yaml.YAMLError) -> str:
    # PyYAML's str() spans several lines; keep the reason and where it happened.
    if isinstance(error, yaml.MarkedYAMLError) and error.problem_mark is not None:
        mark = error.problem_mark
        return f"{error.problem} (line {mark.line + 1}, column {mark.column + 1})"
    return " ".join(str(error).split())


def default_curriculum(settings: Settings) -> Curriculum:
    """The curriculum the settings point at (PATHBOT_CURRICULUM, or the shipped one)."""
    return load_curriculum(settings.curriculum)
