"""The chat platforms `pathbot run` knows: which settings turn each on, the session a
platform's module opens (`open_platform(settings, core)` -> `PlatformSession`), and the
HTTP routes it serves on the one server (`http_routes(settings)`)."""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from typing import Protocol

from pydantic import SecretStr

from bot.config import Settings
from bot.errors import Fatal
from bot.ops.http import Handler, Probe
from bot.scheduling.senders import Sender
from bot.services.context import Core

#: An HTTP route a platform serves on `pathbot run`'s server: (method, path).
Route = tuple[str, str]

#: Platform -> (the settings, any of which turns it on; the module with
#: `open_platform(settings, core)`). Slack: one workspace's token, or installs into many.
PLATFORMS: dict[str, tuple[tuple[str, ...], str]] = {
    "discord": (("DISCORD_TOKEN",), "bot.adapters.discord.runner"),
    "slack": (("SLACK_BOT_TOKEN", "SLACK_CLIENT_ID"), "bot.adapters.slack.runner"),
}


async def _always_ready() -> tuple[bool, str]:
    return True, "serving"


@dataclass(frozen=True)
class PlatformSession:
    name: str
    sender: Sender
    #: Serves until the platform connection ends for good (or the task is cancelled).
    serve: Callable[[], Awaitable[None]]
    #: Is the connection up right now? (for /readyz)
    ready: Probe = _always_ready
    #: Handlers for the routes (method, path) the platform's module lists in
    #: `http_routes(settings)`.
    http_routes: Mapping[Route, Handler] = field(default_factory=dict)
    #: This process's share of the platform's send budget (messages a second), when it
    #: is not the whole default (one of several Discord shard processes).
    rate_per_s: float | None = None


class PlatformOpener(Protocol):
    def __call__(
        self, settings: Settings, core: Core
    ) -> AbstractAsyncContextManager[PlatformSession]: ...


def _is_set(settings: Settings, setting: str) -> bool:
    # The field is the environment name in lower case (DISCORD_TOKEN -> discord_token).
    value = getattr(settings, setting.lower())
    text = value.get_secret_value() if isinstance(value, SecretStr) else value
    return bool(text and text.strip())


def configured_platforms(settings: Settings) -> list[str]:
    return [
        name
        for name, (turned_on_by, _) in PLATFORMS.items()
        if any(_is_set(settings, setting) for setting in turned_on_by)
    ]


def opener(name: str) -> PlatformOpener:
    found: PlatformOpener = importlib.import_module(PLATFORMS[name][1]).open_platform
    return found


def require_installed(platforms: Sequence[str]) -> None:
    """One clear line, before anything starts, for a token whose adapter is missing."""
    for name in platforms:
        settings, module = PLATFORMS[name]
        setting = " or ".join(settings)
        try:
            importlib.import_module(module)
        except ModuleNotFoundError:
            raise Fatal(
                f"{setting} is set but the {name} adapter is not installed in this build"
            ) from None


def http_routes(name: str, settings: Settings) -> list[Route]:
    routes: Callable[[Settings], list[Route]] | None = getattr(
        importlib.import_module(PLATFORMS[name][1]), "http_routes", None
    )
    return routes(settings) if routes is not None else []
