"""What `/ask` returns, and the answer written without a language model.

`AskAnswer.model_dump(mode="json")` is exactly the `pathbot ask --json` object.
"""

from __future__ import annotations

import re
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, computed_field

from bot.curriculum.models import Resource
from bot.rag.documents import BlockEntry, resource_line
from bot.rag.retrieval import BlockHit, Retrieval
from bot.text import neutralize_mentions


class AnswerMode(StrEnum):
    EXTRACTIVE = "extractive"
    LLM = "llm"


class Source(BaseModel):
    model_config = ConfigDict(frozen=True)

    title: str
    month: int
    week_of_month: int
    week: int
    topic: str
    kind: str
    score: float
    #: Stable id of the resource ("w07-b1-r2"), the handle the LLM cites.
    id: str
    authors: list[str] = []
    scope: str | None = None
    options: list[str] = []
    url: str | None = None
    #: The topic line of the block that best matches the question.
    matched: str = ""

    @computed_field  # type: ignore[prop-decorator]
    @property
    def citation(self) -> str:
        """One line for a chat bullet: what to read and where it sits in the path."""
        return (
            f"{source_line(self)} — Month {self.month} · Week {self.week_of_month} · {self.topic}"
        )


class AskAnswer(BaseModel):
    model_config = ConfigDict(frozen=True)

    question: str
    answer: str
    mode: AnswerMode
    in_scope: bool
    sources: list[Source]


#: A lower-ranked block only contributes resources when it is nearly as good as the best
#: one, by vector similarity or by keyword score: better two right books than a third
#: from an unrelated week. Rank fusion alone cannot tell a close second from a distant one.
CLOSE_SIMILARITY = 0.08
CLOSE_KEYWORDS = 0.5


def pick_sources(retrieval: Retrieval, k: int) -> list[Source]:
    """Up to k resources: blocks in rank order, resources inside a block best first."""
    if not retrieval.in_scope or not retrieval.hits:
        return []
    top = retrieval.hits[0]
    filter_only = retrieval.query.filters.active and not retrieval.query.terms
    sources: list[Source] = []
    for hit in retrieval.hits:
        if hit is not top and not filter_only and not _close(hit, top):
            break
        for position in hit.resource_order:
            if len(sources) >= k:
                return sources
            sources.append(_source(hit, position))
    return sources


def _close(hit: BlockHit, top: BlockHit) -> bool:
    if hit.similarity >= top.similarity - CLOSE_SIMILARITY:
        return True
    return top.bm25 > 0 and hit.bm25 >= CLOSE_KEYWORDS * top.bm25


def _source(hit: BlockHit, position: int) -> Source:
    entry = hit.entry
    resource = entry.block.resources[position]
    return Source(
        title=resource.title,
        month=entry.month,
        week_of_month=entry.week_of_month,
        week=entry.week,
        topic=entry.title,
        kind=resource.kind.value,
        score=round(hit.score, 3),
        id=f"{entry.key}-r{position + 1}",
        authors=list(resource.authors),
        scope=resource.scope,
        options=list(resource.options),
        url=resource.url,
        matched=hit.matched_line,
    )


def source_line(source: Source) -> str:
    """'Hands-On Machine Learning by Aurélien Géron (Chapters 1-3)'."""
    return resource_line(
        Resource(
            title=source.title, authors=source.authors, scope=source.scope, options=source.options
        )
    )


def entry_of(retrieval: Retrieval, source: Source) -> BlockEntry:
    for hit in retrieval.hits:
        if hit.entry.title == source.topic and hit.entry.week == source.week:
            return hit.entry
    raise KeyError(source.id)


def extractive_answer(question: str, retrieval: Retrieval, sources: list[Source]) -> AskAnswer:
    return AskAnswer(
        question=neutralize_mentions(question),
        answer=neutralize_mentions(extractive_text(retrieval, sources)),
        mode=AnswerMode.EXTRACTIVE,
        in_scope=retrieval.in_scope and bool(sources),
        sources=sources,
    )


def extractive_text(retrieval: Retrieval, sources: list[Source]) -> str:
    if not retrieval.in_scope or not sources:
        return out_of_scope_text(retrieval)
    lines: list[str] = []
    notes = _query_notes(retrieval)
    if notes:
        lines.append(notes)
    lines.append("From the path:" if len(sources) > 1 else "From the path, read:")
    for number, source in enumerate(sources, start=1):
        entry = entry_of(retrieval, source)
        lines.append(f"{number}. {source_line(source)} [{source.kind}]")
        lines.append(f"   Why: it covers “{source.matched}”.")
        lines.append(f"   Where: {entry.location}.")
    return "\n".join(lines)


#: The bot's own features in a learner's words ("how do I pause my reminders?"): /help
#: answers those, not the path. Bare words are not enough ("paint without streaks", "a
#: gap on my resume", "the Kaggle leaderboard"), so each needs a possessive or the bot.
_ABOUT_THE_BOT = re.compile(
    r"\b(?:pathbot|(?:the|this) bot|my (?:streaks?|reminders?|check-?ins?|time ?zone|hours)"
    r"|(?:pause|pausing|resume|resuming) (?:my|the) (?:reminders?|membership|bot|path|studies)"
    r"|(?:our|the cohort'?s?) leaderboard)\b",
    re.IGNORECASE,
)
BOT_HINT = "If it is about me (reminders, pausing, streaks, the leaderboard), try /help."


def out_of_scope_text(retrieval: Retrieval) -> str:
    nearest = [hit.entry for hit in retrieval.hits[:3]]
    text = "The learning path does not cover that."
    if retrieval.query.filters.active and not retrieval.hits:
        return text + " No topic matches that week or month."
    if nearest:
        topics = "; ".join(f"{e.title} (Month {e.month} · Week {e.week_of_month})" for e in nearest)
        text += f" The nearest topics it has are: {topics}."
    if _ABOUT_THE_BOT.search(retrieval.query.original):
        text += " " + BOT_HINT
    return text


def _query_notes(retrieval: Retrieval) -> str:
    query = retrieval.query
    parts: list[str] = []
    if query.corrections:
        parts.append(
            "Reading " + ", ".join(f"“{old}” as “{new}”" for old, new in query.corrections) + "."
        )
    filters = query.filters
    if filters.week is not None:
        parts.append(f"Looking in week {filters.week} only.")
    elif filters.month is not None and filters.week_of_month is not None:
        parts.append(f"Looking in month {filters.month}, week {filters.week_of_month} only.")
    elif filters.month is not None:
        parts.append(f"Looking in month {filters.month} only.")
    return " ".join(parts)
