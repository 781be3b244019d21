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


def test_a_shared_direction_does_not_decide_but_the_distinguishing_one_does() -> None:
    # Every text of both blocks leans on dimension 0 (say, "model"); only dimension 1
    # (block a) or 2 (block b) tells them apart. A question strongly about dimension 0
    # and slightly about dimension 2 belongs to b.
    a = _unit(np.array([[1.0, 0.3, 0.0], [1.0, 0.35, 0.05], [1.0, 0.25, 0.0]]))
    b = _unit(np.array([[1.0, 0.0, 0.3], [1.0, 0.05, 0.35], [1.0, 0.0, 0.25]]))
    classifier = BlockClassifier.fit(np.vstack([a, b]), ["a"] * 3 + ["b"] * 3, penalty=0.01)
    scores = classifier.scores(_unit(np.array([[1.0, 0.0, 0.1]]))[0])
    assert scores["b"] > scores["a"]


@pytest.mark.parametrize("penalty", [0.1, 10.0])
def test_keys_keep_the_order_they_first_appear_in(penalty: float) -> None:
    vectors = _unit(np.eye(4, dtype=np.float32) + 0.01)
    classifier = BlockClassifier.fit(vectors, ["w02", "w01", "w02", "w03"], penalty=penalty)
    assert classifier.keys == ("w02", "w01", "w03")
    assert set(classifier.scores(vectors[0])) == {"w01", "w02", "w03"}
