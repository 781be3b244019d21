"""What `GET /metrics` shows, in Prometheus's format (prometheus-client).

One `Metrics` per process, handed down in the `Core` (never a module-level
registry: tests build as many as they like). Callers record plain facts; gauges
that describe the database (the outbox's depth) or another object (the LLM's
breaker) are refreshed by the callbacks given to `on_scrape`, just before a scrape.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

#: Seconds: commands answer in milliseconds, a slow /ask in seconds.
_COMMAND_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
#: Seconds from due to sent: a healthy reminder goes out within a minute.
_LAG_BUCKETS = (1, 5, 15, 30, 60, 120, 300, 900, 3600, 4 * 3600)

Refresh = Callable[["Metrics"], Awaitable[None]]


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.commands = Counter(
            "pathbot_commands",
            "Commands answered, by name and outcome.",
            ["command", "outcome"],
            registry=r,
        )
        self.command_seconds = Histogram(
            "pathbot_command_seconds",
            "Time to answer a command.",
            ["command"],
            buckets=_COMMAND_BUCKETS,
            registry=r,
        )
        self.outbox = Gauge(
            "pathbot_outbox_messages", "Outbox rows by state.", ["state"], registry=r
        )
        self.deliveries = Counter(
            "pathbot_deliveries",
            "Delivery attempts by platform, kind and outcome.",
            ["platform", "kind", "outcome"],
            registry=r,
        )
        self.delivery_lag = Histogram(
            "pathbot_delivery_lag_seconds",
            "Seconds from a message's due time to its sending, by kind.",
            ["kind"],
            buckets=_LAG_BUCKETS,
            registry=r,
        )
        self.ask_seconds = Histogram(
            "pathbot_ask_seconds",
            "Time to answer /ask, by mode (extractive, llm or failed).",
            ["mode"],
            buckets=_COMMAND_BUCKETS,
            registry=r,
        )
        self.llm_errors = Counter(
            "pathbot_llm_errors", "LLM calls that failed (the answer fell back).", registry=r
        )
        self.llm_breaker_open = Gauge(
            "pathbot_llm_breaker_open",
            "1 while the LLM circuit breaker is open (not calling the LLM), else 0.",
            registry=r,
        )
        self._refreshers: list[Refresh] = []

    def on_scrape(self, refresh: Refresh) -> None:
        self._refreshers.append(refresh)

    async def render(self) -> bytes:
        for refresh in self._refreshers:
            await refresh(self)
        return generate_latest(self.registry)
