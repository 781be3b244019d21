"""`pathbot preview`: every message the bot would send, on a simulated clock."""

from __future__ import annotations

import asyncio
import json
from datetime import date, time, timedelta
from typing import Annotated

import typer

from bot.cli.errors import fail


def register(app: typer.Typer) -> None:
    @app.command()
    def preview(
        start: Annotated[
            str | None,
            typer.Option("--from", help="Cohort start date, YYYY-MM-DD (default: next Monday)."),
        ] = None,
        days: Annotated[int, typer.Option(min=1, max=140, help="Days to simulate.")] = 7,
        members: Annotated[int, typer.Option(min=1, max=200, help="Sample members.")] = 5,
        nudge: Annotated[
            str,
            typer.Option(help="The workspace's evening nudge (/nudge-time): HH:MM, or 'off'."),
        ] = "off",
        as_json: Annotated[bool, typer.Option("--json", help="One JSON object a line.")] = False,
    ) -> None:
        """Seed a sample cohort on a throw-away database and print what the bot would send."""
        from bot.cli.settings import settings_or_fail
        from bot.clock import SystemClock
        from bot.curriculum.loader import CurriculumError, load_curriculum
        from bot.scheduling.preview import PreviewOptions, run_preview

        first = _start_date(start, SystemClock().now().date())
        nudge_time = _nudge(nudge)
        try:
            curriculum = load_curriculum(settings_or_fail().curriculum)
        except CurriculumError as error:
            fail(f"the curriculum can't be loaded: {error}")
        options = PreviewOptions(first, days, members, nudge_time)
        for message in asyncio.run(run_preview(curriculum, options)):
            if as_json:
                typer.echo(json.dumps(message.as_json(), ensure_ascii=False))
                continue
            typer.echo(
                f"{message.at_utc:%Y-%m-%d %H:%M} UTC | {message.local_time} | "
                f"{message.kind} -> {message.target}"
            )
            for line in message.text.splitlines():
                typer.echo(f"    {line}")


def _start_date(text: str | None, today: date) -> date:
    if text is None:
        from bot.services.members import next_monday  # heavy imports stay inside commands

        return next_monday(today + timedelta(days=1))  # the first Monday after today
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        fail(f"'{text}' is not a date; use YYYY-MM-DD, e.g. --from 2027-01-04")


def _nudge(text: str) -> time | None:
    if text.strip().lower() in ("off", "no", "none"):
        return None
    try:
        return time.fromisoformat(text.strip())
    except ValueError:
        fail(f"'{text}' is not a time; use HH:MM (e.g. --nudge 21:00) or --nudge off")
