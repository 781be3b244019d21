"""A linear classifier from question vector to topic block, fitted on the path's own texts.

Nearest-document similarity treats every direction of the embedding alike; a ridge
regression onto the blocks (one-hot targets, centred vectors) learns which directions
tell neighbouring blocks apart, from the ~1,100 texts the index already embeds (topic
lines, plain-words sentences, example questions, whole blocks, resources). It is solved
in closed form (a d×d system, 384 for MiniLM: ~10 ms), so it is fitted afresh at every
load and never stored. It is the third ranking in the fusion (bot/rag/retrieval.py);
with two classes it is also the scope decision's `lean` signal (bot/rag/scope.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from bot.rag.embeddings import Vectors

#: Ridge penalty. The fusion's hit@1 on the "tune" half of benchmarks/questions/rag_questions.jsonl
#: was flat from 0.1 to 30; a middle value keeps the fit stable for other curricula.
PENALTY = 10.0


@dataclass(frozen=True)
class BlockClassifier:
    keys: tuple[str, ...]
    mean: Vectors
    weights: Vectors

    @classmethod
    def fit(
        cls, vectors: Vectors, labels: Sequence[str], *, penalty: float = PENALTY
    ) -> BlockClassifier:
        """`vectors[i]` is a text of block `labels[i]`; every block needs at least one."""
        if penalty <= 0:
            # Without it the system is singular whenever there are fewer texts than dimensions.
            raise ValueError(f"the ridge penalty must be positive, not {penalty}")
        keys = tuple(dict.fromkeys(labels))
        index = {key: i for i, key in enumerate(keys)}
        targets = np.zeros((len(labels), len(keys)), dtype=np.float64)
        targets[np.arange(len(labels)), [index[label] for label in labels]] = 1.0
        x = np.asarray(vectors, dtype=np.float64)
        mean = x.mean(axis=0)
        centred = x - mean
        gram = centred.T @ centred + penalty * np.eye(x.shape[1])
        weights = np.linalg.solve(gram, centred.T @ (targets - targets.mean(axis=0)))
        return cls(keys, mean.astype(np.float32), weights.astype(np.float32))

    def scores(self, vector: Vectors) -> dict[str, float]:
        """Block key -> score (higher is likelier); only the order is used."""
        raw = (np.asarray(vector, dtype=np.float32) - self.mean) @ self.weights
        return {key: float(value) for key, value in zip(self.keys, raw, strict=True)}
