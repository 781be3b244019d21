"""Counting a member's chosen days between two dates (who is slipping counts silence
only on the days they chose to work)."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from bot.services.weekdays import EVERY_DAY, WEEKDAYS, count_days


@given(
    mask=st.integers(0, EVERY_DAY),
    after=st.dates(date(2020, 1, 1), date(2030, 1, 1)),
    span=st.integers(-10, 400),
)
def test_count_days_is_the_days_counted_one_by_one(mask: int, after: date, span: int) -> None:
    through = after + timedelta(days=span)
    one_by_one = sum(
        1 for n in range(1, span + 1) if mask & (1 << (after + timedelta(days=n)).weekday())
    )
    assert count_days(mask, after, through) == one_by_one


def test_a_weekend_is_no_silence_for_a_weekday_member() -> None:
    friday, monday = date(2027, 1, 22), date(2027, 1, 25)
    assert count_days(WEEKDAYS, friday, monday) == 1  # Monday alone
    assert count_days(EVERY_DAY, friday, monday) == 3
