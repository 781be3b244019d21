"""The keyword side of the index: BM25 (bm25s) over whole-block documents.

Built in memory at load time from the same documents as the vector index; for a
curriculum of a few dozen blocks that takes milliseconds, so it is never stored.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np

from bot.rag.documents import DocKind, RagDocument
from bot.rag.tokens import content_terms, words


class KeywordIndex:
    """BM25 scores per topic block, plus the vocabulary typo correction matches against."""

    def __init__(self, documents: Sequence[RagDocument]) -> None:
        import bm25s  # ~0.2 s to import: only when the index is actually loaded

        blocks = [d for d in documents if d.kind is DocKind.BLOCK]
        self.block_keys = [d.block_key for d in blocks]
        corpus = [content_terms(d.text) for d in blocks]
        self._bm25: Any = bm25s.BM25()
        self._bm25.index(corpus, show_progress=False)
        self.stems = frozenset(term for terms in corpus for term in terms)
        #: Surface words of every document (not only blocks) and how often each occurs,
        #: for spelling correction.
        self.surface_words = Counter(
            word for d in documents for word in words(d.text) if len(word) > 2
        )

    def scores(self, query_terms: Sequence[str]) -> dict[str, float]:
        """Block key -> BM25 score, only for blocks that match at least one term."""
        known = [t for t in query_terms if t in self.stems]
        if not known:
            return {}
        raw = np.asarray(self._bm25.get_scores(known), dtype=np.float64)
        return {key: float(s) for key, s in zip(self.block_keys, raw, strict=True) if s > 0}
