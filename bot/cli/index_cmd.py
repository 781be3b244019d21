"""`pathbot index build|status`: the retrieval index behind `pathbot ask`."""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer

from bot.cli.errors import fail
from bot.cli.rag_service import ask_service_or_fail

index_app = typer.Typer(help="Build or inspect the retrieval index used by `pathbot ask`.")


@index_app.command()
def build(
    force: Annotated[bool, typer.Option("--force", help="Rebuild even if up to date.")] = False,
) -> None:
    """Build the index if the curriculum or embedding model changed (or with --force)."""
    service = ask_service_or_fail()
    from bot.rag.service import RagError  # loaded by now

    try:
        report = asyncio.run(service.ensure_loaded(force_rebuild=force))
    except RagError as error:
        fail(str(error))
    if report.rebuilt:
        typer.echo(
            f"built: {report.documents} documents in {report.seconds:.1f} s "
            f"({report.reason}) at {report.location}"
        )
    else:
        typer.echo(f"up to date: {report.documents} documents at {report.location}")


@index_app.command()
def status() -> None:
    """Say whether the index matches the current curriculum and embedding model."""
    service = ask_service_or_fail()
    from bot.rag.service import RagError  # loaded by now

    try:
        state = asyncio.run(service.status())
    except RagError as error:
        fail(str(error))
    if state.fingerprint is None:
        typer.echo(f"missing: no index at {state.location} (run `pathbot index build`)")
    elif state.up_to_date:
        typer.echo(f"up to date: {state.documents} documents at {state.location}")
    else:
        typer.echo(
            f"stale: the curriculum or model changed since the index at {state.location} was built"
        )


def register(app: typer.Typer) -> None:
    app.add_typer(index_app, name="index")
