"""The block classifier: a closed-form ridge fit that tells blocks apart by direction."""

from __future__ import annotations

import numpy as np
import pytest

from bot.rag.classifier import BlockClassifier


def _unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


def test_it_ranks_the_block_whose_texts_share_the_question_direction() -> None:
    rng = np.random.default_rng(7)
    centres = _unit(rng.normal(size=(3, 16)))
    vectors = _unit(np.repeat(centres, 20, axis=0) + 0.3 * rng.normal(size=(60, 16)))
    labels = [key for key in ("a", "b", "c") for _ in range(20)]
    classifier = BlockClassifier.fit(vectors, labels)
    for key, centre in zip(("a", "b", "c"), centres, strict=True):
        question = _unit((centre + 0.3 * rng.normal(size=16))[None, :])[0]
        scores = classifier.scores(question)
        assert max(scores, key=lambda k: scores[k]) == key


def test_the_distinguishing_direction_decides_where_nearest_text_would_not() -> None:
    # Every text leans on dimension 0 (say, "model"); what tells the blocks apart is
    # dimension 1 (block a) or dimension 2 (block b). The question has none of a's
    # dimension and some of b's: it belongs to b, though its nearest text is a's.
    a = _unit(np.array([[1.0, 0.5, 0.0], [1.0, 0.6, 0.1], [1.0, 0.4, -0.1]]))
    b = _unit(np.array([[0.5, 0.0, 1.0], [0.6, 0.1, 1.0], [0.4, -0.1, 1.0]]))
    question = _unit(np.array([[1.0, 0.0, 0.4]]))[0]
    assert float(np.max(a @ question)) > float(np.max(b @ question))  # nearest text: a
    classifier = BlockClassifier.fit(np.vstack([a, b]), ["a"] * 3 + ["b"] * 3, penalty=0.01)
    scores = classifier.scores(question)
    assert scores["b"] > scores["a"]


def test_a_penalty_must_be_positive() -> None:
    with pytest.raises(ValueError, match="penalty"):
        BlockClassifier.fit(_unit(np.eye(3)), ["a", "b", "c"], penalty=0.0)


def test_keys_keep_the_order_they_first_appear_in() -> None:
    vectors = _unit(np.eye(4, dtype=np.float32) + 0.01)
    classifier = BlockClassifier.fit(vectors, ["w02", "w01", "w02", "w03"])
    assert classifier.keys == ("w02", "w01", "w03")
    assert set(classifier.scores(vectors[0])) == {"w01", "w02", "w03"}
