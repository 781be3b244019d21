"""`pathbot run` on Slack: Socket Mode when SLACK_APP_TOKEN is set, else HTTP events.

Socket Mode needs no public URL (the usual choice when self-hosting); HTTP mode
serves Slack's requests at /slack/events on `pathbot run`'s one HTTP server
(PATHBOT_HTTP_HOST:PATHBOT_HTTP_PORT, beside /healthz and /metrics) and checks
every request's signature with SLACK_SIGNING_SECRET.
`bot.adapters.serving` (listed in its PLATFORMS, called by `pathbot run`) opens
it with :func:`open_platform` and puts the core, the scheduler and the platforms
together.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Collection, Sequence
from contextlib import asynccontextmanager

import aiohttp
from pydantic import SecretStr
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.errors import SlackApiError
from slack_sdk.oauth.installation_store import Installation
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.platforms import PlatformSession, Route
from bot.adapters.serving import run_platform
from bot.adapters.slack.app import SlackAdapter
from bot.adapters.slack.clients import Installed
from bot.adapters.slack.install import INSTALL_PATH, REDIRECT_PATH, oauth_settings
from bot.adapters.slack.protocols import CommandHandler
from bot.adapters.slack.sender import SlackSender
from bot.caller import Platform
from bot.clock import Clock
from bot.commands.dispatcher import Dispatcher
from bot.commands.table import CommandSpec, Permission
from bot.config import Settings
from bot.errors import Fatal, Unreachable, reason
from bot.ops.http import Handler, serving_http
from bot.services.context import Core
from bot.storage.dm_channels import DmChannels, DmChannelStore
from bot.storage.known_people import KnownPeople
from bot.storage.secrets import SecretKeyError

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"


def _secret(value: SecretStr | None) -> str:
    return value.get_secret_value().strip() if value is not None else ""


async def check_token(adapter: SlackAdapter) -> None:
    """Fail with one line when Slack refuses the bot token (instead of at the first command)."""
    try:
        await adapter.client.auth_test()
    except SlackApiError as error:
        raise Fatal(
            f"Slack refused SLACK_BOT_TOKEN ({error.response.get('error')}): copy it again"
        ) from None
    except (aiohttp.ClientError, OSError, TimeoutError) as error:
        raise Unreachable(f"can't reach Slack ({reason(error)}): check the network") from None


@asynccontextmanager
async def socket_mode(
    adapter: SlackAdapter, app_token: str
) -> AsyncIterator[AsyncSocketModeHandler]:
    """Connected to Slack's Socket Mode websocket until the block exits."""
    handler = AsyncSocketModeHandler(adapter.app, app_token)
    try:
        await handler.connect_async()  # type: ignore[no-untyped-call]
    except SlackApiError as error:
        raise Fatal(
            f"Slack refused SLACK_APP_TOKEN ({error.response.get('error')}): it must be xapp-…"
        ) from None
    except (aiohttp.ClientError, OSError, TimeoutError) as error:
        raise Unreachable(
            f"can't reach Slack's Socket Mode ({reason(error)}): check the network"
        ) from None
    try:
        yield handler
    finally:
        await handler.close_async()  # type: ignore[no-untyped-call]


@asynccontextmanager
async def http_events(adapter: SlackAdapter, host: str, port: int) -> AsyncIterator[str]:
    """Serving Slack's HTTP events alone; yields the events URL actually bound (port 0 works)."""
    async with serving_http(adapter.app.web_app(path=EVENTS_PATH, port=port), host, port) as base:
        yield f"{base}{EVENTS_PATH}"


def build_adapter(
    settings: Settings,
    handler: CommandHandler,
    clock: Clock,
    client: AsyncWebClient | None = None,
    command_names: Collection[str] = (),
    dm_store: DmChannelStore | None = None,
    people: KnownPeople | None = None,
    needs_person: Collection[str] | None = None,
    oauth: AsyncOAuthSettings | None = None,
) -> SlackAdapter:
    """With `oauth`, each installed workspace's own token (the app's client has none);
    else SLACK_BOT_TOKEN."""
    token = None if oauth is not None else _secret(settings.slack_bot_token)
    client = client or AsyncWebClient(token=token, base_url=settings.slack_api_url)
    store = oauth.installation_store if oauth is not None else None
    return SlackAdapter(
        handler,
        client=client,
        signing_secret=_secret(settings.slack_signing_secret),
        clock=clock,
        command_names=command_names,
        dm_store=dm_store,
        people=people,
        needs_person=needs_person,
        clients=Installed(store, client) if store is not None else None,
        oauth=oauth,
    )


def _app_token_or_http(settings: Settings) -> str:
    """The app-level token for Socket Mode, or "" for HTTP events (which need the secret)."""
    app_token = _secret(settings.slack_app_token)
    if not app_token and not _secret(settings.slack_signing_secret):
        raise Fatal(
            "set SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP events) for Slack"
        )
    return app_token


@asynccontextmanager
async def listening(adapter: SlackAdapter, settings: Settings) -> AsyncIterator[str]:
    """Receiving Slack's requests in the configured mode; yields where (for the log)."""
    app_token = _app_token_or_http(settings)
    await check_token(adapter)
    if app_token:
        async with socket_mode(adapter, app_token):
            yield "Socket Mode"
    else:
        host, port = settings.http_host, settings.http_port
        async with http_events(adapter, host, port) as url:
            yield f"HTTP events at {url}"


async def serve(adapter: SlackAdapter, settings: Settings) -> None:
    """Serve one adapter until cancelled (without the scheduler; see `open_platform`)."""
    async with listening(adapter, settings) as where:
        log.info("pathbot is on Slack (%s)", where)
        await asyncio.Event().wait()


