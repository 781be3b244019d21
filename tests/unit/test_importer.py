"""The Markdown importer: the seed's shape in, the schema out, one located line on bad input."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.curriculum.dump import curriculum_to_yaml
from bot.curriculum.importer import MarkdownImportError, import_markdown
from bot.curriculum.loader import parse_curriculum

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "curriculum"
TINY = (FIXTURES / "tiny.md").read_text(encoding="utf-8")


def test_tiny_path() -> None:
    path = import_markdown(TINY)
    assert path.title == "Tiny Path"
    assert path.description == "A short path for tests."
    assert path.closing == "That is all."
    week = path.week(1)
    assert (week.hours.min, week.hours.max) == (3, 3)
    (block,) = week.blocks
    assert block.hours is not None
    assert (block.hours.min, block.hours.max) == (1, 2)
    assert [(t.text, t.subtopics) for t in block.topics] == [
        ("One", ["One point five"]),
        ("Two", []),
    ]
    assert block.exercises == ["Do a thing"]
    assert block.resources[0].authors == ["Ann Author"]
    assert [(i.label, i.minutes_min, i.minutes_max) for i in path.schedule.sunday] == [
        ("Rest", 30, 45)
    ]


def test_yaml_output_round_trips_and_keeps_unicode() -> None:
    seed = (FIXTURES / "ai-engineering.md").read_text(encoding="utf-8")
    path = import_markdown(seed)
    text = curriculum_to_yaml(path)
    assert "Aurélien Géron" in text
    assert "hours: {min: 5, max: 6}" in text
    assert text.index("title:") < text.index("months:") < text.index("schedule:")
    assert parse_curriculum(yaml.safe_load(text)) == path
    assert curriculum_to_yaml(import_markdown(seed)) == text  # stable output


def test_week_numbers_run_across_months() -> None:
    seed = (FIXTURES / "ai-engineering.md").read_text(encoding="utf-8")
    path = import_markdown(seed)
    assert [(w.number, w.number_in_month) for w in path.months[1].weeks] == [
        (5, 1),
        (6, 2),
        (7, 3),
        (8, 4),
    ]


def _error(markdown: str) -> MarkdownImportError:
    with pytest.raises(MarkdownImportError) as caught:
        import_markdown(markdown)
    assert "\n" not in str(caught.value)
    return caught.value


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


@pytest.mark.parametrize(
    ("old", "new", "needle", "message"),
    [
        ("### Week 1: Start", "### Week 2: Start", "### Week 2", "expected Week 1 of Month 1"),
        ("## Month 1: Basics", "## Month 3: Basics", "## Month 3", "expected Month 1"),
        ("(1-2 hours)", "(3-2 hours)", "#### First", "min > max"),
        ("(1-2 hours)", "(one-two hours)", "#### First", "cannot read hours"),
        ("**Time Investment: 3 hours**", "**Time Investment: lots**", "Time Inv", "hours"),
        ("- **Concept:** Begin", "- **Mood:** Begin", "Mood", "unknown label 'Mood'"),
        ("  - Do a thing", "  - Do a thing\n    - nested", "nested", "only Topics"),
        ("- **20 minutes:** Read", "- **a while:** Read", "a while", "cannot read the duration"),
        ("## Month 1: Basics", "## Appendix", "## Appendix", "unknown section 'Appendix'"),
        ("A short path for tests.", "A short path.\n\n#### Stray", "#### Stray", "heading here"),
        ("- **Topics:**", "Some stray prose", "stray prose", "unexpected text"),
    ],
)
def test_odd_markdown_gives_the_line(old: str, new: str, needle: str, message: str) -> None:
    assert old in TINY
    broken = TINY.replace(old, new, 1)
    error = _error(broken)
    assert error.line == _line_of(broken, needle)
    assert message in error.message


def test_week_without_time_investment() -> None:
    broken = TINY.replace("**Time Investment: 3 hours**", "")
    error = _error(broken)
    assert error.line == _line_of(broken, "### Week 1")
    assert "Time Investment" in error.message


def test_missing_parts_are_whole_file_errors() -> None:
    assert "no '# Title'" in str(_error("just words"))
    assert "no '## Month" in str(_error("# Title\n\nintro\n"))
    no_schedule = TINY.split("## Weekly Schedule")[0]
    assert "Weekly Schedule" in str(_error(no_schedule))


def test_unterminated_front_matter() -> None:
    assert _error("---\ntitle: x\n").line == 1


@pytest.mark.parametrize(
    "garbage",
    [
        "",
        "\n\n",
        "- a bullet",
        "#### orphan",
        "### Week 1: x",
        "**Time Investment: 3 hours**",
        "# A\n# B\n# C",
        "\t- tab\n",
        "## Month one: x",
        "[link](http://x)",
        "```\ncode\n```",
    ],
)
def test_garbage_never_raises_anything_else(garbage: str) -> None:
    _error(garbage)


def test_parenthesis_that_is_not_hours_stays_in_the_title() -> None:
    path = import_markdown(TINY.replace("First Steps (1-2 hours)", "RAG (advanced)"))
    block = path.week(1).blocks[0]
    assert block.title == "RAG (advanced)"
    assert block.hours is None


_SEED_LINES = (FIXTURES / "ai-engineering.md").read_text(encoding="utf-8").splitlines()


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["delete", "duplicate", "truncate", "indent"]),
            st.integers(0, len(_SEED_LINES) - 1),
            st.integers(0, 200),
        ),
        min_size=1,
        max_size=4,
    )
)
def test_mangled_seed_imports_or_fails_with_one_line(edits: list[tuple[str, int, int]]) -> None:
    lines = list(_SEED_LINES)
    for op, index, extra in edits:
        index %= len(lines)
        if op == "delete":
            del lines[index]
        elif op == "duplicate":
            lines.insert(extra % len(lines), lines[index])
        elif op == "truncate":
            lines[index] = lines[index][: extra % (len(lines[index]) + 1)]
        else:
            lines[index] = "  " + lines[index]
    problem: MarkdownImportError | None = None
    try:
        import_markdown("\n".join(lines))
    except MarkdownImportError as error:
        problem = error
    if problem is not None:
        assert "\n" not in str(problem)
        assert 0 <= problem.line <= len(lines)
