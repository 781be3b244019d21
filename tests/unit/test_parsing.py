"""Example tables for every form the parsers accept or refuse."""

from __future__ import annotations

from datetime import date, time

import pytest

from bot.commands.parsing import (
    ParseError,
    parse_date,
    parse_duration,
    parse_time_of_day,
    tokenize,
)
from bot.commands.timezones import parse_timezone, suggest_timezones


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("1.5", 90),
        ("2", 120),
        ("90m", 90),
        ("90 min", 90),
        ("90 minutes", 90),
        ("1h", 60),
        ("1h30", 90),
        ("1h30m", 90),
        ("1h 30m", 90),
        ("1:30", 90),
        ("2 hours", 120),
        ("1.5h", 90),
        ("1 hour 30 minutes", 90),
        ("1 hour and 30 minutes", 90),
        ("45m", 45),
        ("  45M  ", 45),
        ("1H30M", 90),
        ("0:45", 45),
        ("0.25", 15),
        (".5", 30),
        ("1.1", 66),
        ("2 hrs", 120),
        ("1 hr 5 mins", 65),
        ("17h", 17 * 60),  # no upper bound here: the services own "over 16 h"
        ("10000", 600_000),
    ],
)
def test_parse_duration_accepts(text: str, minutes: int) -> None:
    assert parse_duration(text) == minutes


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "0",
        "0m",
        "0h",
        "0:00",
        "-1",
        "-30m",
        "nan",
        "inf",
        "1e3",
        "1x",
        "abc",
        "1:75",
        "1:5",
        "1h75",
        "1h 60m",
        "h",
        "m",
        "30 seconds",
        "1.2.3",
        "10001",
        "9" * 400,
        "1" * 41 + "m",
    ],
)
def test_parse_duration_rejects(text: str) -> None:
    with pytest.raises(ParseError):
        parse_duration(text)


def test_parse_duration_error_is_one_friendly_line() -> None:
    with pytest.raises(ParseError) as info:
        parse_duration("1x")
    assert str(info.value) == (
        "I couldn't read “1x” as a duration — try 1.5, 90m, 1h30, 1:30 or 2 hours"
    )
    assert "\n" not in str(info.value)


def test_parse_duration_zero_says_why() -> None:
    with pytest.raises(ParseError, match="at least a minute"):
        parse_duration("0:00")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("08:00", time(8, 0)),
        ("8:00", time(8, 0)),
        ("8", time(8, 0)),
        ("8am", time(8, 0)),
        ("8 AM", time(8, 0)),
        ("8:30pm", time(20, 30)),
        ("8:30 p.m.", time(20, 30)),
        ("20:30", time(20, 30)),
        ("12am", time(0, 0)),
        ("12pm", time(12, 0)),
        ("12:15am", time(0, 15)),
        ("0:00", time(0, 0)),
        ("23:59", time(23, 59)),
        ("8.30", time(8, 30)),
        ("20h30", time(20, 30)),
        ("20h", time(20, 0)),
        ("noon", time(12, 0)),
        ("midnight", time(0, 0)),
    ],
)
def test_parse_time_of_day_accepts(text: str, expected: time) -> None:
    assert parse_time_of_day(text) == expected


@pytest.mark.parametrize(
    "text",
    ["25:00", "24:00", "12:60", "13pm", "0am", "garbage", "", "8:5", "8:300", "-1", "8.5", "1h30m"],
)
def test_parse_time_of_day_rejects(text: str) -> None:
    with pytest.raises(ParseError):
        parse_time_of_day(text)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Europe/Berlin", "Europe/Berlin"),
        ("europe/berlin", "Europe/Berlin"),
        ("  UTC ", "UTC"),
        ("utc", "UTC"),
        ("america/new york", "America/New_York"),
        ("Asia/Kolkata", "Asia/Kolkata"),
    ],
)
def test_parse_timezone_accepts(text: str, key: str) -> None:
    assert parse_timezone(text).key == key


@pytest.mark.parametrize(
    ("text", "suggestion"),
    [
        ("Europe/Berln", "Europe/Berlin"),
        ("berlin", "Europe/Berlin"),
        ("America/NewYork", "America/New_York"),
        ("PST", "America/Los_Angeles"),
        ("ist", "Asia/Kolkata (or Europe/Dublin, Asia/Jerusalem)"),
        ("AEST", "Australia/Sydney"),
        ("Asia/Kolkatta", "Asia/Kolkata"),
    ],
)
def test_parse_timezone_suggests(text: str, suggestion: str) -> None:
    with pytest.raises(ParseError) as info:
        parse_timezone(text)
    assert f"did you mean {suggestion}?" in str(info.value)


