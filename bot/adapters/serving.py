"""`pathbot run` on chat platforms: one core, every configured platform, one scheduler.

Each platform runner (`bot.adapters.discord.runner`, `bot.adapters.slack.runner`)
offers `open_platform(settings, core)`, which yields a `PlatformSession`: its
outbox sender and a coroutine that serves until the platform connection ends.
:func:`serve` opens the core once, every platform on it, and the scheduler and
delivery worker (bot.scheduling) with all their senders, because on SQLite only
one scheduler may run per database.

`pathbot run` (`bot.cli.run_cmd`) calls :func:`serve` once with every platform
whose token is set. A runner's own `run(settings)` (:func:`run_platform`) serves
the same set, so calling one runner with both tokens set still runs one scheduler.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from contextlib import AsyncExitStack, contextmanager
from typing import Any

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.adapters.platforms import (
    PlatformSession,
    Route,
    configured_platforms,
    http_routes,
    opener,
)
from bot.clock import SystemClock
from bot.config import Settings
from bot.curriculum.loader import CurriculumError
from bot.dashboard.web import Dashboard
from bot.errors import Fatal, Unreachable
from bot.ops.heap import settle_heap
from bot.ops.http import LateRoute, Readiness, add_routes, serving_http
from bot.ops.readiness import (
    IndexState,
    LlmGauges,
    database_ready,
    deliveries_flowing,
    outbox_depth,
    scheduler_role,
)
from bot.scheduling.locks import AlreadyRunning
from bot.scheduling.runner import scheduling
from bot.scheduling.senders import Sender
from bot.services.context import Core
from bot.services.runtime import default_asker, open_core
from bot.storage.migrate import DatabaseNotReady

log = logging.getLogger(__name__)

#: Backoff while a platform cannot be reached at start.
RETRY_FIRST_S = 1.0
RETRY_MAX_S = 60.0


async def run_platform(settings: Settings, name: str) -> None:
    """`run(settings)` of one platform's runner: serve it, with any other configured one."""
    platforms = configured_platforms(settings)
    if name in platforms and platforms[0] != name:
        log.info("%s is served together with %s, in one process", name, platforms[0])
        return
    await serve(settings, platforms if name in platforms else [name])


async def serve(settings: Settings, platforms: Sequence[str]) -> None:
    """Serve the platforms until one of them stops (then stop the rest and return).

    SIGTERM or SIGINT stops it cleanly: no new work, in-flight deliveries finish
    (up to the scheduler's grace), the scheduler's lock is released, and it returns.
    """
    with _stopping_on_signals() as stopping:
        try:
            await _serve(settings, platforms)
        except asyncio.CancelledError:
            if not stopping.is_set():
                raise
            log.info("stopped cleanly")


@contextmanager
def _stopping_on_signals() -> Iterator[asyncio.Event]:
    loop = asyncio.get_running_loop()
    main = asyncio.current_task()
    stopping = asyncio.Event()

    def stop(name: str) -> None:
        if stopping.is_set():
            return
        stopping.set()
        log.info("%s: stopping (finishing what is in flight)", name)
        if main is not None:
            main.cancel()

    handled = []
    for signal_number in (signal.SIGTERM, signal.SIGINT):
        try:
            loop.add_signal_handler(signal_number, stop, signal_number.name)
            handled.append(signal_number)
        except (NotImplementedError, RuntimeError, ValueError):
            pass  # not the main thread (tests), or a platform without signals
    try:
        yield stopping
    finally:
        for signal_number in handled:
            loop.remove_signal_handler(signal_number)


async def _serve(settings: Settings, platforms: Sequence[str]) -> None:
    asker = default_asker(settings)
    warm_up = asker.warm_up if asker is not None and settings.ask_warm_up else None
    try:
        async with open_core(settings, SystemClock(), asker) as core:
            llm = asker.llm if asker is not None else None
            if llm is not None:
                core.metrics.on_scrape(LlmGauges(llm.breaker))
            frozen = settle_heap()
            log.info(
                "start-up heap set aside from the garbage collector: %d objects",
                frozen,
                extra={"fields": {"heap_frozen": frozen}},
            )
            await serve_core(settings, core, platforms, warm_up=warm_up)
    except CurriculumError as error:
        raise Fatal(f"the curriculum can't be loaded: {error}") from None
    except DatabaseNotReady as error:
        raise Fatal(str(error)) from None


