"""`pathbot run`: start the bot on the configured platforms, or the console chat.

Platforms are turned on by their token (`bot.adapters.platforms.PLATFORMS`); all of
them are served by one process on one core with one scheduler. A token whose
adapter is not installed stops with one clear line instead of pretending to run.
"""

from __future__ import annotations

import getpass
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from bot.config import Settings


def register(app: typer.Typer) -> None:
    @app.command()
    def run() -> None:
        """Run the bot: Discord/Slack when their token is set, else a console chat."""
        from bot.adapters.platforms import configured_platforms
        from bot.cli.settings import settings_or_fail
        from bot.ops.logs import configure_from

        settings = settings_or_fail()
        configured = configured_platforms(settings)
        # The console chat is a conversation: there, only warnings unless asked.
        configure_from(settings, quiet_by_default=not configured)
        if not configured:
            from bot.cli.chat_cmd import run_console

            run_console(user=_local_user(), workspace="local", now=None, as_json=False, admin=True)
            return
        _serve(configured, settings)


def _local_user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "you"


def _serve(platforms: list[str], settings: Settings) -> None:
    import asyncio

    from bot.adapters.platforms import require_installed
    from bot.adapters.serving import serve
    from bot.cli.errors import fail
    from bot.errors import Fatal

    try:
        require_installed(platforms)
        asyncio.run(serve(settings, platforms))
    except Fatal as error:
        fail(str(error))
    except KeyboardInterrupt:
        return
