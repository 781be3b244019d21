"""Property tests: canonical forms round-trip, out-of-range clocks never pass."""

from __future__ import annotations

import contextlib
from datetime import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.commands.parsing import ParseError, parse_duration, parse_time_of_day, tokenize

hours = st.integers(min_value=0, max_value=200)
minutes = st.integers(min_value=0, max_value=59)


@settings(max_examples=200, deadline=None)
@given(hours, minutes)
def test_canonical_duration_forms_round_trip(h: int, m: int) -> None:
    total = h * 60 + m
    forms = [
        f"{h}h{m}",
        f"{h}:{m:02}",
        f"{total}m",
        f"{total / 60}",
        f"{h}h {m}m",
        f"{h} hours {m} minutes",
        f"{total} min",
    ]
    for form in forms:
        if total == 0:
            with pytest.raises(ParseError):
                parse_duration(form)
        else:
            assert parse_duration(form) == total, form


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=23), minutes)
def test_time_of_day_round_trips(h: int, m: int) -> None:
    assert parse_time_of_day(f"{h:02}:{m:02}") == time(h, m)
    assert parse_time_of_day(f"{h}:{m:02}") == time(h, m)
    meridiem = "am" if h < 12 else "pm"
    assert parse_time_of_day(f"{(h % 12) or 12}:{m:02}{meridiem}") == time(h, m)


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=24, max_value=99), minutes)
def test_time_of_day_rejects_hours_past_23(h: int, m: int) -> None:
    with pytest.raises(ParseError):
        parse_time_of_day(f"{h}:{m:02}")


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=23), st.integers(min_value=60, max_value=999))
def test_time_of_day_rejects_minutes_past_59(h: int, m: int) -> None:
    with pytest.raises(ParseError):
        parse_time_of_day(f"{h}:{m:02}")


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=30))
def test_parsers_only_ever_raise_parse_error(text: str) -> None:
    for parser in (parse_duration, parse_time_of_day):
        with contextlib.suppress(ParseError):
            parser(text)


plain_words = st.lists(
    st.text(
        alphabet=st.characters(
            exclude_categories=("Cs", "Zs", "Zl", "Zp", "Cc"),
            exclude_characters="\"'“”„‘’\\",
        ),
        min_size=1,
        max_size=12,
    ),
    max_size=8,
)


@settings(max_examples=200, deadline=None)
@given(plain_words)
def test_tokenize_splits_plain_words_on_spaces(words: list[str]) -> None:
    assert tokenize(" ".join(words)) == words


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_tokenize_only_ever_raises_parse_error(line: str) -> None:
    with contextlib.suppress(ParseError):
        assert isinstance(tokenize(line), list)
