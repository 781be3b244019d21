"""Hybrid retrieval: BM25, vector and classifier rankings of topic blocks fused by
reciprocal rank.

Blocks are ranked, not resources: a block's vector score is the best similarity of
any of its documents (whole block, topic lines, plain-words sentences, example
questions, resources); the classifier (bot/rag/classifier.py) is fitted on those same
vectors. Out-of-scope questions are recognised by a small logistic
decision (bot/rag/scope.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from bot.rag.classifier import BlockClassifier
from bot.rag.documents import BlockEntry, DocKind, RagDocument
from bot.rag.embeddings import Embedder, Vectors
from bot.rag.lexical import KeywordIndex
from bot.rag.query import ParsedQuery, QueryParser
from bot.rag.scope import ScopeModel, ScopeSignals, known_share, off_path_vectors
from bot.rag.tokens import content_set

#: Reciprocal-rank constant; the usual 60 flattens a 31-block list too much (5 chosen
#: on the "tune" half of the questions, like BM25_WEIGHT).
RRF_K = 5
#: The keyword ranking counts this much more than the vector ranking in the fusion: with
#: plain_words in learners' words BM25 is the better ranker (chosen on the "tune" half
#: of benchmarks/questions/rag_questions.jsonl, checked on the "test" half; docs/rag.md).
BM25_WEIGHT = 1.5
#: The classifier's ranking counts half as much as the vector ranking: at 0.5 it added
#: 1.8 points of hit@1 on the "tune" half and 0.7 on "test"; at 1.0 its larger gain on
#: "tune" turned into a loss on "test".
CLASSIFIER_WEIGHT = 0.5
#: How much of a first place the asking member's current week adds: enough to break
#: near-ties in favour of what they are studying now, never to outrank a clear match.
CURRENT_WEEK_BOOST = 0.25
#: How many top blocks get a "why this matches" line (answers cite at most 10 resources).
EXPLAINED = 10


@dataclass(frozen=True)
class BlockHit:
    entry: BlockEntry
    score: float
    bm25: float
    similarity: float
    #: The topic line that best matches the question, for "why this matches".
    matched_line: str
    #: Resource positions inside the block, best first.
    resource_order: list[int]


@dataclass(frozen=True)
class Retrieval:
    query: ParsedQuery
    hits: list[BlockHit]
    in_scope: bool
    #: What the scope decision saw, for diagnostics and benchmarks (None: no block admitted).
    signals: ScopeSignals | None = None

    @property
    def best_similarity(self) -> float:
        return self.signals.best if self.signals is not None else 0.0


class HybridRetriever:
    def __init__(
        self,
        *,
        entries: Sequence[BlockEntry],
        documents: Sequence[RagDocument],
        keyword: KeywordIndex,
        embedder: Embedder,
        parser: QueryParser,
        stored_vectors: Mapping[str, Vectors],
        scope: ScopeModel | None = None,
        off_path: Vectors | None = None,
    ) -> None:
        self._entries = {e.key: e for e in entries}
        self._documents = {d.id: d for d in documents}
        self._line_terms: dict[str, set[str]] = {}
        self._order = [e.key for e in entries]
        self._position = {key: i for i, key in enumerate(self._order)}
        self._keyword = keyword
        self._embedder = embedder
        self._parser = parser
        self._stored = stored_vectors
        # Every stored vector as one matrix: a question is compared with all of them (the
        # scope decision needs the whole distribution), which is one product of normalised
        # vectors, exact, in memory, and no longer a trip to Chroma per question.
        self._ids = list(stored_vectors)
        self._matrix = (
            np.stack([np.asarray(stored_vectors[i], dtype=np.float32) for i in self._ids])
            if self._ids
            else np.zeros((0, 1), dtype=np.float32)
        )
        self.scope = scope or ScopeModel()
        self._off_path = off_path if off_path is not None else off_path_vectors(embedder)
        fitted = [d for d in documents if d.id in stored_vectors and d.block_key in self._entries]
        self._classifier = (
            BlockClassifier.fit(
                np.stack([stored_vectors[d.id] for d in fitted]), [d.block_key for d in fitted]
            )
            if fitted
            else None
        )
        self._lean = _fit_lean(fitted, stored_vectors, self._off_path)
        self._max_week = max((e.week for e in entries), default=1)
        self._max_month = max((e.month for e in entries), default=1)

    def search(
        self,
        question: str,
        *,
        current_week: int | None = None,
        use_keywords: bool = True,
        use_vectors: bool = True,
    ) -> Retrieval:
        """Blocks best first; `use_keywords` switches BM25 off, `use_vectors` both vector
        rankings (similarity and the classifier), for the benchmarks' ablations."""
        query = self._parser.parse(question, max_week=self._max_week, max_month=self._max_month)
        allowed = [
            key
            for key in self._order
            if query.filters.admits(
                self._entries[key].month, self._entries[key].week, self._entries[key].week_of_month
            )
        ]
        if not allowed:
            return Retrieval(query, [], False)
        vector = self._embedder.embed([query.expanded or question])[0]
        # Unfiltered on purpose: the scope test compares the best block with all of them.
        sims = self._matrix @ vector if self._ids else np.zeros(0, dtype=np.float32)
        everywhere: dict[str, float] = {}
        similarity: dict[str, float] = {}
        resource_sim: dict[tuple[str, int], float] = {}
        per_block: dict[str, list[float]] = {}
        admitted = set(allowed)
        for doc_id, value in zip(self._ids, sims.tolist(), strict=True):
            document = self._documents.get(doc_id)
            if document is None or document.block_key not in self._entries:
                continue
            key = document.block_key
            everywhere[key] = max(everywhere.get(key, -1.0), value)
            if key not in admitted:
                continue
            similarity[key] = max(similarity.get(key, -1.0), value)
            per_block.setdefault(key, []).append(value)
            if document.kind is DocKind.RESOURCE:
                resource_sim[(key, document.position)] = value
        bm25 = {k: s for k, s in self._keyword.scores(query.terms).items() if k in allowed}
        rankings: list[tuple[float, list[str]]] = []
        if use_keywords:
            rankings.append((BM25_WEIGHT, sorted(bm25, key=lambda k: -bm25[k])))
        if use_vectors:
            support = {k: _support(v) for k, v in per_block.items()}
            rankings.append((1.0, sorted(support, key=lambda k: -support[k])))
            if self._classifier is not None:
                learned = {
                    k: v for k, v in self._classifier.scores(vector).items() if k in admitted
                }
                rankings.append((CLASSIFIER_WEIGHT, sorted(learned, key=lambda k: -learned[k])))
        fused = _rrf(rankings)
        for key in allowed:
            fused.setdefault(key, 0.0)
            if current_week is not None and self._entries[key].week == current_week:
                fused[key] += CURRENT_WEEK_BOOST / (RRF_K + 1)
        filter_only = query.filters.active and not content_set(query.text)
        if filter_only:
            ranked = list(allowed)  # "week 7" alone: that week's blocks in path order
        else:
            ranked = sorted(allowed, key=lambda k: (-fused[k], self._position[k]))
        best = max(similarity.values(), default=0.0)
        typical = float(np.median(list(everywhere.values()))) if everywhere else 0.0
        signals = ScopeSignals(
            best=best,
            gap=best - typical,
            known=known_share(query.terms, self._keyword.stems),
            off_path=float(np.max(self._off_path @ vector)) if len(self._off_path) else 0.0,
            lean=_lean_of(self._lean, vector),
        )
        # "week 7" alone asks for that week; with more words, naming a place in the path
        # (a week, a month, one of its books) only tilts the decision (bot/rag/scope.py).
        names_place = query.filters.active or query.names_resource
        in_scope = filter_only or self.scope.in_scope(signals, names_place=names_place)
        block_hits = [
            BlockHit(
                entry=self._entries[key],
                score=fused[key] / _max_fused(),
                bm25=bm25.get(key, 0.0),
                similarity=similarity.get(key, 0.0),
                # Only the blocks an answer can cite need a reason.
                matched_line=self._matched_line(key, vector, query) if rank < EXPLAINED else "",
                resource_order=self._resource_order(key, resource_sim),
            )
            for rank, key in enumerate(ranked)
        ]
        return Retrieval(query, block_hits, in_scope, signals)

    def _matched_line(self, key: str, vector: Vectors, query: ParsedQuery) -> str:
        entry = self._entries[key]
        lines = entry.topic_lines
        if not lines:
            return entry.block.concept or entry.title
        # Words the learner typed count more than the acronym expansions we added.
        typed = content_set(query.text)
        added = set(query.terms) - typed
        best_line, best_score = lines[0], -np.inf
        for i, line in enumerate(lines):
            stored = self._stored.get(f"{key}-{DocKind.TOPIC.value}-{i + 1}")
            score = float(np.dot(stored, vector)) if stored is not None else 0.0
            line_terms = self._line_terms.get(line)
            if line_terms is None:
                line_terms = self._line_terms[line] = content_set(line)
            score += 0.25 * len(typed & line_terms) + 0.1 * len(added & line_terms)
            if score > best_score:
                best_line, best_score = line, score
        return best_line

    def _resource_order(self, key: str, resource_sim: Mapping[tuple[str, int], float]) -> list[int]:
        count = len(self._entries[key].block.resources)
        return sorted(range(count), key=lambda i: (-resource_sim.get((key, i), -1.0), i))


