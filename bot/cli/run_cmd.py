"""`pathbot run`: start the bot on the configured platform, or the console chat.

Platform adapters plug in through PLATFORM_RUNNERS: a module per platform with
`async def run(settings: Settings) -> None`. Until one is installed, a set token
stops with one clear line instead of pretending to run.
"""

from __future__ import annotations

import getpass
import importlib
from typing import TYPE_CHECKING

import typer

from bot.cli.errors import fail

if TYPE_CHECKING:
    from bot.config import Settings

#: The adapter hook: platform -> (token setting, module exposing `async def run(settings)`).
PLATFORM_RUNNERS: dict[str, tuple[str, str]] = {
    "discord": ("DISCORD_TOKEN", "bot.adapters.discord.runner"),
    "slack": ("SLACK_BOT_TOKEN", "bot.adapters.slack.runner"),
}


def register(app: typer.Typer) -> None:
    @app.command()
    def run() -> None:
        """Run the bot: Discord/Slack when their token is set, else a console chat."""
        from bot.cli.settings import settings_or_fail

        settings = settings_or_fail()
        configured = [
            platform
            for platform, token in (
                ("discord", settings.discord_token),
                ("slack", settings.slack_bot_token),
            )
            if token is not None and token.get_secret_value()
        ]
        if not configured:
            from bot.cli.chat_cmd import run_console

            run_console(user=_local_user(), workspace="local", now=None, as_json=False, admin=True)
            return
        _run_platforms(configured, settings)


def _local_user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "you"


def _run_platforms(platforms: list[str], settings: Settings) -> None:
    import asyncio

    runners = []
    for platform in platforms:
        token_name, module_name = PLATFORM_RUNNERS[platform]
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError:
            fail(f"{token_name} is set but the {platform} adapter is not installed in this build")
        runner = getattr(module, "run", None)
        if runner is None:
            fail(f"{module_name} has no run(settings) entry point")
        runners.append(runner)

    async def go() -> None:
        await asyncio.gather(*(runner(settings) for runner in runners))

    from bot.curriculum.loader import CurriculumError
    from bot.storage.migrate import DatabaseNotReady

    try:
        asyncio.run(go())
    except KeyboardInterrupt:
        return
    except CurriculumError as error:
        fail(f"the curriculum can't be loaded: {error}")
    except DatabaseNotReady as error:
        fail(str(error))
