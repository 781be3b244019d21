"""The scope decision: a logistic combination of five explainable signals."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.rag.embeddings import Vectors
from bot.rag.off_path import off_path_examples
from bot.rag.scope import (
    BATCH,
    ScopeModel,
    ScopeSignals,
    known_share,
    off_path_vectors,
)

MODEL = ScopeModel()


def test_close_match_in_path_words_is_in_scope() -> None:
    assert MODEL.in_scope(ScopeSignals(best=0.55, gap=0.3, known=1.0, off_path=0.15, lean=0.8))


def test_naming_a_place_in_the_path_adds_the_prior_and_only_that() -> None:
    signals = ScopeSignals(best=0.40, gap=0.15, known=0.6, off_path=0.35, lean=0.0)
    plain, named = MODEL.logit(signals), MODEL.logit(signals, names_place=True)
    assert named - plain == pytest.approx(MODEL.place)
    assert not MODEL.in_scope(signals)  # borderline on its own…
    assert MODEL.in_scope(signals, names_place=True)  # …in scope when it names a week


def test_everyday_question_sharing_one_word_is_out_of_scope() -> None:
    # "a good running pace": fairly close to a path sentence, but closer still to sport.
    assert not MODEL.in_scope(ScopeSignals(best=0.45, gap=0.3, known=0.5, off_path=0.45, lean=-0.5))


def test_vaguely_similar_to_everything_is_out_of_scope() -> None:
    assert not MODEL.in_scope(ScopeSignals(best=0.25, gap=0.1, known=0.3, off_path=0.2, lean=-0.3))


def test_probability_agrees_with_decision() -> None:
    inside = ScopeSignals(best=0.6, gap=0.35, known=0.9, off_path=0.1, lean=1.0)
    outside = ScopeSignals(best=0.2, gap=0.05, known=0.0, off_path=0.5, lean=-1.0)
    assert MODEL.probability(inside) > 0.5 > MODEL.probability(outside)


@given(
    st.floats(0, 1),
    st.floats(0, 1),
    st.floats(0, 1),
    st.floats(0, 1),
    st.floats(-2, 2),
    st.floats(0.01, 0.3),
)
def test_monotone_in_each_signal(
    best: float, gap: float, known: float, off_path: float, lean: float, step: float
) -> None:
    logit = MODEL.logit(ScopeSignals(best, gap, known, off_path, lean))
    assert MODEL.logit(ScopeSignals(best + step, gap, known, off_path, lean)) > logit
    assert MODEL.logit(ScopeSignals(best, gap + step, known, off_path, lean)) > logit
    assert MODEL.logit(ScopeSignals(best, gap, known + step, off_path, lean)) > logit
    assert MODEL.logit(ScopeSignals(best, gap, known, off_path + step, lean)) < logit
    assert MODEL.logit(ScopeSignals(best, gap, known, off_path, lean + step)) > logit


def test_known_share_counts_distinct_terms() -> None:
    vocabulary = frozenset({"model", "train"})
    assert known_share(["model", "model", "kitchen", "scale"], vocabulary) == 1 / 3
    assert known_share([], vocabulary) == 0.0
    assert known_share(["model", "train"], vocabulary) == 1.0


def test_off_path_examples_never_name_the_paths_own_subjects() -> None:
    assert len(off_path_examples()) == len(set(off_path_examples())) >= 500
    joined = " ".join(off_path_examples()).lower()
    # Path words in another sense are the point ("vector art", "a car model"), and so are
    # neighbouring subjects the path does not teach (reinforcement learning, YOLO); the
    # path's own subjects never appear.
    for path_subject in (
        "machine learning",
        "embedding",
        "neural",
        "vector database",
        "llm",
        "language model",
        "dataset",
    ):
        assert path_subject not in joined


class CountingEmbedder:
    def __init__(self, model_id: str = "fake-1") -> None:
        self.model_id = model_id
        self.calls = 0

    def embed(self, texts: list[str]) -> Vectors:
        self.calls += 1
        rows = np.arange(len(texts) * 4, dtype=np.float32).reshape(len(texts), 4)
        norms = np.linalg.norm(rows, axis=1, keepdims=True).clip(1e-9)
        return np.asarray(rows / norms, dtype=np.float32)


def test_examples_are_embedded_in_small_batches() -> None:
    embedder = CountingEmbedder()
    vectors = off_path_vectors(embedder)
    assert embedder.calls == -(-len(off_path_examples()) // BATCH)
    assert vectors.shape == (len(off_path_examples()), 4)
    assert vectors.dtype == np.float32


def test_off_path_vectors_are_cached_per_model(tmp_path: Path) -> None:
    embedder = CountingEmbedder()
    first = off_path_vectors(embedder, tmp_path)
    computing = embedder.calls
    again = off_path_vectors(embedder, tmp_path)
    assert computing >= 1
    assert embedder.calls == computing  # the second time reads the file
    np.testing.assert_array_equal(first, again)
    assert first.shape == (len(off_path_examples()), 4)
    other = CountingEmbedder("fake-2")
    off_path_vectors(other, tmp_path)
    assert other.calls == computing  # another model never reads this model's vectors


def test_a_damaged_cache_file_is_recomputed(tmp_path: Path) -> None:
    embedder = CountingEmbedder()
    off_path_vectors(embedder, tmp_path)
    computing = embedder.calls
    for cached in tmp_path.glob("off-path-*.npy"):
        cached.write_bytes(b"not numpy")
    vectors = off_path_vectors(embedder, tmp_path)
    assert embedder.calls == 2 * computing
    assert vectors.shape == (len(off_path_examples()), 4)


def test_without_a_cache_directory_it_just_embeds() -> None:
    embedder = CountingEmbedder()
    off_path_vectors(embedder)
    computing = embedder.calls
    off_path_vectors(embedder)
    assert embedder.calls == 2 * computing
