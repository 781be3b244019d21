"""The resource-line parser: examples from real paths and a round-trip property."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.curriculum.durations import parse_hours, parse_minutes
from bot.curriculum.models import ResourceKind
from bot.curriculum.resources import parse_resource


@pytest.mark.parametrize(
    ("line", "title", "authors", "kind", "scope", "options"),
    [
        (
            '"Hands-On Machine Learning" by Aurélien Géron (Chapters 1-3)',
            "Hands-On Machine Learning",
            ["Aurélien Géron"],
            ResourceKind.BOOK,
            "Chapters 1-3",
            [],
        ),
        (
            'Fast.ai "Practical Deep Learning for Coders" (Lesson 1)',
            "Practical Deep Learning for Coders",
            ["Fast.ai"],
            ResourceKind.COURSE,
            "Lesson 1",
            [],
        ),
        (
            "Official TensorFlow or PyTorch documentation",
            "Official TensorFlow or PyTorch documentation",
            [],
            ResourceKind.DOCS,
            None,
            ["TensorFlow", "PyTorch"],
        ),
        (
            "TorchServe or TensorFlow Serving documentation",
            "TorchServe or TensorFlow Serving documentation",
            [],
            ResourceKind.DOCS,
            None,
            ["TorchServe", "TensorFlow Serving"],
        ),
        (
            '"The Illustrated Transformer" blog post by Jay Alammar',
            "The Illustrated Transformer",
            ["Jay Alammar"],
            ResourceKind.BLOG,
            None,
            [],
        ),
        ('"Attention Is All You Need" paper', "Attention Is All You Need", [], "paper", None, []),
        ("Papers on RAG systems", "Papers on RAG systems", [], ResourceKind.PAPER, None, []),
        (
            "TensorRT or OpenVINO guides",
            "TensorRT or OpenVINO guides",
            [],
            "tutorial",
            None,
            ["TensorRT", "OpenVINO"],
        ),
        (
            "Case studies of hybrid systems",
            "Case studies of hybrid systems",
            [],
            "case-study",
            None,
            [],
        ),
        ("MLOps Community resources", "MLOps Community resources", [], "other", None, []),
        (
            '"Vector Databases: From Embeddings to Applications" book',
            "Vector Databases: From Embeddings to Applications",
            [],
            "book",
            None,
            [],
        ),
        (
            "Netflix Hystrix documentation (concepts)",
            "Netflix Hystrix documentation",
            [],
            "docs",
            "concepts",
            [],
        ),
    ],
)
def test_examples(
    line: str, title: str, authors: list[str], kind: str, scope: str | None, options: list[str]
) -> None:
    resource = parse_resource(line)
    assert (resource.title, resource.authors, resource.kind, resource.scope, resource.options) == (
        title,
        authors,
        ResourceKind(kind),
        scope,
        options,
    )
    assert resource.text == line


def test_markdown_link_gives_url() -> None:
    resource = parse_resource(
        '"Python for Data Analysis" by Wes McKinney: '
        "[Python for Data Analysis, 3E (wesmckinney.com)](https://wesmckinney.com/book/)"
    )
    assert resource.url == "https://wesmckinney.com/book/"
    assert resource.title == "Python for Data Analysis"
    assert resource.authors == ["Wes McKinney"]
    assert parse_resource("[Docs](https://example.org/docs)").title == "Docs"


def test_durations() -> None:
    assert parse_hours("10-12 hours") == (10, 12)
    assert parse_hours("5–6 h") == (5, 6)
    assert parse_hours("30 minutes") is None
    assert parse_minutes("30-90 minutes") == (30, 90)
    assert parse_minutes("1 hour") == (60, 60)
    assert parse_minutes("2-3 hours") == (120, 180)
    assert parse_minutes("soon") is None


_WORD = st.text(
    alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZéü-!:'0123456789",
    min_size=1,
    max_size=10,
)
_TITLE = st.lists(_WORD, min_size=1, max_size=6).map(" ".join)
_NAME = st.lists(
    st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=1).flatmap(
        lambda first: st.text(alphabet="abcdefghijklmnopqrstuvwxyzéø.", max_size=8).map(
            lambda rest: first + rest
        )
    ),
    min_size=1,
    max_size=3,
).map(" ".join)
_SCOPE = st.lists(
    st.sampled_from(["Chapters", "1-3", "Lesson", "2", "beginner", "level"]), min_size=1, max_size=3
).map(" ".join)


#: Capitalised words the option parser treats as sentence case, not as part of a name.
_SENTENCE_WORDS = {"Official", "The", "Either", "Any", "Both", "Free", "Online"}


def _join_names(names: list[str]) -> str:
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + ", and " + names[-1]


@settings(max_examples=60, deadline=None)
@given(
    title=_TITLE,
    authors=st.lists(_NAME, max_size=3),
    scope=st.none() | _SCOPE,
)
def test_composed_line_parses_back(title: str, authors: list[str], scope: str | None) -> None:
    line = f'"{title}"'
    if authors:
        line += f" by {_join_names(authors)}"
    if scope:
        line += f" ({scope})"
    resource = parse_resource(line)
    assert resource.title == title
    assert resource.authors == authors
    assert resource.scope == scope
    assert resource.text == line
    if authors and scope is None:
        assert resource.kind is ResourceKind.BOOK


@settings(max_examples=40, deadline=None)
@given(
    first=_NAME.filter(lambda n: n.split()[0] not in _SENTENCE_WORDS),
    second=_NAME,
    noun=st.sampled_from(["documentation", "tutorials", "guides"]),
)
def test_or_options_parse_back(first: str, second: str, noun: str) -> None:
    resource = parse_resource(f"{first} or {second} {noun}")
    assert resource.options == [first, second]


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=80))
def test_any_text_gives_a_resource_or_a_value_error(text: str) -> None:
    try:
        resource = parse_resource(text)
    except ValueError:
        return
    assert resource.text == text
