"""The committed curriculum file against the seed Markdown it was written from."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from bot.config import DEFAULT_CURRICULUM, load_settings
from bot.curriculum.importer import import_markdown
from bot.curriculum.loader import default_curriculum, load_curriculum
from bot.curriculum.models import Curriculum, Resource, ResourceKind

SEED = Path(__file__).resolve().parents[1] / "fixtures" / "curriculum" / "ai-engineering.md"


@pytest.fixture(scope="module")
def curriculum() -> Curriculum:
    return load_curriculum(DEFAULT_CURRICULUM)


def _seed_resource_lines() -> tuple[list[str], list[str]]:
    """Resource bullets of the seed, read with plain regexes (independent of the importer)."""
    week: list[str] = []
    key: list[str] = []
    target: list[str] | None = None
    for line in SEED.read_text(encoding="utf-8").splitlines():
        if re.match(r"^- \*\*Resources:\*\*\s*$", line):
            target = week
        elif re.match(r"^### (Beginner|Intermediate|Advanced) Resources", line):
            target = key
        elif target is week and (m := re.match(r"^ {2,}- (.+)$", line)):
            week.append(m.group(1))
        elif target is key and (m := re.match(r"^- (.+)$", line)):
            key.append(m.group(1))
        elif (
            line.strip() and not line.startswith(" ") and not line.startswith("- ")
        ) or line.startswith("- **"):
            target = None
    return week, key


def _seed_title(line: str) -> str:
    quoted = re.search(r'"([^"]+)"', line)
    if quoted:
        return quoted.group(1)
    return re.sub(r"\s*\([^()]*\)$", "", line)


def _week_resources(curriculum: Curriculum) -> list[Resource]:
    return [r for _, _, block in curriculum.blocks() for r in block.resources]


def _key_resources(curriculum: Curriculum) -> list[Resource]:
    key = curriculum.key_resources
    return [*key.beginner, *key.intermediate, *key.advanced]


def test_counts(curriculum: Curriculum) -> None:
    assert len(curriculum.months) == 4
    assert [w.number for w in curriculum.weeks()] == list(range(1, 17))
    assert all([w.number_in_month for w in m.weeks] == [1, 2, 3, 4] for m in curriculum.months)
    assert len(list(curriculum.blocks())) == 31
    assert len(_week_resources(curriculum)) == 62
    assert len(_key_resources(curriculum)) == 12
    assert [len(w.blocks) for w in curriculum.weeks()] == [2] * 15 + [1]


def test_seed_regex_finds_every_resource() -> None:
    week, key = _seed_resource_lines()
    assert (len(week), len(key)) == (62, 12)


def test_every_seed_resource_is_present_verbatim(curriculum: Curriculum) -> None:
    week, key = _seed_resource_lines()
    assert [r.text for r in _week_resources(curriculum)] == week
    assert [r.text for r in _key_resources(curriculum)] == key
    titles = {r.title for r in [*_week_resources(curriculum), *_key_resources(curriculum)]}
    missing = [_seed_title(line) for line in week + key if _seed_title(line) not in titles]
    assert missing == []


def test_geron(curriculum: Curriculum) -> None:
    geron = curriculum.week(1).blocks[0].resources[0]
    assert geron.title == "Hands-On Machine Learning"
    assert geron.authors == ["Aurélien Géron"]
    assert geron.scope == "Chapters 1-3"
    assert geron.kind is ResourceKind.BOOK


def test_options_and_authors(curriculum: Curriculum) -> None:
    by_text = {r.text: r for r in _week_resources(curriculum)}
    assert by_text["TensorFlow or PyTorch tutorials (beginner level)"].options == [
        "TensorFlow",
        "PyTorch",
    ]
    assert by_text["TensorFlow or PyTorch tutorials (beginner level)"].scope == "beginner level"
    vector = by_text["Vector database documentation (Pinecone, Weaviate, Qdrant)"]
    assert vector.options == ["Pinecone", "Weaviate", "Qdrant"]
    assert vector.kind is ResourceKind.DOCS
    assert by_text["LangChain or LlamaIndex documentation"].options == ["LangChain", "LlamaIndex"]
    goodfellow = by_text['"Deep Learning" by Goodfellow, Bengio, and Courville (relevant chapters)']
    assert goodfellow.authors == ["Goodfellow", "Bengio", "Courville"]
    assert goodfellow.scope == "relevant chapters"
    assert by_text['"Cloud FinOps" by J.R. Storment and Mike Fuller'].authors == [
        "J.R. Storment",
        "Mike Fuller",
    ]


def test_nested_topic_and_capstone(curriculum: Curriculum) -> None:
    topics = curriculum.week(2).blocks[0].topics
    scaling = next(t for t in topics if t.text == "Feature scaling techniques")
    assert scaling.subtopics == ["Categorical encoding methods"]
    capstone = curriculum.week(16)
    assert capstone.hours.min == 20
    assert capstone.hours.max == 24
    (block,) = capstone.blocks
    assert block.hours is None
    assert len(block.requirements) == 5
    assert len(block.deliverables) == 4
    assert block.tasks()[-1] == "Document design decisions and tradeoffs"


def test_schedule_and_texts(curriculum: Curriculum) -> None:
    schedule = curriculum.schedule
    assert [(i.minutes_min, i.minutes_max) for i in schedule.weekday] == [(30, 30), (30, 90)]
    assert schedule.weekday_focus == "Small, incremental progress"
    assert [(i.minutes_min, i.minutes_max) for i in schedule.saturday] == [(60, 60), (120, 180)]
    assert [i.label for i in schedule.sunday] == ["Complete exercises", "Prepare for next week"]
    assert curriculum.description.startswith("This restructured 4-month learning path")
    assert "Shantanu Ladhwe" in curriculum.closing
    mckinney = curriculum.key_resources.beginner[0]
    assert mckinney.url == "https://wesmckinney.com/book/"


HAND_ADDED = ("url", "kind", "plain_words", "example_questions")


def _blank(data: Any) -> Any:
    """Drop what the committed file may add by hand: urls, kinds, retrieval words."""
    if isinstance(data, dict):
        return {k: _blank(v) for k, v in data.items() if k not in HAND_ADDED}
    if isinstance(data, list):
        return [_blank(item) for item in data]
    return data


def test_import_of_seed_matches_committed_file(curriculum: Curriculum) -> None:
    imported = import_markdown(SEED.read_text(encoding="utf-8"))
    assert _blank(imported.model_dump(mode="json")) == _blank(curriculum.model_dump(mode="json"))


def test_default_curriculum_follows_settings(tmp_path: Path) -> None:
    shipped = load_settings(curriculum=DEFAULT_CURRICULUM)
    assert default_curriculum(shipped).title == "AI Engineering Learning Path"
    other = tmp_path / "other.yaml"
    other.write_text(
        DEFAULT_CURRICULUM.read_text(encoding="utf-8").replace(
            "title: AI Engineering Learning Path", "title: Other Path", 1
        ),
        encoding="utf-8",
    )
    assert default_curriculum(load_settings(curriculum=other)).title == "Other Path"


def test_fixture_is_the_seed() -> None:
    shared = Path("/work/shared/seeds/000_195bbe72fd377c94.txt")
    if not shared.exists():
        pytest.skip("the shared seed is only present on the build machine")
    assert SEED.read_bytes() == shared.read_bytes()
