"""`pathbot doctor`: will this deployment work, and if not, why?"""

from __future__ import annotations

import asyncio
import json
import sys
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
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
        """Check settings, the database (reachable, migrated, totals true); exit 1 if blocked."""
        from pydantic import ValidationError

        from bot.config import load_settings
        from bot.ops.doctor import Check, Status, database_checks, healthy

        checks: list[Check] = []
        try:
            settings = load_settings()
        except ValidationError as error:
            first = error.errors()[0]
            where = ".".join(map(str, first["loc"]))
            checks.append(Check("settings", Status.FAIL, f"{where}: {first['msg']}"))
        else:
            checks.append(Check("settings", Status.OK, "valid"))
            checks.extend(asyncio.run(database_checks(settings.resolved_database_url)))
        _show(checks, sys.stdout.isatty() if as_json is None else not as_json)
        if not healthy(checks):
            raise typer.Exit(1)


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