#: The path's sentences in learners' and the curriculum's words, for the `lean` signal.
LEAN_KINDS = frozenset({DocKind.TOPIC, DocKind.PLAIN, DocKind.EXAMPLE})
#: Ridge penalty of the path-versus-everyday classifier (1 and 10 were compared on the
#: "tune" half; 1 refused more out-of-scope questions and fewer in-scope ones).
LEAN_PENALTY = 1.0


def _fit_lean(
    documents: Sequence[RagDocument], stored: Mapping[str, Vectors], off_path: Vectors
) -> BlockClassifier | None:
    path = [stored[d.id] for d in documents if d.kind in LEAN_KINDS]
    if not path or not len(off_path):
        return None
    vectors = np.vstack([np.stack(path), off_path])
    labels = ["path"] * len(path) + ["off"] * len(off_path)
    return BlockClassifier.fit(vectors, labels, penalty=LEAN_PENALTY)


def _lean_of(classifier: BlockClassifier | None, vector: Vectors) -> float:
    if classifier is None:
        return 0.0
    scores = classifier.scores(vector)
    # With two classes the columns are opposites; the difference reads as a margin.
    return scores["path"] - scores["off"]


#: A block backed by several matching documents beats one lucky match, a little.
SECOND_WEIGHT = 0.3


def _support(similarities: list[float]) -> float:
    top = sorted(similarities, reverse=True)
    return top[0] + SECOND_WEIGHT * (top[1] if len(top) > 1 else 0.0)


def _rrf(rankings: Sequence[tuple[float, Sequence[str]]]) -> dict[str, float]:
    fused: dict[str, float] = {}
    for weight, ranking in rankings:
        for rank, key in enumerate(ranking):
            fused[key] = fused.get(key, 0.0) + weight / (RRF_K + rank + 1)
    return fused


def _max_fused() -> float:
    # First place in all three rankings plus the current-week boost: scores land in [0, 1].
    return (BM25_WEIGHT + 1.0 + CLASSIFIER_WEIGHT + CURRENT_WEEK_BOOST) / (RRF_K + 1)
