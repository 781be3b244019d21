"""Assembles the `pathbot` command from one small module per command group.

Each module exposes `register(app)`; heavy imports (chromadb, discord.py…) stay
inside the command functions so `pathbot --help` and `pathbot plan` start fast.
"""

from __future__ import annotations

import typer

from bot import __version__
from bot.cli import (
    ask_cmd,
    chat_cmd,
    curriculum_cmd,
    db_cmd,
    doctor_cmd,
    health_cmd,
    index_cmd,
    outbox_cmd,
    plan_cmd,
    preview_cmd,
    run_cmd,
)


def build_app() -> typer.Typer:
    app = typer.Typer(
        name="pathbot",
        help="An accountability bot for cohorts working through a learning path.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
    )
    for module in (
        curriculum_cmd,
        plan_cmd,
        db_cmd,
        doctor_cmd,
        health_cmd,
        chat_cmd,
        run_cmd,
        ask_cmd,
        index_cmd,
        outbox_cmd,
        preview_cmd,
    ):
        module.register(app)

    @app.callback()
    def root() -> None:
        """pathbot: plan, chat, ask and run the accountability bot."""

    @app.command()
    def version() -> None:
        """Print pathbot's version."""
        typer.echo(__version__)

    return app


def main() -> None:
    build_app()()
