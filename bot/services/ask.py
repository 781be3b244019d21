"""/ask: the curriculum's resources answer, scoped to the member's current week."""

from __future__ import annotations

import logging

from bot.replies import Reply
from bot.services.context import Core, UserError
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
    try:
        answer = await core.asker.ask(question, k=3, current_week=week)
    except Exception as error:
        # The RAG's own errors (index not built, …) carry one friendly line; anything
        # else is a bug to log, not to show.
        log.warning("/ask failed", exc_info=True)
        reason = str(error).splitlines()[0] if type(error).__name__ == "RagError" else ""
        return Reply.error(
            "I can't search the curriculum right now" + (f": {reason}" if reason else ""),
            title="Not available",
        )
    lines = [neutralize_mentions(answer.answer)]
    # The RAG's answer usually lists its sources already; a bullet is only added
    # for one it doesn't name, so nothing is shown twice.
    lines.extend(
        f"• {neutralize_mentions(clip(source_line(source), 300))}"
        for source in answer.sources
        if not _named_in(source, answer.answer)
    )
    title = "Answer" if answer.in_scope else "Not in the path"
    return Reply(title=title, lines=lines)


def source_line(source: object) -> str:
    """One line for a cited source, whatever shape the RAG gives it."""
    for name in ("citation", "label", "title", "text"):
        value = getattr(source, name, None)
        if isinstance(value, str) and value:
            return value
    return str(source)


def _named_in(source: object, text: str) -> bool:
    title = getattr(source, "title", None)
    return isinstance(title, str) and bool(title) and title.casefold() in text.casefold()
