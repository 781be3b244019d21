"""One clear line of error and a non-zero exit, never a traceback."""

from __future__ import annotations

from typing import NoReturn

import typer
from rich.console import Console


def fail(message: str, code: int = 1) -> NoReturn:
    Console(stderr=True, highlight=False, soft_wrap=True).print(f"[red]error:[/red] {message}")
    raise typer.Exit(code)


def reason(error: BaseException) -> str:
    """An exception as a short clause for `fail(...)`: its first line, or its type's name."""
    return str(error).splitlines()[0] if str(error) else type(error).__name__