@pytest.mark.parametrize("text", ["", "Mars/Olympus_Mons_Base", "../../etc/passwd", "x" * 500])
def test_parse_timezone_rejects_without_traceback(text: str) -> None:
    with pytest.raises(ParseError):
        parse_timezone(text)


@pytest.mark.parametrize("text", ["GMT+2", "UTC+5:30", "+02:00", "utc -7"])
def test_parse_timezone_asks_for_a_place_instead_of_an_offset(text: str) -> None:
    with pytest.raises(ParseError, match="give a place instead of an offset"):
        parse_timezone(text)


@pytest.mark.parametrize("text", ["IST", "CEST", "xyz"])
def test_parse_timezone_never_suggests_a_reversed_etc_offset(text: str) -> None:
    with pytest.raises(ParseError) as info:
        parse_timezone(text)
    assert "Etc/" not in str(info.value)
    assert "did you mean EST" not in str(info.value)


@pytest.mark.parametrize(
    ("typed", "first"),
    [
        ("", "UTC"),
        ("kolk", "Asia/Kolkata"),
        ("ber", "Europe/Berlin"),
        ("new york", "America/New_York"),
        ("PST", "America/Los_Angeles"),
        ("Europe/Berln", "Europe/Berlin"),
        ("utc", "UTC"),
    ],
)
def test_suggest_timezones(typed: str, first: str) -> None:
    suggestions = suggest_timezones(typed)
    assert suggestions[0] == first
    assert len(suggestions) == len(set(suggestions)) <= 25
    for zone in suggestions:
        assert parse_timezone(zone).key == zone  # every suggestion is accepted as is


def test_suggest_timezones_may_find_nothing() -> None:
    assert suggest_timezones("qqqqqqqq") == []


TODAY = date(2027, 3, 10)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2027-01-04", date(2027, 1, 4)),
        ("2027-1-4", date(2027, 1, 4)),
        ("today", TODAY),
        ("Today", TODAY),
        ("yesterday", date(2027, 3, 9)),
        ("2028-02-29", date(2028, 2, 29)),
    ],
)
def test_parse_date_accepts(text: str, expected: date) -> None:
    assert parse_date(text, TODAY) == expected


def test_parse_date_names_the_missing_day() -> None:
    with pytest.raises(ParseError) as info:
        parse_date("2027-02-30", TODAY)
    assert str(info.value) == "February 2027 has no day 30"


@pytest.mark.parametrize(
    "text", ["", "garbage", "2027-13-01", "2027-00-10", "2027-02-29", "0000-01-01", "04/01/2027"]
)
def test_parse_date_rejects(text: str) -> None:
    with pytest.raises(ParseError):
        parse_date(text, TODAY)


@pytest.mark.parametrize(
    ("line", "tokens"),
    [
        ("", []),
        ("log 1h", ["log", "1h"]),
        ('log 1h "deep dive"', ["log", "1h", "deep dive"]),
        ("log 1h 'deep dive'", ["log", "1h", "deep dive"]),
        ("/log 1h read Alammar's post", ["/log", "1h", "read", "Alammar's", "post"]),
        (
            "read Alammar's and Karpathy's posts",
            ["read", "Alammar's", "and", "Karpathy's", "posts"],
        ),
        ("the students' notes", ["the", "students'", "notes"]),
        ("'cause I can", ["'cause", "I", "can"]),
        ("log “smart quotes” too", ["log", "smart quotes", "too"]),
        ("log 1h read Alammar’s post", ["log", "1h", "read", "Alammar's", "post"]),
        ('note "Alammar\'s post"', ["note", "Alammar's post"]),
        ("ask about C# and #rag", ["ask", "about", "C#", "and", "#rag"]),
    ],
)
def test_tokenize(line: str, tokens: list[str]) -> None:
    assert tokenize(line) == tokens


@pytest.mark.parametrize("line", ['log 1h "unclosed', 'note "half', "note 'a \"b"])
def test_tokenize_unclosed_quote_is_friendly(line: str) -> None:
    with pytest.raises(ParseError, match="unclosed"):
        tokenize(line)
