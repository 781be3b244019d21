"""Is a question about the path at all? A small logistic decision over four signals.

Words like "bank", "running", "plot", "pack" or "train" appear in the path, so neither
keyword overlap nor a similarity floor alone can tell "train a model" from "train my
puppy". Four signals together can:

- `best`: cosine similarity of the question to the closest document of the path;
- `gap`: how far the best block stands out from the median block (off-topic questions
  are vaguely and evenly similar to everything);
- `known`: the share of the question's content words that occur in the path at all
  ("my kitchen scale" has words the path never uses);
- `off_path`: similarity to the closest of a few everyday questions the path does not
  cover (cooking, travel, pets, money…), so "a good running pace" is recognised as sport.

The weights were fitted by logistic regression on the "tune" half of
benchmarks/rag_questions.jsonl and checked on the "test" half (README section `ask`).
"""

from __future__ import annotations

import hashlib
import logging
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot.rag.embeddings import Embedder, Vectors

log = logging.getLogger(__name__)

#: Everyday questions from outside the path, one per area of life; written as a list
#: of areas, not from any benchmark question.
OFF_PATH_EXAMPLES: tuple[str, ...] = (
    "How long should I cook chicken in the oven?",
    "What is a good recipe for dinner tonight?",
    "How do I get fitter and build a workout routine at the gym?",
    "How should I prepare for a race or a long run?",
    "Where should we go on holiday this summer, and how do we get there?",
    "Which documents do I need to travel to another country?",
    "I feel sick: should I see a doctor about these symptoms?",
    "How do I get my baby to sleep through the night?",
    "How can I help my child with homework at school?",
    "How do I train my dog or look after my cat?",
    "When should I plant vegetables and water the garden?",
    "How do I fix a leaking tap or a broken appliance at home?",
    "Why is my car making a strange noise, and when is it due for a service?",
    "Should I put my savings in a bank account, a mortgage overpayment or the stock market?",
    "How do I write a CV and prepare for a job interview?",
    "How do I ask for a raise or get promoted at work?",
    "How do I make friends or fix an argument with my partner?",
    "What happens at the end of this film, novel or TV series?",
    "How do I learn to play the guitar or the piano?",
    "Which clothes or shoes should I buy?",
    "Will it rain this weekend?",
    "What caused this war, and who won the election?",
    "What is the meaning of life, and does God exist?",
    "How do I send a parcel or move house?",
    "How do I knit, sew, paint or draw?",
    "What is a good strategy for this board game or video game?",
    "Is my landlord allowed to do this, and what are my legal rights?",
    "Why is the sky blue, and how far away is the moon?",
    "My phone, printer or home wifi is not working properly.",
    "How do I take care of my skin and hair?",
    "How can I sleep better and feel less stressed?",
    "How do I clean the house and split the chores?",
    "Which wine goes with fish, and how do I brew coffee?",
    "How do I say this sentence correctly in French or Spanish?",
    "What is the latest celebrity news?",
)


@dataclass(frozen=True)
class ScopeSignals:
    best: float
    gap: float
    known: float
    off_path: float


@dataclass(frozen=True)
class ScopeModel:
    """logit = bias + Σ weight × signal; in scope when the logit is at least 0."""

    bias: float = -2.49
    best: float = 7.35
    gap: float = 1.83
    known: float = 4.30
    off_path: float = -12.56

    def logit(self, signals: ScopeSignals) -> float:
        return (
            self.bias
            + self.best * signals.best
            + self.gap * signals.gap
            + self.known * signals.known
            + self.off_path * signals.off_path
        )

    def probability(self, signals: ScopeSignals) -> float:
        return 1.0 / (1.0 + math.exp(-self.logit(signals)))

    def in_scope(self, signals: ScopeSignals) -> bool:
        return self.logit(signals) >= 0.0


def known_share(terms: list[str], vocabulary: frozenset[str]) -> float:
    """Share of distinct query terms the path uses; 0 for a question with no content word."""
    distinct = set(terms)
    if not distinct:
        return 0.0
    return len(distinct & vocabulary) / len(distinct)


def off_path_vectors(embedder: Embedder, cache_dir: Path | None = None) -> Vectors:
    """The examples' vectors, kept in `cache_dir` (they cost ~0.2 s of every cold start).

    The file name carries the model and the examples, so a change to either misses
    the cache; an unreadable or odd-shaped file is recomputed, never trusted.
    """
    texts = list(OFF_PATH_EXAMPLES)
    if cache_dir is None:
        return embedder.embed(texts)
    digest = hashlib.sha256("\n".join([embedder.model_id, *texts]).encode()).hexdigest()[:16]
    path = cache_dir / f"off-path-{digest}.npy"
    try:
        cached = np.load(path, allow_pickle=False)
        if cached.shape[0] == len(texts) and cached.dtype == np.float32:
            return np.asarray(cached, dtype=np.float32)
    except (OSError, ValueError):
        pass
    vectors = embedder.embed(texts)
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        np.save(path, vectors, allow_pickle=False)
    except OSError as error:  # a read-only data directory only costs the 0.2 s again
        log.warning("cannot cache the off-path vectors in %s: %s", cache_dir, error)
    return vectors
