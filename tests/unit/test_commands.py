"""The command table: well formed, typed arguments, help generated from it."""

from __future__ import annotations

from datetime import date, time

import pytest

from bot.commands.arguments import parse_args
from bot.commands.catalog import build_table
from bot.commands.help import closest, describe, overview
from bot.commands.parsing import ParseError
from bot.commands.table import CommandSpec, CommandTable, Kind, Param, Permission
from bot.replies import Reply

TODAY = date(2027, 1, 6)


async def _noop(_: object) -> Reply:
    return Reply(title="ok")


def test_every_command_is_well_formed() -> None:
    table = build_table()
    names: set[str] = set()
    for spec in table:
        assert spec.help.strip(), spec.name
        assert spec.name == spec.name.lower()
        for name in (spec.name, *spec.aliases):
            assert name not in names, f"duplicate {name}"
            names.add(name)
        for example in spec.examples:
            assert table.find(example.split()[0].lstrip("/")) is spec, example
        assert describe(spec).ok


def test_expected_commands_exist() -> None:
    table = build_table()
    for name in (
        "join",
        "today",
        "week",
        "log",
        "undo",
        "checkin",
        "finish",
        "progress",
        "leaderboard",
        "ask",
        "export",
        "forgetme",
        "pause",
        "resume",
        "leave",
        "settings",
        "report",
        "set-channel",
        "post-time",
        "cohort-start",
        "workspace-tz",
        "freezes",
        "admin-add",
        "admin-remove",
        "help",
    ):
        assert table.find(name) is not None, name


def test_duplicate_names_are_refused() -> None:
    with pytest.raises(ValueError, match="defined twice"):
        CommandTable([CommandSpec("a", "x", _noop), CommandSpec("b", "y", _noop, aliases=("a",))])


def test_rest_must_be_last() -> None:
    with pytest.raises(ValueError, match="last positional"):
        CommandTable(
            [
                CommandSpec(
                    "a",
                    "x",
                    _noop,
                    params=(Param("n", Kind.TEXT, "", rest=True), Param("m", Kind.TEXT, "")),
                )
            ]
        )


def test_examples_parse() -> None:
    table = build_table()
    for spec in table:
        for example in spec.examples:
            words = example.split()[1:]
            parse_args(spec, words, TODAY)


def _spec(name: str) -> CommandSpec:
    spec = build_table().find(name)
    assert spec is not None
    return spec


def test_log_arguments() -> None:
    args = parse_args(_spec("log"), ["1h30", "read", "the", "paper", "--date", "yesterday"], TODAY)
    assert args.integer("duration") == 90
    assert args.text("note") == "read the paper"
    assert args.day("date") == date(2027, 1, 5)
    assert parse_args(_spec("log"), ["45m", "--date=2027-01-02"], TODAY).day("date") == date(
        2027, 1, 2
    )


def test_join_arguments_in_any_order() -> None:
    args = parse_args(_spec("join"), ["Asia/Kolkata", "7pm"], TODAY)
    assert args.day("start") is None
    assert args.text("timezone") == "Asia/Kolkata"
    assert args.clock_time("reminder") == time(19, 0)
    full = parse_args(_spec("join"), ["2027-01-04", "europe/berlin", "08:00"], TODAY)
    assert (full.day("start"), full.text("timezone")) == (date(2027, 1, 4), "Europe/Berlin")


@pytest.mark.parametrize(
    ("name", "words", "message"),
    [
        ("join", ["25:00"], "0 to 23"),
        ("join", ["Europe/Berln"], "did you mean"),
        ("join", ["2027-02-30"], "no day 30"),
        ("log", [], "needs DURATION"),
        ("log", ["1h", "--date"], "needs a value"),
        ("log", ["1h", "--nope", "x"], "no option --nope"),
        ("week", ["3", "4"], "didn't expect"),
        ("admin-add", ["not a user!"], "isn't a user"),
    ],
)
def test_malformed_arguments(name: str, words: list[str], message: str) -> None:
    with pytest.raises(ParseError, match=message):
        parse_args(_spec(name), words, TODAY)


def test_user_mentions_become_ids() -> None:
    for word, expected in [
        ("<@123>", "123"),
        ("<@!123>", "123"),
        ("<@U42|bob>", "U42"),
        ("@carol", "carol"),
    ]:
        assert parse_args(_spec("admin-add"), [word], TODAY).text("user") == expected


def test_unknown_command_suggests_the_closest() -> None:
    table = build_table()
    assert closest(table, "lgo") == "log"
    assert closest(table, "leaderbord") == "leaderboard"
    assert closest(table, "qqqqqqq") is None


def test_help_hides_admin_commands_from_members() -> None:
    table = build_table()
    assert "/report" not in overview(table, admin=False).text()
    assert "/report" in overview(table, admin=True).text()


def test_usage_strings() -> None:
    assert _spec("log").usage() == "/log DURATION [NOTE...] [--date DATE]"
    assert _spec("leaderboard").permission is Permission.EVERYONE


@pytest.mark.parametrize(
    ("words", "minutes", "note"),
    [
        ("2 hours", 120, None),
        ("2 hours read the paper", 120, "read the paper"),
        ("1 hour 30 minutes of attention maths", 90, "of attention maths"),
        ("1h and 30m", 90, None),
        ("90 min", 90, None),
        # A number after the duration belongs to the note unless a unit follows.
        ("1h 30 pages", 60, "30 pages"),
        ("1.5 chapters", 90, "chapters"),
    ],
)
def test_durations_may_span_words(words: str, minutes: int, note: str | None) -> None:
    args = parse_args(_spec("log"), words.split(), TODAY, words)
    assert (args.integer("duration"), args.text("note")) == (minutes, note)


def test_separately_quoted_values_stay_apart() -> None:
    # A slash command sends the duration and the note as separate quoted values.
    args = parse_args(_spec("log"), ["2", "hours of reading"], TODAY, '"2" "hours of reading"')
    assert (args.integer("duration"), args.text("note")) == (120, "hours of reading")
    args = parse_args(_spec("log"), ["2", "h"], TODAY, '"2" "h"')
    assert (args.integer("duration"), args.text("note")) == (120, "h")
