"""`pathbot ask "QUESTION"`: answer from the curriculum's own resources.

With no QUESTION, reads one question per line from standard input and answers
each in turn with the index loaded once.
"""

from __future__ import annotations

import asyncio
import json
import sys
from typing import TYPE_CHECKING, Annotated

import typer

from bot.cli.errors import fail
from bot.cli.rag_service import ask_service_or_fail

if TYPE_CHECKING:
    from bot.rag.answer import AskAnswer
    from bot.rag.service import AskService


def ask(
    question: Annotated[
        str | None, typer.Argument(help="The question; omit it to read one per line from stdin.")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one JSON object per answer.")
    ] = False,
    k: Annotated[int, typer.Option("--k", min=1, max=10, help="How many resources to name.")] = 3,
    week: Annotated[
        int | None, typer.Option("--week", min=1, help="Your current week (gently preferred).")
    ] = None,
) -> None:
    """Ask the learning path what to read: 'pathbot ask "what should I read for HNSW?"'."""
    service = ask_service_or_fail()
    from bot.rag.service import RagError  # loaded by now

    questions = [question] if question is not None else None
    try:
        asyncio.run(_answer_all(service, questions, as_json=as_json, k=k, week=week))
    except RagError as error:
        fail(str(error))


async def _answer_all(
    service: AskService, questions: list[str] | None, *, as_json: bool, k: int, week: int | None
) -> None:
    report = await service.ensure_loaded()
    if report.rebuilt:
        typer.echo(
            f"(built the index: {report.documents} documents in {report.seconds:.1f} s)", err=True
        )
    if questions is not None:
        await _answer_one(service, questions[0], as_json=as_json, k=k, week=week)
        return
    for line in sys.stdin:
        if line.strip():
            await _answer_one(service, line, as_json=as_json, k=k, week=week)


async def _answer_one(
    service: AskService, question: str, *, as_json: bool, k: int, week: int | None
) -> None:
    answer = await service.ask(question, k=k, current_week=week)
    typer.echo(_render(answer, as_json=as_json))


def _render(answer: AskAnswer, *, as_json: bool) -> str:
    if as_json:
        return json.dumps(answer.model_dump(mode="json"), ensure_ascii=False)
    return f"{answer.answer}\n[{answer.mode.value}]\n"


def register(app: typer.Typer) -> None:
    app.command()(ask)
