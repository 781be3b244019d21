from __future__ import annotations

import pytest

from bot.scheduling.ratelimit import TokenBucket


class FakeTime:
    """Monotonic time that only moves when something sleeps."""

    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def bucket(time: FakeTime, rate: float, burst: float = 1.0) -> TokenBucket:
    return TokenBucket(rate, burst, monotonic=time.monotonic, sleep=time.sleep)


async def test_requests_are_spaced_at_the_rate() -> None:
    time = FakeTime()
    limiter = bucket(time, rate=50)
    for _ in range(101):
        await limiter.acquire()
    # The first token is there at once; the next 100 take exactly 2 s at 50/s.
    assert time.now - 100.0 == pytest.approx(2.0)


async def test_burst_is_spent_first_then_the_rate_applies() -> None:
    time = FakeTime()
    limiter = bucket(time, rate=10, burst=5)
    for _ in range(5):
        await limiter.acquire()
    assert time.now == 100.0
    await limiter.acquire()
    assert time.now == pytest.approx(100.1)


async def test_no_sliding_window_of_one_second_ever_exceeds_the_rate_plus_one() -> None:
    time = FakeTime()
    limiter = bucket(time, rate=20)
    stamps: list[float] = []
    for _ in range(200):
        await limiter.acquire()
        stamps.append(time.now)
        time.now += 0.013  # work between requests
    for i, start in enumerate(stamps):
        in_window = sum(1 for stamp in stamps[i:] if stamp < start + 1.0)
        assert in_window <= 21


async def test_retry_after_blocks_every_caller_until_it_has_passed() -> None:
    time = FakeTime()
    limiter = bucket(time, rate=100)
    await limiter.acquire()
    limiter.block_for(1.5)
    await limiter.acquire()
    assert time.now >= 101.5


def test_bad_settings_are_refused() -> None:
    with pytest.raises(ValueError, match="rate"):
        TokenBucket(0)
    with pytest.raises(ValueError, match="burst"):
        TokenBucket(1, burst=0.5)
