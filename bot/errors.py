"""Errors every layer may raise or describe, free of any framework.

An adapter that cannot go on (a refused token, a port in use) raises `Fatal`
with one clear line; the command line prints it and exits 1. Living here, below
the adapters and the CLI, it lets the adapters stop the process without
reaching up into `bot.cli`.
"""

from __future__ import annotations


class Fatal(Exception):
    """The process cannot go on; `str(error)` is the one line an organiser reads."""


class Unreachable(Fatal):
    """The platform cannot be reached right now (network, DNS, its 5xx): worth retrying.

    `pathbot run` retries it with backoff while /healthz answers and /readyz names it;
    a refused token is a plain `Fatal` and stops the process.
    """


def reason(error: BaseException) -> str:
    """An exception as a short clause: its first line, or its type's name."""
    return str(error).splitlines()[0] if str(error) else type(error).__name__
