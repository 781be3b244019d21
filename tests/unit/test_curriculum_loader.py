"""load_curriculum on broken files: every problem reported with where it is."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.config import DEFAULT_CURRICULUM
from bot.curriculum.loader import (
    CurriculumError,
    format_location,
    load_curriculum,
    parse_curriculum,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "curriculum"


def _problems(name: str) -> list[str]:
    with pytest.raises(CurriculumError) as caught:
        load_curriculum(FIXTURES / name)
    assert str(caught.value) == "\n".join(caught.value.problems)
    return caught.value.problems


def test_format_location() -> None:
    assert format_location(("months", 1, "weeks", 2, "blocks", 0, "hours")) == (
        "months[1].weeks[2].blocks[0].hours"
    )
    assert format_location(()) == "(top level)"


def test_min_greater_than_max_is_located() -> None:
    assert _problems("min_gt_max.yaml") == ["months[0].weeks[1].blocks[0].hours: min > max"]


def test_missing_field_is_located() -> None:
    assert _problems("missing_field.yaml") == ["months[0].weeks[0].title: Field required"]


def test_bad_yaml_names_file_and_line() -> None:
    (problem,) = _problems("bad_yaml.yaml")
    assert problem.startswith(f"{FIXTURES / 'bad_yaml.yaml'}: invalid YAML:")
    assert "line 5" in problem
    assert "\n" not in problem


def test_week_numbering_gap_and_duplicate_block() -> None:
    assert _problems("week_gap.yaml") == [
        "months[1].weeks[0].number: expected 2, got 3",
        "months[1].weeks[0].number_in_month: expected 1, got 2",
        "months[1].weeks[0].blocks[1].title: duplicate block title 'a block'",
    ]


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CurriculumError, match="file not found"):
        load_curriculum(tmp_path / "absent.yaml")


def test_directory_and_non_utf8(tmp_path: Path) -> None:
    with pytest.raises(CurriculumError, match="is a directory"):
        load_curriculum(tmp_path)
    binary = tmp_path / "binary.yaml"
    binary.write_bytes(b"\xff\xfe\x00title")
    with pytest.raises(CurriculumError, match="not UTF-8"):
        load_curriculum(binary)


@pytest.mark.parametrize(("data", "kind"), [(None, "empty"), ([1, 2], "a list"), ("x", "a str")])
def test_top_level_must_be_a_mapping(data: object, kind: str) -> None:
    with pytest.raises(CurriculumError, match=f"got {kind}"):
        parse_curriculum(data)


def test_month_numbers_must_be_consecutive() -> None:
    data = yaml.safe_load(DEFAULT_CURRICULUM.read_text(encoding="utf-8"))
    data["months"][2]["number"] = 7
    with pytest.raises(CurriculumError) as caught:
        parse_curriculum(data)
    assert caught.value.problems == ["months[2].number: expected 3, got 7"]


def test_unknown_field_is_rejected() -> None:
    data = yaml.safe_load(DEFAULT_CURRICULUM.read_text(encoding="utf-8"))
    data["months"][0]["weeks"][0]["blocks"][0]["resources"][0]["isbn"] = "123"
    with pytest.raises(CurriculumError) as caught:
        parse_curriculum(data)
    assert caught.value.problems == [
        "months[0].weeks[0].blocks[0].resources[0].isbn: Extra inputs are not permitted"
    ]
