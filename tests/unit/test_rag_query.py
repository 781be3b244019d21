"""Query handling: filters, acronyms derived from the curriculum, typo correction."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.rag.query import (
    HAND_EXPANSIONS,
    Filters,
    QueryParser,
    derive_acronyms,
    title_acronyms,
)
from bot.rag.tokens import content_set, content_terms, words

VOCABULARY = {
    "vector",
    "database",
    "indexing",
    "gradient",
    "descent",
    "transformer",
    "attention",
    "overfitting",
    "quantization",
}


def parser() -> QueryParser:
    return QueryParser(expansions=HAND_EXPANSIONS, vocabulary=VOCABULARY)


def test_acronyms_are_derived_where_the_curriculum_spells_them_out() -> None:
    found = derive_acronyms(
        [
            "Approximate Nearest Neighbor (ANN) algorithms",
            "Retrieval-Augmented Generation (RAG)",
            "Dimensionality reduction (PCA, t-SNE)",  # a list, not a spelled-out acronym
            "Quantization methods (INT8, FP16)",
        ]
    )
    assert found["ann"] == "approximate nearest neighbor"
    assert found["rag"] == "retrieval augmented generation"
    assert "pcatsne" not in found
    assert "int8fp16" not in found


def test_books_are_known_by_their_initials() -> None:
    found = title_acronyms(
        [
            "Designing Data-Intensive Applications",
            "Hands-On Machine Learning",
            "Deep Learning with Python",  # DLP: three initials collide too easily
            "Effective Monitoring and Alerting",  # EMA is a moving average
            "Building Apps Now Daily",  # BAND is a word
        ],
        dictionary={"band"},
    )
    assert found == {
        "ddia": "designing data-intensive applications",
        "homl": "hands-on machine learning",
    }
    odd = title_acronyms(
        [
            "Deep Learning Foundations (Goodfellow et al.)",  # DLF: the note is not initials
            "Vector Stores: From Embeddings to Apps",  # VS: the subtitle is not either
            "Pattern Recognition Machine Learning",
            "Probabilistic Robotics Motion Learning",  # PRML twice: neither gets it
            "Natural Language Understanding Systems",  # NLUS
            "Big Apps Near Kitchens",  # BANKS: "bank" is a word, and so its plural
        ],
        dictionary={"bank"},
    )
    assert odd == {"nlus": "natural language understanding systems"}
    books = QueryParser(expansions={"homl": "the curriculum's own"}, vocabulary=(), titles=found)
    parsed = books.parse("DDIA - worth reading?")
    assert "designing data-intensive applications" in parsed.expanded
    assert parsed.text.startswith("DDIA")
    assert parsed.names_resource
    # The curriculum's own expansions win a collision, and are not a book.
    assert not books.parse("HOML?").names_resource
    assert not books.parse("how do transformers work?").names_resource


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("week 7 readings on search", Filters(week=7)),
        ("what's in Week 12?", Filters(week=12)),
        ("month 2 week 3 indexing", Filters(month=2, week_of_month=3)),
        ("month 2, week 3", Filters(month=2, week_of_month=3)),
        ("month 4 topics", Filters(month=4)),
        ("week 99 please", Filters()),  # outside the path: ignored, not an error
        ("how do neural networks work", Filters()),
    ],
)
def test_week_and_month_filters(question: str, expected: Filters) -> None:
    assert parser().parse(question).filters == expected


def test_filter_phrase_is_removed_from_the_searched_text() -> None:
    parsed = parser().parse("month 2 week 3 indexing")
    assert "month" not in parsed.text.lower()
    assert parsed.text == "indexing"


def test_filters_admit_only_their_weeks() -> None:
    assert Filters(week=7).admits(month=2, week=7, week_of_month=3)
    assert not Filters(week=7).admits(month=2, week=8, week_of_month=4)
    assert Filters(month=2, week_of_month=3).admits(month=2, week=7, week_of_month=3)
    assert not Filters(month=2, week_of_month=3).admits(month=3, week=11, week_of_month=3)


@pytest.mark.parametrize(
    ("question", "needle"),
    [
        ("what should I read for HNSW?", "hierarchical navigable small world"),
        ("PEFT reading", "parameter-efficient fine-tuning"),
        ("t-SNE vs PCA", "stochastic neighbor embedding"),
        ("CI/CD for ML", "continuous integration"),
        ("TF-IDF explained", "term frequency"),
        ("resources on LoRA", "low-rank adaptation"),
    ],
)
def test_acronyms_are_expanded(question: str, needle: str) -> None:
    parsed = parser().parse(question)
    assert needle in parsed.expanded
    assert parsed.expansions
    # The learner's own words stay in the text.
    assert parsed.text.split()[0] == question.split()[0]


@pytest.mark.parametrize(
    ("typo", "fixed"),
    [
        ("vectr databse indexng", "vector database indexing"),
        ("gradiant desent", "gradient descent"),
        ("tranformer atention", "transformer attention"),
        ("overfiting", "overfitting"),
    ],
)
def test_typos_snap_to_the_index_vocabulary(typo: str, fixed: str) -> None:
    parsed = parser().parse(typo)
    assert parsed.text == fixed
    assert parsed.corrections


def test_a_misspelling_is_named_once_whatever_its_case() -> None:
    drift = QueryParser(expansions={}, vocabulary={"drift"})
    assert drift.parse("drfit, Drfit").corrections == [("drfit", "drift")]


def test_a_swap_of_neighbouring_letters_is_one_edit() -> None:
    # An indel ratio counts "drfit" -> "drift" as two edits and let this typo through.
    drift = QueryParser(expansions={}, vocabulary={"drift", "draft", "concept", "data"})
    parsed = drift.parse("data drfit vs concept drfit?")
    assert parsed.text == "data drift vs concept drift?"
    assert parsed.corrections == [("drfit", "drift")]


def test_a_tie_goes_to_the_word_the_path_uses_most() -> None:
    # "modle" is one edit from both: a swap away from "model", a deletion from "mode".
    common = QueryParser(expansions={}, vocabulary={"model": 40, "mode": 2})
    rare = QueryParser(expansions={}, vocabulary={"model": 1, "mode": 9})
    assert common.parse("modle").text == "model"
    assert rare.parse("modle").text == "mode"


def test_short_words_get_one_edit_and_keep_their_first_letter() -> None:
    short = QueryParser(expansions={}, vocabulary={"drift", "batch", "tokens"})
    assert short.parse("dript").text == "drift"  # one substitution
    assert short.parse("drapt").corrections == []  # two edits in a five-letter word
    assert short.parse("latch").corrections == []  # only the first letter differs


def test_real_words_are_not_corrected() -> None:
    english = QueryParser(
        expansions={}, vocabulary={"triples", "cache"}, dictionary={"triple", "bill", "cache"}
    )
    parsed = english.parse("our cloud bill tripled, nothing cached")
    assert parsed.corrections == []
    assert "tripled" in parsed.text


def test_unrelated_words_are_not_corrected_into_curriculum_words() -> None:
    parsed = parser().parse("how do I fix my dishwasher")
    assert parsed.corrections == []
    assert parsed.text == "how do I fix my dishwasher"


def test_stemmed_content_terms_drop_filler() -> None:
    assert content_terms("What should I read about the vectors?") == ["vector"]
    assert content_set("Running runs") == {"run"}
    assert "tsne" in words("t-SNE")


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=200))
def test_any_text_parses_without_error(text: str) -> None:
    parsed = parser().parse(text)
    assert isinstance(parsed.expanded, str)
    assert all(isinstance(t, str) and t for t in parsed.terms)
