"""The parts `/readyz` asks about, and the gauges `/metrics` refreshes before a scrape."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.metrics import Metrics
from bot.scheduling.outbox import status_counts
from bot.scheduling.runner import Scheduling
from bot.services.context import Core
from bot.storage import migrate

log = logging.getLogger(__name__)


async def database_ready(engine: AsyncEngine) -> tuple[bool, str]:
    """Reachable, and at the migrations' head (one small query)."""
    current = await migrate.current_revision(engine)
    head = migrate.head_revision()
    if current != head:
        return False, f"at {current or 'no revision'}, needs {head}: run `pathbot db upgrade`"
    return True, f"{engine.dialect.name} at {head}"


async def scheduler_role(state: Scheduling) -> tuple[bool, str]:
    # Leader or follower are both fine: a follower takes over when the leader goes.
    return True, "leader" if state.leader.held else "follower"


async def deliveries_flowing(state: Scheduling) -> tuple[bool, str]:
    """Failing while a platform refuses the bot's token: its messages wait, pending."""
    paused = state.worker.paused
    if paused:
        return False, "; ".join(f"{name} paused: {why}" for name, why in sorted(paused.items()))
    return True, "flowing"


async def outbox_depth(core: Core, metrics: Metrics) -> None:
    async with core.sessions() as db:
        counts = await status_counts(db)
    for state, count in counts.items():
        metrics.outbox.labels(state).set(count)


class IndexState:
    """The /ask index's warm-up, as `/readyz` reports it: loading, ready or failed."""

    def __init__(self) -> None:
        self.state = "loading"
        self.detail = "loading"

    async def track(self, warm_up: Callable[[], Awaitable[object]]) -> None:
        report = await warm_up()
        if report is None:  # warm_up logs why, and never raises
            self.state, self.detail = "failed", "could not load or build it (see the log)"
            return
        documents = getattr(report, "documents", None)
        self.state = "ready"
        self.detail = f"ready, {documents} documents" if documents is not None else "ready"

    async def probe(self) -> tuple[bool, str]:
        return self.state != "failed", self.detail


class _Breaker(Protocol):
    @property
    def state(self) -> object: ...

    total_failures: int


class LlmGauges:
    """Copies an LLM circuit breaker's state and failures into the metrics at scrape."""

    def __init__(self, breaker: _Breaker) -> None:
        self._breaker = breaker
        self._counted = 0

    async def __call__(self, metrics: Metrics) -> None:
        metrics.llm_breaker_open.set(1 if str(self._breaker.state) == "open" else 0)
        new = self._breaker.total_failures - self._counted
        if new > 0:
            metrics.llm_errors.inc(new)
            self._counted += new