async def _forever() -> None:
    # Socket Mode and the HTTP server reconnect and serve on their own tasks.
    await asyncio.Event().wait()


def _needs_person(commands: Sequence[CommandSpec]) -> set[str]:
    """Commands worth asking Slack who the caller is: admin ones (is the caller an
    admin?) and /join (their name and time zone are stored)."""
    wanted = [spec for spec in commands if spec.permission is Permission.ADMIN]
    wanted += [spec for spec in commands if spec.name == "join"]
    return {name for spec in wanted for name in (spec.name, *spec.aliases)}


async def _welcome(
    adapter: SlackAdapter, dispatcher: Dispatcher, installation: Installation
) -> None:
    """A new (or renewed) install: its token replaces any kept one, and the installer
    hears from the bot what to do next."""
    team = installation.team_id or ""
    adapter.clients.forget(team)
    reply = adapter.spelled(await dispatcher.workspace_joined(Platform.SLACK, team))
    if not installation.user_id:
        return
    await adapter.send(f"dm:{installation.user_id}", reply, team)


async def check_stored_tokens(adapter: SlackAdapter) -> None:
    """One clear line when PATHBOT_SECRET_KEY does not open the stored tokens (a key
    changed without keeping the old one), before any send finds out."""
    store = adapter.installations
    if store is None:
        return
    try:
        await store.check_key()
    except SecretKeyError as error:
        raise Fatal(f"Slack installations: {error}") from None


def _adapter(settings: Settings, core: Core, dispatcher: Dispatcher) -> SlackAdapter:
    """One SLACK_BOT_TOKEN, or (SLACK_CLIENT_ID) each installed workspace's own token."""
    installed: list[SlackAdapter] = []
    welcoming: set[asyncio.Future[None]] = set()

    async def welcome(installation: Installation) -> None:
        try:
            await _welcome(installed[0], dispatcher, installation)
        except Exception as error:  # the install worked: a welcome is never its failure
            log.warning("slack: could not welcome the installer: %s", reason(error))

    async def on_install(installation: Installation) -> None:
        # Beside the install page, not before it: the page does not wait on Slack.
        task = asyncio.ensure_future(welcome(installation))
        welcoming.add(task)
        task.add_done_callback(welcoming.discard)

    names = [name for spec in dispatcher.commands() for name in (spec.name, *spec.aliases)]
    adapter = build_adapter(
        settings,
        dispatcher,
        core.clock,
        command_names=names,
        dm_store=DmChannels(core.sessions, Platform.SLACK.value, core.clock),
        people=KnownPeople(core.sessions, Platform.SLACK.value),
        needs_person=_needs_person(dispatcher.commands()),
        oauth=oauth_settings(settings, core.sessions, core.clock, on_install)
        if settings.slack_installs
        else None,
    )
    installed.append(adapter)
    return adapter


@asynccontextmanager
async def open_platform(settings: Settings, core: Core) -> AsyncIterator[PlatformSession]:
    """Slack on this core: its outbox sender, `serve` (until cancelled), and the routes
    for `pathbot run`'s HTTP server (events in HTTP mode, the install with OAuth)."""
    if not settings.slack_installs and not _secret(settings.slack_bot_token):
        raise Fatal("SLACK_BOT_TOKEN is not set (or SLACK_CLIENT_ID, to install into many)")
    dispatcher = Dispatcher(core)
    adapter = _adapter(settings, core, dispatcher)
    app_token = _app_token_or_http(settings)
    if not settings.slack_installs:
        await check_token(adapter)  # with OAuth each workspace's token is checked as used
    else:
        await check_stored_tokens(adapter)
    sender = SlackSender(adapter)
    server = adapter.app.server(path=EVENTS_PATH)
    routes: dict[Route, Handler] = {}
    if settings.slack_installs:
        routes[("GET", INSTALL_PATH)] = server.handle_get_requests
        routes[("GET", REDIRECT_PATH)] = server.handle_get_requests
        log.info("pathbot installs into Slack workspaces at %s", INSTALL_PATH)
    if not app_token:
        log.info("pathbot is on Slack over HTTP: events at %s on the HTTP server", EVENTS_PATH)
        routes[("POST", EVENTS_PATH)] = server.handle_post_requests

        async def listening_http() -> tuple[bool, str]:
            return True, f"HTTP events at {EVENTS_PATH}"

        yield PlatformSession("slack", sender, _forever, ready=listening_http, http_routes=routes)
        return
    async with socket_mode(adapter, app_token) as handler:
        log.info("pathbot is on Slack over Socket Mode")

        async def connected() -> tuple[bool, str]:
            up = bool(await handler.client.is_connected())
            return up, "Socket Mode connected" if up else "Socket Mode reconnecting"

        yield PlatformSession("slack", sender, _forever, ready=connected, http_routes=routes)


def http_routes(settings: Settings) -> list[Route]:
    """The routes Slack needs on `pathbot run`'s HTTP server: its events (not in Socket
    Mode) and, to install into many workspaces, the OAuth install and redirect."""
    routes: list[Route] = [] if _secret(settings.slack_app_token) else [("POST", EVENTS_PATH)]
    if settings.slack_installs:
        routes += [("GET", INSTALL_PATH), ("GET", REDIRECT_PATH)]
    return routes


async def run(settings: Settings) -> None:
    """`pathbot run`'s entry point for Slack (with Discord too, when both are configured)."""
    await run_platform(settings, "slack")