async def serve_core(
    settings: Settings,
    core: Core,
    platforms: Sequence[str],
    *,
    warm_up: Callable[[], Awaitable[object]] | None = None,
) -> None:
    """Serve until a platform ends; `warm_up` (the /ask index) runs beside serving once
    this process holds the scheduler's lock, so a refused second process never touches
    the shared index."""
    engine = core.sessions.kw["bind"]
    assert isinstance(engine, AsyncEngine)
    readiness = Readiness()
    readiness.add("database", lambda: database_ready(engine))
    core.metrics.on_scrape(lambda metrics: outbox_depth(core, metrics))
    async with AsyncExitStack() as stack:
        # The HTTP server first: /healthz answers, and /readyz says what is still
        # connecting, while a platform that cannot be reached yet is retried.
        app = web.Application()
        add_routes(app, core.metrics, readiness)
        Dashboard(core).add_routes(app)
        late = {route: LateRoute() for name in platforms for route in http_routes(name, settings)}
        for (method, path), route in late.items():
            app.router.add_route(method, path, route.handle)
        url = await stack.enter_async_context(
            serving_http(app, settings.http_host, settings.http_port)
        )
        log.info(
            "HTTP on %s: /healthz, /readyz, /metrics%s",
            url,
            "".join(f", {path}" for _, path in late),
            extra={"fields": {"http": url}},
        )
        # Each platform is opened, retried and served on its own, so one that cannot be
        # reached does not hold up the others; its queued messages wait, pending.
        tasks: list[asyncio.Future[None]] = []
        connecting = {name: _Connecting() for name in platforms}
        for name, probe in connecting.items():
            readiness.add(name, probe.probe)
        # Registered before the scheduler so that it runs after it: the delivery loops
        # finish the rows they hold while the platforms' connections are still open.
        stack.push_async_callback(lambda: _cancel_and_wait(*tasks))
        try:
            state = await stack.enter_async_context(scheduling(core, engine, {}))
        except AlreadyRunning as error:
            raise Fatal(str(error)) from None
        readiness.add("scheduler", lambda: scheduler_role(state))
        readiness.add("deliveries", lambda: deliveries_flowing(state))
        if warm_up is not None:
            index = IndexState()
            readiness.add("ask index", index.probe)
            # Beside serving, not before it: check-ins work while the index loads.
            warming = asyncio.ensure_future(index.track(warm_up))
            stack.push_async_callback(_cancel_and_wait, warming)
        for name in platforms:
            serving = _serve_platform(name, settings, core, connecting[name], late, state.connect)
            tasks.append(asyncio.ensure_future(serving))
        # The first platform to end for good ends the process (one clear line, or a
        # clean stop); the stack then stops the scheduler, and then the other platforms.
        done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        for task in done:
            task.result()


class _Connecting:
    """A platform's readiness while it is being opened, then the session's own."""

    def __init__(self) -> None:
        self.session: PlatformSession | None = None
        self.detail = "connecting"

    async def probe(self) -> tuple[bool, str]:
        if self.session is None:
            return False, self.detail
        return await self.session.ready()


async def _serve_platform(
    name: str,
    settings: Settings,
    core: Core,
    connecting: _Connecting,
    late: Mapping[Route, LateRoute],
    connect: Callable[[str, Sender, float | None], None],
) -> None:
    """Open the platform, retrying with backoff (1 s doubling to 60 s) while it is
    unreachable, then hand its sender and HTTP routes over and serve it."""
    delay = RETRY_FIRST_S
    async with AsyncExitStack() as stack:
        while True:
            try:
                session = await stack.enter_async_context(opener(name)(settings, core))
                break
            except Unreachable as error:
                connecting.detail = f"{error}; trying again in {delay:.0f} s"
                log.warning("%s: %s; trying again in %.0f s", name, error, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, RETRY_MAX_S)
        connecting.session = session
        for route, handler in session.http_routes.items():
            late[route].handler = handler
        connect(name, session.sender, session.rate_per_s)
        log.info("serving %s", name, extra={"fields": {"platform": name}})
        await session.serve()


async def _cancel_and_wait(*tasks: asyncio.Future[Any]) -> None:
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
