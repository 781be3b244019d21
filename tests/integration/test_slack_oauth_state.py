"""The OAuth `state` of Slack installs: signed, ten minutes, taken once, shared by
processes through the database; forged, old or odd ones are refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.adapters.slack.installations import OAuthStates
from bot.clock import FakeClock
from tests.conftest import Database

KEY = b"k" * 32
NOW = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)


async def test_a_state_is_good_once_and_for_ten_minutes(database: Database) -> None:
    clock = FakeClock(NOW)
    states = OAuthStates(database.sessions, KEY, clock)
    other_process = OAuthStates(database.sessions, KEY, clock)

    state = await states.async_issue()
    assert await other_process.async_consume(state)  # any process can take it…
    assert not await states.async_consume(state)  # …once

    late = await states.async_issue()
    clock.advance(timedelta(minutes=10, seconds=1))
    assert not await states.async_consume(late)


async def test_forged_and_odd_states_are_refused(database: Database) -> None:
    clock = FakeClock(NOW)
    states = OAuthStates(database.sessions, KEY, clock)
    forger = OAuthStates(database.sessions, b"another key, guessed" * 2, clock)

    # A fresh nonce and time, signed with the wrong key: never seen, still refused.
    assert not await states.async_consume(await forger.async_issue())
    issued, nonce, mac = (await states.async_issue()).split(".")
    assert not await states.async_consume(f"{issued}.{nonce}x.{mac}")  # nonce changed
    assert not await states.async_consume(f"{int(issued) + 1}.{nonce}.{mac}")  # time changed
    for odd in ("", "...", "no-dots", f"{issued}.{nonce}.é{mac[1:]}", f"x.{nonce}.{mac}"):
        assert not await states.async_consume(odd)
    # A state from the future (a clock set back) is not taken either.
    ahead = await states.async_issue()
    clock.set(NOW - timedelta(minutes=5))
    assert not await states.async_consume(ahead)
