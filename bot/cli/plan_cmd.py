"""`pathbot plan`: what a member does on a date of their path."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import typer
from rich.console import Console

from bot.cli.errors import fail
from bot.cli.settings import settings_or_fail
from bot.clock import Clock, SystemClock
from bot.curriculum.models import Curriculum
from bot.curriculum.planner import PlanInputError, day_plan, parse_date, parse_paused


def _curriculum(path: Path) -> Curriculum:
    from bot.curriculum.loader import CurriculumError, load_curriculum

    try:
        return load_curriculum(path)
    except CurriculumError as error:
        problems = error.problems or [str(error)]
        first = problems[0] if problems[0].startswith(f"{path}") else f"{path}: {problems[0]}"
        more = len(problems) - 1
        hint = f" (and {more} more; see `pathbot curriculum validate {path}`)" if more else ""
        fail(f"unusable curriculum: {first}{hint}")


def _today(clock: Clock, timezone: str) -> date:
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        fail(f"unknown time zone '{timezone}' in PATHBOT_TIMEZONE; try e.g. Europe/Berlin or UTC")
    return clock.now().astimezone(zone).date()


def plan(
    start: Annotated[str, typer.Option(help="Day 1 of the path, YYYY-MM-DD.")],
    on: Annotated[
        str | None, typer.Option(help="The date to plan, YYYY-MM-DD (default: today).")
    ] = None,
    paused: Annotated[
        list[str] | None,
        typer.Option(help="A paused date or inclusive range A..B; repeat as needed."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the plan as JSON.")] = False,
    curriculum_file: Annotated[
        Path | None,
        typer.Option(
            "--curriculum",
            "--file",
            "-f",
            help="A curriculum YAML file (default: the configured PATHBOT_CURRICULUM).",
        ),
    ] = None,
) -> None:
    """Show the plan for one day: items with minutes, resources and notes."""
    try:
        start_date = parse_date(start)
        paused_dates = [day for text in paused or [] for day in parse_paused(text)]
        on_date = parse_date(on) if on is not None else None
    except PlanInputError as error:
        fail(str(error))
    if on_date is None or curriculum_file is None:
        # Settings are read only when needed, so explicit options work with a broken .env.
        settings = settings_or_fail()
        curriculum_file = curriculum_file or settings.curriculum
        on_date = on_date or _today(SystemClock(), settings.timezone)
    curriculum = _curriculum(curriculum_file)
    result = day_plan(curriculum, start_date, on_date, paused_dates)
    if as_json:
        typer.echo(json.dumps(result.model_dump(mode="json"), ensure_ascii=False, indent=2))
        return
    from bot.curriculum.planner_render import day_card

    Console(highlight=False).print(day_card(result))


def register(app: typer.Typer) -> None:
    app.command(name="plan")(plan)
