"""A circuit breaker on the injected clock: stop calling a failing LLM for a while.

closed --(N consecutive failures)--> open --(cool-down elapsed)--> half-open
half-open lets one trial call through: success closes the breaker, failure re-opens it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from bot.clock import Clock


class BreakerState(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half-open"


class CircuitBreaker:
    def __init__(
        self,
        clock: Clock,
        *,
        failure_threshold: int = 3,
        cooldown: timedelta = timedelta(seconds=60),
    ) -> None:
        if failure_threshold < 1:
            raise ValueError("failure_threshold must be at least 1")
        self._clock = clock
        self._threshold = failure_threshold
        self._cooldown = cooldown
        self._failures = 0
        self._opened_at: datetime | None = None
        self._trial_running = False
        #: Every failure ever recorded (for the pathbot_llm_errors metric).
        self.total_failures = 0

    @property
    def state(self) -> BreakerState:
        if self._opened_at is None:
            return BreakerState.CLOSED
        if self._clock.now() - self._opened_at >= self._cooldown:
            return BreakerState.HALF_OPEN
        return BreakerState.OPEN

    def allow(self) -> bool:
        """Whether a call may go ahead now; in half-open, only one trial at a time."""
        state = self.state
        if state is BreakerState.CLOSED:
            return True
        if state is BreakerState.HALF_OPEN and not self._trial_running:
            self._trial_running = True
            return True
        return False

    def record_success(self) -> None:
        self._failures = 0
        self._opened_at = None
        self._trial_running = False

    def record_failure(self) -> None:
        self.total_failures += 1
        self._trial_running = False
        if self._opened_at is not None:
            # A failed half-open trial: start a fresh cool-down.
            self._opened_at = self._clock.now()
            return
        self._failures += 1
        if self._failures >= self._threshold:
            self._opened_at = self._clock.now()
