from datetime import UTC, datetime, timedelta, timezone

import pytest

from bot.clock import FakeClock, SystemClock


def test_system_clock_is_aware_utc() -> None:
    now = SystemClock().now()
    assert now.tzinfo is UTC


def test_fake_clock_moves_only_when_told() -> None:
    start = datetime(2027, 1, 4, 8, 30, tzinfo=timezone(timedelta(hours=1)))
    clock = FakeClock(start)
    assert clock.now() == start
    assert clock.now().tzinfo is UTC
    assert clock.now() == clock.now()
    clock.advance(timedelta(days=1, minutes=5))
    assert clock.now() == start + timedelta(days=1, minutes=5)
    clock.set(datetime(2027, 3, 1, tzinfo=UTC))
    assert clock.now() == datetime(2027, 3, 1, tzinfo=UTC)


def test_fake_clock_refuses_naive_datetimes() -> None:
    with pytest.raises(ValueError, match="aware"):
        FakeClock(datetime(2027, 1, 4))
