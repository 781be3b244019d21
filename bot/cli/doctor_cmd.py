"""`pathbot doctor`: will this deployment work, and if not, why?"""

from __future__ import annotations

import asyncio
import json
import sys
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.ops.doctor import Check


def register(app: typer.Typer) -> None:
    @app.command()
    def doctor(
        as_json: bool = typer.Option(
            None,
            "--json/--table",
            help="JSON lines (the default when not on a terminal) or a table.",
            show_default=False,
        ),
    ) -> None:
        """Will this deployment work? Settings, database, tokens, channels, LLM, index.

        Exits 1 if anything blocks.
        """
        from pydantic import ValidationError

        from bot.config import load_settings
        from bot.ops.doctor import Check, Status, healthy

        checks: list[Check] = []
        try:
            settings = load_settings()
        except ValidationError as error:
            first = error.errors()[0]
            where = ".".join(map(str, first["loc"]))
            checks.append(Check("settings", Status.FAIL, f"{where}: {first['msg']}"))
        else:
            checks.append(Check("settings", Status.OK, "valid"))
            checks.extend(asyncio.run(_all_checks(settings)))
        _show(checks, sys.stdout.isatty() if as_json is None else not as_json)
        if not healthy(checks):
            raise typer.Exit(1)


async def _all_checks(settings: Settings) -> list[Check]:
    from bot.adapters.platforms import configured_platforms
    from bot.curriculum.loader import CurriculumError, load_curriculum
    from bot.ops.doctor import Check, Status, database_checks
    from bot.ops.platform_checks import (
        channel_settings,
        discord_checks,
        index_check,
        llm_check,
    )
    from bot.ops.slack_checks import slack_checks

    url = settings.resolved_database_url
    try:
        curriculum = load_curriculum(settings.curriculum)
    except CurriculumError:
        curriculum = None  # the kept streaks need the path's length; the rest does not
    checks = await database_checks(url, curriculum)
    channels = await channel_settings(url)
    platforms = configured_platforms(settings)
    if "discord" in platforms:
        checks.extend(await discord_checks(settings, channels.get("discord", [])))
    if "slack" in platforms:
        checks.extend(await slack_checks(settings, channels.get("slack", [])))
    if not platforms:
        checks.append(
            Check("platforms", Status.WARN, "no DISCORD_TOKEN or SLACK_BOT_TOKEN: console only")
        )
    if settings.llm_enabled:
        checks.append(await llm_check(settings))
    checks.append(await index_check(settings))
    return checks


def _show(checks: list[Check], table: bool) -> None:
    from rich.console import Console
    from rich.table import Table

    from bot.ops.doctor import Status

    if not table:
        typer.echo(json.dumps([check.as_json() for check in checks], ensure_ascii=False))
        return
    colour = {Status.OK: "green", Status.WARN: "yellow", Status.FAIL: "red"}
    grid = Table(title="pathbot doctor")
    for column in ("check", "status", "detail"):
        grid.add_column(column)
    for check in checks:
        grid.add_row(check.name, f"[{colour[check.status]}]{check.status}[/]", check.detail)
    Console(highlight=False, soft_wrap=True).print(grid)
