"""`pathbot run`'s HTTP server: /healthz, /readyz and /metrics (and Slack's events).

- `GET /healthz`: the process is up (200 while the event loop answers at all).
- `GET /readyz`: every part that must work is working: the database (reachable, at
  the migrations' head), each platform's connection, the scheduler (leader or
  follower), the /ask index (loaded or still loading). 503 names what is failing.
- `GET /metrics`: `bot.metrics.Metrics` in Prometheus's text format.

Where Slack's HTTP events are served, this is the same aiohttp application, so a
deployment opens one port.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST

from bot.errors import Fatal
from bot.metrics import Metrics

log = logging.getLogger(__name__)

#: An aiohttp request handler.
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
#: A part of readiness: (working?, a short description).
Probe = Callable[[], Awaitable[tuple[bool, str]]]
#: A probe slower than this counts as failing: /readyz must answer a health checker fast.
PROBE_TIMEOUT_S = 2.0


@dataclass(frozen=True, slots=True)
class PartReport:
    name: str
    ok: bool
    detail: str


class Readiness:
    """Named probes; `/readyz` runs them all at once."""

    def __init__(self) -> None:
        self._probes: dict[str, Probe] = {}

    def add(self, name: str, probe: Probe) -> None:
        self._probes[name] = probe

    async def check(self) -> list[PartReport]:
        names = list(self._probes)
        results = await asyncio.gather(*(self._run(name) for name in names))
        return list(results)

    async def _run(self, name: str) -> PartReport:
        try:
            async with asyncio.timeout(PROBE_TIMEOUT_S):
                ok, detail = await self._probes[name]()
        except TimeoutError:
            return PartReport(name, False, f"no answer within {PROBE_TIMEOUT_S:.0f} s")
        except Exception as error:  # a probe that breaks is a part that fails
            first = str(error).splitlines()[0] if str(error) else type(error).__name__
            return PartReport(name, False, first)
        return PartReport(name, ok, detail)


class LateRoute:
    """A route registered before the server starts, handled once its platform is open.

    Until then it answers 503, which Slack treats as "try again later".
    """

    def __init__(self) -> None:
        self.handler: Handler | None = None

    async def handle(self, request: web.Request) -> web.StreamResponse:
        if self.handler is None:
            return web.json_response({"error": "starting"}, status=503)
        return await self.handler(request)


def add_routes(app: web.Application, metrics: Metrics, readiness: Readiness) -> None:
    async def healthz(_: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    async def readyz(_: web.Request) -> web.Response:
        parts = await readiness.check()
        ready = all(part.ok for part in parts)
        body = {
            "status": "ready" if ready else "not ready",
            "failing": [part.name for part in parts if not part.ok],
            "parts": {part.name: {"ok": part.ok, "detail": part.detail} for part in parts},
        }
        return web.Response(
            text=json.dumps(body, ensure_ascii=False),
            status=200 if ready else 503,
            content_type="application/json",
        )

    async def metrics_page(_: web.Request) -> web.Response:
        body = await metrics.render()
        response = web.Response(body=body)
        # Prometheus's content type carries a version parameter aiohttp won't take apart.
        response.headers["Content-Type"] = CONTENT_TYPE_LATEST
        return response

    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics_page)


@asynccontextmanager
async def serving_http(app: web.Application, host: str, port: int) -> AsyncIterator[str]:
    """Serve `app`; yields the base URL actually bound (port 0 picks a free one)."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    try:
        await site.start()
    except OSError as error:
        await runner.cleanup()
        raise Fatal(
            f"can't listen on {host}:{port} for HTTP ({error.strerror}): "
            "set PATHBOT_HTTP_PORT to a free port"
        ) from None
    try:
        bound = runner.addresses[0]
        yield f"http://{bound[0]}:{bound[1]}"
    finally:
        await runner.cleanup()
