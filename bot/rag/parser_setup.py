"""The query parser for one curriculum: its jargon, acronyms, vocabulary and book initials.

Built at every index load from the curriculum's own words (`AskService` calls it), so
nothing about the path is hard-coded in the parser itself.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from bot.curriculum.models import ResourceKind
from bot.rag.documents import BlockEntry
from bot.rag.embeddings import vocabulary_words
from bot.rag.lexical import KeywordIndex
from bot.rag.query import (
    HAND_EXPANSIONS,
    JARGON,
    QueryParser,
    derive_acronyms,
    title_acronyms,
)

log = logging.getLogger(__name__)

#: Resources learners name by their initials (DDIA); docs and blogs have none anyone types.
TITLED_KINDS = frozenset({ResourceKind.BOOK, ResourceKind.COURSE, ResourceKind.PAPER})


def build_parser(entries: Sequence[BlockEntry], keyword: KeywordIndex) -> QueryParser:
    texts = [e.title for e in entries] + [e.week_title for e in entries]
    texts += [line for e in entries for line in (e.block.concept, *e.topic_lines)]
    dictionary = vocabulary_words()
    if not dictionary:  # then any initials could pass for a book's (bot/rag/query.py)
        log.warning(
            "the English word list is missing: typo correction and book initials are less careful"
        )
    # Books, courses and papers only: "Scikit-learn metrics documentation" has no
    # initials anyone types. The curriculum's own acronyms win any collision.
    titles = [r.title for e in entries for r in e.block.resources if r.kind in TITLED_KINDS]
    return QueryParser(
        expansions={**JARGON, **HAND_EXPANSIONS, **derive_acronyms(texts)},
        vocabulary=keyword.surface_words,
        dictionary=dictionary,
        titles=title_acronyms(titles, dictionary),
    )
