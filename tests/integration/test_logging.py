"""Logs an organiser can read: a line per command and per delivery, text or JSON,
and never a token, a secret, a webhook URL or the text of a note."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime

import aiohttp
import pytest
from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

from bot.config import load_settings
from bot.ops.logs import configure_from
from bot.replies import Reply
from bot.scheduling.delivery import DeliveryWorker
from bot.scheduling.senders import RecordingSender, Target, TransientError
from bot.scheduling.simulate import tick
from tests.conftest import Bot, caller_for

DISCORD = "MTIzNDU2Nzg5MDEyMzQ1Njc4OQ.GfAkEd.fake-discord-token-0123456789abcdefgh"
SLACK_BOT = "xoxb-1111-2222-fakeslacktoken"
SLACK_APP = "xapp-1-A111-fakeapptoken"
SIGNING = "fake-signing-secret-5f3e2d1c"
OPENAI = "sk-fakeopenaikey0123456789abcdef"
DB_PASSWORD = "db-pass-7c1b"
WEBHOOK = "https://hooks.slack.com/commands/T0001/1234/fakeResponseUrlSecret"
NOTE = "my-private-note-about-burnout"
SECRETS = [DISCORD, SLACK_BOT, SLACK_APP, SIGNING, OPENAI, DB_PASSWORD, "fakeResponseUrlSecret"]


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    settings = load_settings(
        discord_token=DISCORD,
        slack_bot_token=SLACK_BOT,
        slack_app_token=SLACK_APP,
        slack_signing_secret=SIGNING,
        openai_api_key=OPENAI,
        database_url=f"postgresql+asyncpg://pathbot:{DB_PASSWORD}@db:5432/pathbot",
        log_format="json",
        log_level="INFO",
    )
    stream = io.StringIO()
    handler = configure_from(settings, stream)
    try:
        yield stream
    finally:
        logging.getLogger().removeHandler(handler)


class LeakySender(RecordingSender):
    """Fails the way client libraries do: with the URL and token in the message."""

    async def send(self, target: Target, reply: Reply, *, idempotency_key: str) -> None:
        raise TransientError(f"POST {WEBHOOK} failed (Authorization: Bot {DISCORD})")


async def test_no_secret_or_note_reaches_a_log_line(pathbot: Bot, captured: io.StringIO) -> None:
    ada = caller_for("ada")
    replies = [
        await pathbot.say(ada, "/join 2027-01-04"),
        await pathbot.say(ada, f"/log 1h {NOTE}"),
        await pathbot.say(ada, f"/checkin blocked {NOTE}"),
        await pathbot.say(ada, f"/settings name {DISCORD}"),  # a secret typed as text
        await pathbot.say(ada, "/log 0"),
    ]
    # A delivery that fails with the URL and token in its message, then an aiohttp
    # error as aiohttp prints it, with the request's headers.
    pathbot.clock.set(datetime(2027, 1, 7, 9, 0, tzinfo=UTC))
    worker = DeliveryWorker(pathbot.core.sessions, {"console": LeakySender()}, pathbot.clock)
    await tick(pathbot.core, worker, pathbot.clock.now())
    request = aiohttp.RequestInfo(
        URL(WEBHOOK),
        "POST",
        CIMultiDictProxy(CIMultiDict({"Authorization": f"Bearer {OPENAI}"})),
        URL(WEBHOOK),
    )
    try:
        raise aiohttp.ClientResponseError(request, (), status=404, message=f"token {SLACK_BOT}")
    except aiohttp.ClientResponseError:
        logging.getLogger("slack_sdk").exception("request to %s failed", WEBHOOK)

    output = captured.getvalue()
    lines = [json.loads(line) for line in output.splitlines()]
    for secret in [*SECRETS, NOTE]:
        assert secret not in output, secret
    # Replies echo a member's own note to them, but no secret (the name was typed as one).
    for secret in SECRETS:
        assert all(secret not in reply.text() for reply in replies[:3] + replies[4:]), secret
    commands = [line for line in lines if "command" in line]
    assert [(c["command"], c["outcome"]) for c in commands] == [
        ("join", "ok"),
        ("log", "ok"),
        ("checkin", "ok"),
        ("settings", "ok"),
        ("log", "refused"),
    ]
    assert all({"workspace", "platform", "ms", "cid"} <= set(c) for c in commands)
    deliveries = [line for line in lines if "kind" in line and "attempt" in line]
    assert deliveries
    assert {d["outcome"] for d in deliveries} == {"retry_later"}
    assert all(d["platform"] == "console" for d in deliveries)
    assert any("[redacted]" in line.get("error", "") for line in lines)


def test_text_on_a_terminal_and_json_elsewhere() -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    settings = load_settings(log_format="auto")
    for stream, is_json in ((Terminal(), False), (io.StringIO(), True)):
        handler = configure_from(settings, stream)
        try:
            logging.getLogger("bot.test").info("hello %s", "there")
        finally:
            logging.getLogger().removeHandler(handler)
        (line,) = stream.getvalue().splitlines()
        if is_json:
            assert json.loads(line)["message"] == "hello there"
        else:
            assert line.endswith("INFO    bot.test: hello there")
