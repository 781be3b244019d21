"""The circuit breaker walks closed -> open -> half-open on the injected clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.clock import FakeClock
from bot.rag.breaker import BreakerState, CircuitBreaker


def state_of(breaker: CircuitBreaker) -> BreakerState:
    # A call, so mypy does not carry a narrowed state across clock moves.
    return breaker.state


def make() -> tuple[CircuitBreaker, FakeClock]:
    clock = FakeClock(datetime(2026, 1, 5, 9, 0, tzinfo=UTC))
    return CircuitBreaker(clock, failure_threshold=3, cooldown=timedelta(seconds=30)), clock


def test_opens_after_consecutive_failures_only() -> None:
    breaker, _ = make()
    breaker.record_failure()
    breaker.record_failure()
    breaker.record_success()  # resets the count
    breaker.record_failure()
    breaker.record_failure()
    assert state_of(breaker) is BreakerState.CLOSED
    assert breaker.allow()
    breaker.record_failure()
    assert state_of(breaker) is BreakerState.OPEN
    assert not breaker.allow()


def test_half_open_after_cooldown_lets_one_trial_through() -> None:
    breaker, clock = make()
    for _ in range(3):
        breaker.record_failure()
    clock.advance(timedelta(seconds=29))
    assert not breaker.allow()
    clock.advance(timedelta(seconds=1))
    assert state_of(breaker) is BreakerState.HALF_OPEN
    assert breaker.allow()
    assert not breaker.allow()  # only one trial at a time
    breaker.record_success()
    assert state_of(breaker) is BreakerState.CLOSED
    assert breaker.allow()


def test_failed_trial_reopens_for_a_fresh_cooldown() -> None:
    breaker, clock = make()
    for _ in range(3):
        breaker.record_failure()
    clock.advance(timedelta(seconds=30))
    assert breaker.allow()
    breaker.record_failure()
    assert state_of(breaker) is BreakerState.OPEN
    clock.advance(timedelta(seconds=29))
    assert not breaker.allow()
    clock.advance(timedelta(seconds=1))
    assert breaker.allow()


def test_threshold_must_be_positive() -> None:
    clock = FakeClock(datetime(2026, 1, 5, tzinfo=UTC))
    with pytest.raises(ValueError, match="at least 1"):
        CircuitBreaker(clock, failure_threshold=0)
