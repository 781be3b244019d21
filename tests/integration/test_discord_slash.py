"""The real command table as Discord slash commands, and back to console lines."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from typing import Any

import discord
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from bot.adapters.discord import PathbotDiscordClient, build_line
from bot.adapters.discord.slash import build_slash_command
from bot.clock import FakeClock
from bot.commands.arguments import parse_args
from bot.commands.catalog import build_table
from bot.commands.dispatcher import Dispatcher
from bot.commands.parsing import as_word as quote
from bot.commands.parsing import parse_date, parse_duration, tokenize
from bot.commands.table import CommandSpec, Kind, Param
from bot.config import DEFAULT_CURRICULUM
from bot.curriculum.loader import load_curriculum
from bot.replies import Reply
from bot.services.context import Core
from tests.conftest import Database
from tests.fakes.discord_api import FakeDiscordAPI, running_fake_discord
from tests.fakes.discord_interactions import interaction, option

NAME = re.compile(r"^[-_a-z0-9]{1,32}$")
TODAY = date(2027, 1, 6)


async def _unused(invocation: object) -> Reply:
    raise AssertionError


LOG = CommandSpec(
    "log",
    "Log study time.",
    _unused,
    params=(
        Param("duration", Kind.DURATION, "How long."),
        Param("note", Kind.TEXT, "What.", required=False, rest=True),
        Param("date", Kind.DATE, "When.", required=False, option=True),
    ),
)


@pytest.mark.parametrize(
    ("values", "line"),
    [
        ({"duration": "1h30"}, '/log "1h30"'),
        ({"duration": "1h30", "note": "read Alammar's post"}, '/log "1h30" "read Alammar\'s post"'),
        ({"duration": "45m", "date": "yesterday"}, '/log "45m" --date "yesterday"'),
        ({"duration": "45m", "note": "   ", "date": None}, '/log "45m"'),
        (
            {"duration": "1", "note": 'the "attention" paper'},
            '/log "1" "the \\"attention\\" paper"',
        ),
        ({"duration": "1", "note": "<#123456>"}, '/log "1" "123456"'),
        ({"duration": "1", "note": "see <#123456>"}, '/log "1" "see <#123456>"'),
    ],
)
def test_build_line(values: dict[str, object], line: str) -> None:
    assert build_line(LOG, values) == line


def _straightened(text: str) -> str:
    return text.translate(str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'"}))


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(exclude_categories=("Cs",)), min_size=1))
def test_a_quoted_value_is_read_back_as_one_word(text: str) -> None:
    assert tokenize(f"/x {quote(text)}") == ["/x", _straightened(text)]


def test_every_real_command_fits_discord() -> None:
    client = discord.Client(intents=discord.Intents.none())
    tree = discord.app_commands.CommandTree(client)
    table = list(build_table())

    async def invoke(interaction: discord.Interaction, line: str) -> None:
        raise AssertionError

    for spec in table:
        command = build_slash_command(spec, invoke)
        tree.add_command(command)
        payload: dict[str, Any] = command.to_dict(tree)
        assert NAME.fullmatch(payload["name"])
        assert 1 <= len(payload["description"]) <= 100
        options = payload.get("options", [])
        assert len(options) <= 25
        required = [o["required"] for o in options]
        assert required == sorted(required, reverse=True), spec.name  # required ones first
        for entry in options:
            assert NAME.fullmatch(entry["name"])
            assert 1 <= len(entry["description"]) <= 100


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscordAPI]:
    async with running_fake_discord() as api:
        yield api


async def test_real_dispatcher_behind_the_discord_client(
    database: Database, fake: FakeDiscordAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = FakeClock(datetime(2027, 1, 6, 12, tzinfo=UTC))
    core = Core(database.sessions, clock, load_curriculum(DEFAULT_CURRICULUM))
    dispatcher = Dispatcher(core)
    monkeypatch.setattr(discord.http.Route, "BASE", fake.base_url)
    client = PathbotDiscordClient(dispatcher, dispatcher.commands())
    await client.login("fake-token")
    try:
        client._connection.parse_interaction_create(
            interaction("join", option("timezone", "Europe/Berlin"), option("reminder", "8am"))
        )
        (joined,) = await fake.wait_for("POST", "/callback")
        client._connection.parse_interaction_create(
            interaction("log", option("duration", "1h30"), option("note", "read @everyone's post"))
        )
        _, logged = await fake.wait_for("POST", "/callback", count=2)
        client._connection.parse_interaction_create(interaction("log", option("duration", "1x")))
        _, _, refused = await fake.wait_for("POST", "/callback", count=3)
    finally:
        await client.close()

    for ok in (joined, logged):
        assert ok.body is not None
        assert ok.body["data"]["embeds"][0]["color"] == discord.Colour.green().value, ok.body
    assert refused.body is not None
    embed = refused.body["data"]["embeds"][0]
    assert embed["color"] == discord.Colour.red().value
    assert "I couldn't read “1x” as a duration" in embed["description"]
    assert int(refused.body["data"]["flags"]) & 64
    assert "@everyone" not in str(logged.body)


REAL_LOG = build_table().find("log")


@settings(max_examples=100, deadline=None)
@given(
    st.sampled_from(["1h30", "45m", "2", "1:15"]),
    st.text(alphabet=st.characters(exclude_categories=("Cs", "Cc")), min_size=1, max_size=80),
    st.sampled_from([None, "yesterday", "2027-01-04"]),
)
def test_slash_options_reach_the_core_parser_unchanged(
    duration: str, note: str, day: str | None
) -> None:
    # A note that itself starts with "--" reads as an option on every platform (the
    # core's parser sees a word, not where it came from): a known, documented gap.
    assume(not note.strip().startswith("--"))
    assume(not re.fullmatch(r"<#\d+>", note.strip()))  # a picked channel becomes its id
    spec = REAL_LOG
    assert spec is not None
    line = build_line(spec, {"duration": duration, "note": note, "date": day})

    words = tokenize(line)
    assert words[0] == "/log"
    args = parse_args(spec, words[1:], TODAY).values

    assert args["duration"] == parse_duration(duration)
    if note.strip():
        assert args["note"] == _straightened(note.strip())
    else:
        assert "note" not in args
    if day is not None:
        assert args["date"] == parse_date(day, TODAY)
