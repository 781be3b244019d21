"""A token bucket per platform, so the worker stays under the platform's limit.

Staying under the limit beats bouncing off it: every 429 costs a wasted
request and, on Discord, counts toward a temporary ban.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

Sleep = Callable[[float], Awaitable[None]]
Monotonic = Callable[[], float]


def loop_time() -> float:
    """The running event loop's monotonic clock (not the wall clock)."""
    return asyncio.get_running_loop().time()


class TokenBucket:
    """`rate` tokens a second, at most `burst` saved up.

    A burst of 1 means requests are evenly spaced, which is what keeps a
    sliding-window limit (Discord's global 50 requests/s) from ever tripping.
    """

    def __init__(
        self,
        rate: float,
        burst: float = 1.0,
        *,
        monotonic: Monotonic = loop_time,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        if burst < 1:
            raise ValueError("burst must be at least 1")
        self.rate = rate
        self.burst = burst
        self._monotonic = monotonic
        self._sleep = sleep
        self._tokens = burst
        self._updated: float | None = None
        self._blocked_until = 0.0
        self._lock = asyncio.Lock()

    async def acquire(self) -> None:
        """Wait (through the injected sleep) until a request may go out, then take its token."""
        async with self._lock:
            while True:
                now = self._monotonic()
                self._refill(now)
                if now < self._blocked_until:
                    await self._sleep(self._blocked_until - now)
                    continue
                # The epsilon stops float residue from asking for a sleep too short to move time.
                if self._tokens >= 1 - 1e-9:
                    self._tokens = max(self._tokens - 1, 0.0)
                    return
                await self._sleep((1 - self._tokens) / self.rate)

    def blocked_s(self) -> float:
        """Seconds until `block_for`'s wait has passed (0 when not blocked)."""
        return max(self._blocked_until - self._monotonic(), 0.0)

    def block_for(self, seconds: float) -> None:
        """Honour a 429's Retry-After: no token for anyone until it has passed."""
        now = self._monotonic()
        self._refill(now)
        self._blocked_until = max(self._blocked_until, now + max(seconds, 0.0))
        # A fresh window after the wait: don't spend saved-up tokens at once.
        self._tokens = min(self._tokens, 1.0)

    def _refill(self, now: float) -> None:
        if self._updated is not None:
            self._tokens = min(self.burst, self._tokens + (now - self._updated) * self.rate)
        self._updated = now


class KeyedPacer:
    """At most one request per `interval_s` for each key (Slack: one message a second
    to a given channel, on top of the app's overall budget)."""

    def __init__(
        self,
        interval_s: float,
        *,
        monotonic: Monotonic = loop_time,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.interval_s = interval_s
        self._monotonic = monotonic
        self._sleep = sleep
        self._next: dict[str, float] = {}

    async def wait(self, key: str) -> None:
        now = self._monotonic()
        # Book the slot before sleeping, so concurrent callers line up one interval apart.
        slot = max(now, self._next.get(key, now))
        self._next[key] = slot + self.interval_s
        if slot > now:
            await self._sleep(slot - now)
