"""One policy for what people type: whole durations or none, one value per option,
digits of any script, a decimal comma."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.commands.arguments import parse_args
from bot.commands.catalog import build_table
from bot.commands.parsing import ParseError, ascii_digits, parse_duration, tokenize

TODAY = date(2027, 1, 6)
TABLE = build_table()


def _log(line: str) -> dict[str, object]:
    spec = TABLE.find("log")
    assert spec is not None
    return parse_args(spec, tokenize(line), TODAY, line).values


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ("2 hours 99 minutes", "minutes after hours go up to 59"),
        ("2h 75 mins of reading", "minutes after hours go up to 59"),
        ("1 fortnight", "not “1 fortnight”"),
        ("2 days of reading", "not “2 days”"),
        ("30 seconds", "not “30 seconds”"),
        ("1h 2 weeks", "not “1h 2 weeks”"),
        ("1h --date today --date yesterday", "--date is given twice"),
        ("1h --date=today --date yesterday", "--date is given twice"),
    ],
)
def test_never_stores_part_of_what_was_typed(line: str, says: str) -> None:
    with pytest.raises(ParseError, match=says):
        _log(line)


@pytest.mark.parametrize(
    ("line", "minutes", "note"),
    [
        ("2 hours 30 minutes", 150, None),
        ("1 hour and 30 minutes read the paper", 90, "read the paper"),
        ("1h 30 pages", 60, "30 pages"),  # "pages" is no time unit: a note
        ("1h30 studied day 3", 90, "studied day 3"),  # a unit further on is prose
        ("1,5h", 90, None),
        ("1,5", 90, None),
        ("0,25h tidy notes", 15, "tidy notes"),
        ("٣h", 180, None),  # Arabic-Indic digits
        ("１h３０", 90, None),  # fullwidth digits
        ("٤٥m", 45, None),
    ],
)
def test_whole_durations_in_any_script_and_with_a_decimal_comma(
    line: str, minutes: int, note: str | None
) -> None:
    values = _log(line)
    assert values["duration"] == minutes
    assert values.get("note") == note


def test_the_same_digits_are_numbers_for_every_command() -> None:
    week = TABLE.find("week")
    freezes = TABLE.find("freezes")
    assert week is not None
    assert freezes is not None
    assert parse_args(week, ["٣"], TODAY).values == {"week": 3}
    assert parse_args(freezes, ["٢"], TODAY).values == {"count": 2}
    join = TABLE.find("join")
    assert join is not None
    values = parse_args(join, ["٢٠٢٧-٠١-٠٤", "٨:٣٠"], TODAY).values
    assert values == {"start": date(2027, 1, 4), "reminder": values["reminder"]}
    assert str(values["reminder"]) == "08:30:00"


@settings(max_examples=200, deadline=None)
@given(
    st.integers(min_value=1, max_value=999),
    st.sampled_from(["0", "٠", "۰", "०", "０", "০", "๐"]),  # zeros of seven scripts
)
def test_any_scripts_digits_read_as_their_ascii_value(number: int, zero: str) -> None:
    shifted = "".join(chr(ord(zero) + int(digit)) for digit in str(number))
    assert ascii_digits(shifted) == str(number)
    assert parse_duration(f"{shifted}m") == parse_duration(f"{number}m") == number


def _set_channel(line: str) -> dict[str, object]:
    spec = TABLE.find("set-channel")
    assert spec is not None
    return parse_args(spec, tokenize(line), TODAY, line).values


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("<#800000000000000020>", "800000000000000020"),  # Discord, picked from the list
        ("<#C0123ABCD|study-plan>", "C0123ABCD"),  # Slack, #study-plan escaped
        ("<#C0123ABCD>", "C0123ABCD"),
        ("800000000000000020", "800000000000000020"),  # an id, pasted
        ("C0123456", "C0123456"),
    ],
)
def test_a_channel_is_stored_by_its_id(typed: str, stored: str) -> None:
    assert _set_channel(f"daily {typed}")["channel"] == stored


@pytest.mark.parametrize("typed", ["general", "#study-plan", "study-plan", "#general", "<@123>"])
def test_a_channel_name_is_refused_with_how_to_pick_one(typed: str) -> None:
    # Stored as typed, a name broke the daily post at delivery, with no one told.
    with pytest.raises(ParseError, match="type # and pick it"):
        _set_channel(f"daily {typed}")
