"""/ask: the curriculum's resources answer, scoped to the member's current week."""

from __future__ import annotations

import logging
import time

from bot.rag.errors import RagError
from bot.replies import Reply
from bot.services.context import Core, Source, UserError
from bot.services.timeline import calendar_for, current_week
from bot.storage.models import Member
from bot.text import clip, neutralize_mentions

log = logging.getLogger(__name__)

MAX_QUESTION = 500


async def ask(core: Core, member: Member | None, question: str) -> Reply:
    question = question.strip()
    if not question:
        raise UserError("Ask me something, e.g. /ask what should I read for HNSW?")
    if len(question) > MAX_QUESTION:
        raise UserError(f"Keep questions under {MAX_QUESTION} characters")
    if core.asker is None:
        return Reply.error(
            "Search over the curriculum isn't set up on this bot",
            "An admin can build it with `pathbot index`.",
            title="Not available",
        )
    week = None
    if member is not None:
        today = core.local_today(member.timezone)
        week = current_week(calendar_for(member, core.curriculum, today), today)
    began = time.perf_counter()
    try:
        answer = await core.asker.ask(question, k=3, current_week=week)
    except RagError as error:  # one friendly line: the index cannot be built, …
        core.metrics.ask_seconds.labels("failed").observe(time.perf_counter() - began)
        log.warning("/ask failed: %s", error)
        return _unavailable(str(error).splitlines()[0])
    except Exception:  # a bug to log, not to show
        core.metrics.ask_seconds.labels("failed").observe(time.perf_counter() - began)
        log.warning("/ask failed", exc_info=True)
        return _unavailable("")
    core.metrics.ask_seconds.labels(str(answer.mode)).observe(time.perf_counter() - began)
    lines = [neutralize_mentions(answer.answer)]
    # The RAG's answer usually lists its sources already; a bullet is only added
    # for one it doesn't name, so nothing is shown twice.
    lines.extend(
        f"• {neutralize_mentions(clip(source.citation, 300))}"
        for source in answer.sources
        if not _named_in(source, answer.answer)
    )
    title = "Answer" if answer.in_scope else "Not in the path"
    return Reply(title=title, lines=lines)


def _unavailable(reason: str) -> Reply:
    return Reply.error(
        "I can't search the curriculum right now" + (f": {reason}" if reason else ""),
        title="Not available",
    )


def _named_in(source: Source, text: str) -> bool:
    return bool(source.title) and source.title.casefold() in text.casefold()
