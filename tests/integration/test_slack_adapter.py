"""The real slack-bolt app and slack_sdk client against a fake Slack.

Requests are signed like Slack signs them and go through bolt's own dispatch
(signature check, ack, listener, respond); every reply is asserted on what the
fake Web API or response_url received.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack import SlackAdapter
from bot.adapters.slack.requests import plain_text
from bot.caller import Caller, Platform
from bot.clock import FakeClock
from bot.replies import Attachment, Reply, ReplyField
from tests.fakes.slack_api import (
    SIGNING_SECRET,
    TEAM_ID,
    FakeSlackAPI,
    dm_event_body,
    running_fake_slack,
    signed_headers,
    slash_command_body,
)

ADA = "U0ADA0001"
BOSS = "U0BOSS001"
PINGS = ("<!here", "<!channel", "<!everyone", "<@", "<!subteam")


@dataclass
class TinyDispatcher:
    calls: list[tuple[Caller, str]] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)

    async def first_time(self, key: str) -> bool:
        new = key not in self.seen
        self.seen.add(key)
        return new

    async def handle(self, caller: Caller, line: str) -> Reply:
        self.calls.append((caller, line))
        name, _, rest = line.removeprefix("/").partition(" ")
        if name == "log":
            return Reply(
                title="Logged",
                lines=[f"Note: {rest}"],
                fields=[ReplyField(name="This week", value="6.5 / 10–12 h")],
                ephemeral=False,
            )
        if name == "settings" and not caller.is_platform_admin:
            return Reply.error("Only workspace admins can change settings.")
        if name == "settings":
            return Reply(title="Settings saved")
        if name == "export":
            return Reply(
                title="Your data",
                attachment=Attachment(
                    filename="pathbot.json", content_type="application/json", content='{"a": 1}'
                ),
            )
        if name == "ask":
            raise RuntimeError("the index exploded")
        return Reply.error(f"I don't know /{name}.", "Try /pathbot help.")


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlackAPI]:
    async with running_fake_slack() as api:
        api.add_user(ADA, "Ada")
        api.add_user(BOSS, "Grace", admin=True)
        yield api


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2027, 1, 6, 12, tzinfo=UTC))


@pytest.fixture
def dispatcher() -> TinyDispatcher:
    return TinyDispatcher()


@pytest.fixture
async def adapter(fake: FakeSlackAPI, dispatcher: TinyDispatcher, clock: FakeClock) -> SlackAdapter:
    client = AsyncWebClient(token="xoxb-test", base_url=fake.base_url)
    return SlackAdapter(dispatcher, client=client, signing_secret=SIGNING_SECRET, clock=clock)


async def slash(adapter: SlackAdapter, fake: FakeSlackAPI, text: str, **kwargs: str) -> dict:
    body = slash_command_body(fake, text, **kwargs)
    before = len(fake.called("response_url"))
    response = await adapter.app.async_dispatch(
        AsyncBoltRequest(body=body, headers=signed_headers(body))
    )
    assert response.status == 200, response.body
    calls = await fake.wait_for("response_url", before + 1)
    return calls[-1].args


def assert_no_pings(payload: object) -> None:
    dumped = json.dumps(payload)
    for token in PINGS:
        assert token not in dumped, token


async def test_slash_command_reply_goes_to_response_url_as_blocks(
    adapter: SlackAdapter, fake: FakeSlackAPI, dispatcher: TinyDispatcher
) -> None:
    sent = await slash(
        adapter, fake, "log 1h30 read <!here> and @everyone <@U0BOSS001>", user_id=ADA
    )

    caller, line = dispatcher.calls[-1]
    assert caller == Caller(
        platform=Platform.SLACK,
        workspace_id=TEAM_ID,
        user_id=ADA,
        display_name="Ada",
        is_platform_admin=False,
        channel_id="C0STUDY01",
        timezone="America/Los_Angeles",  # users.info's tz, passed on for /join
    )
    assert line == "log 1h30 read <!here> and @everyone <@U0BOSS001>"
    assert sent["response_type"] == "in_channel"
    header, section, fields = sent["blocks"]
    assert header == {"type": "header", "text": {"type": "plain_text", "text": "Logged"}}
    assert section["text"]["type"] == "mrkdwn"
    assert section["text"]["text"] == (
        "Note: 1h30 read @\u200bhere and @\u200beveryone @\u200buser"
    )
    assert fields["fields"] == [{"type": "mrkdwn", "text": "*This week*\n6.5 / 10–12 h"}]
    assert_no_pings(sent)


async def test_refusal_for_a_non_admin_is_ephemeral(
    adapter: SlackAdapter, fake: FakeSlackAPI, dispatcher: TinyDispatcher
) -> None:
    sent = await slash(adapter, fake, "settings reminders off", user_id=ADA)

    assert dispatcher.calls[-1][0].is_platform_admin is False
    assert sent["response_type"] == "ephemeral"
    assert sent["blocks"][0]["text"]["text"] == ":warning: Sorry"
    assert sent["blocks"][1]["text"]["text"] == "Only workspace admins can change settings."


async def test_workspace_admin_is_a_platform_admin_and_is_cached(
    adapter: SlackAdapter, fake: FakeSlackAPI, dispatcher: TinyDispatcher, clock: FakeClock
) -> None:
    await slash(adapter, fake, "settings reminders off", user_id=BOSS)
    await slash(adapter, fake, "settings reminders on", user_id=BOSS)

    assert [caller.is_platform_admin for caller, _ in dispatcher.calls] == [True, True]
    assert dispatcher.calls[0][0].display_name == "Grace"
    assert len(fake.called("users.info")) == 1  # the second command used the cache

    fake.users[BOSS]["is_admin"] = False  # demoted
    clock.advance(timedelta(minutes=2))
    await slash(adapter, fake, "settings reminders off", user_id=BOSS)
    assert dispatcher.calls[-1][0].is_platform_admin is False
    assert len(fake.called("users.info")) == 2


async def test_unknown_user_lookup_fails_closed(
    adapter: SlackAdapter, fake: FakeSlackAPI, dispatcher: TinyDispatcher
) -> None:
    await slash(adapter, fake, "settings x", user_id="U0GHOST01", user_name="ghost")

    caller, _ = dispatcher.calls[-1]
    assert caller.is_platform_admin is False
    assert caller.display_name == "ghost"


async def test_unknown_command_is_answered_politely(
    adapter: SlackAdapter, fake: FakeSlackAPI
) -> None:
    sent = await slash(adapter, fake, "teleport home", user_id=ADA)

    assert sent["response_type"] == "ephemeral"
    assert sent["blocks"][1]["text"]["text"] == "I don't know /teleport.\nTry /pathbot help."


async def test_empty_slash_command_asks_for_help(
    adapter: SlackAdapter, fake: FakeSlackAPI, dispatcher: TinyDispatcher
) -> None:
    await slash(adapter, fake, "   ", user_id=ADA)

    assert dispatcher.calls[-1][1] == "help"


async def test_crash_in_the_core_becomes_a_friendly_reply(
    adapter: SlackAdapter, fake: FakeSlackAPI
) -> None:
    sent = await slash(adapter, fake, "ask what is HNSW?", user_id=ADA)

    assert sent["blocks"][1]["text"]["text"].startswith("Something went wrong on my side.")
    assert "exploded" not in json.dumps(sent)


async def test_badly_signed_request_is_refused_before_the_core(
    adapter: SlackAdapter, fake: FakeSlackAPI, dispatcher: TinyDispatcher
) -> None:
    body = slash_command_body(fake, "log 1h", user_id=ADA)
    headers = signed_headers(body, secret="not-the-secret")

    response = await adapter.app.async_dispatch(AsyncBoltRequest(body=body, headers=headers))

    assert response.status == 401
    assert dispatcher.calls == []


async def test_attachment_is_sent_to_the_callers_dm(
    adapter: SlackAdapter, fake: FakeSlackAPI
) -> None:
    sent = await slash(adapter, fake, "export", user_id=ADA)

    (opened,) = fake.called("conversations.open")
    assert opened.args["users"] == ADA
    (upload,) = fake.called("upload")
    assert upload.raw == b'{"a": 1}'
    (complete,) = fake.called("files.completeUploadExternal")
    assert complete.args["channel_id"] == "D0ADA0001"
    assert sent["blocks"][1]["text"]["text"] == ("I sent you pathbot.json in a direct message.")


async def test_direct_message_is_a_command_answered_in_the_dm(
    adapter: SlackAdapter, fake: FakeSlackAPI, dispatcher: TinyDispatcher
) -> None:
    body = dm_event_body("<@U0PATHBOT> log 45m pinged <!channel>", user_id=ADA)
    headers = signed_headers(body) | {"content-type": "application/json"}

    response = await adapter.app.async_dispatch(AsyncBoltRequest(body=body, headers=headers))
    assert response.status == 200

    (posted,) = await fake.wait_for("chat.postMessage")
    caller, line = dispatcher.calls[-1]
    assert line == "log 45m pinged <!channel>"
    assert caller.channel_id is None
    assert caller.workspace_id == TEAM_ID
    assert posted.args["channel"] == "D0ADA0001"
    assert posted.args["link_names"] is False
    assert_no_pings(posted.args)


async def test_bot_and_edited_messages_are_ignored(
    adapter: SlackAdapter, fake: FakeSlackAPI, dispatcher: TinyDispatcher
) -> None:
    for extra in ({"subtype": "message_changed"}, {"bot_id": "B0OTHER01"}):
        body = dm_event_body("log 1h", user_id=ADA, **extra)
        headers = signed_headers(body) | {"content-type": "application/json"}
        response = await adapter.app.async_dispatch(AsyncBoltRequest(body=body, headers=headers))
        assert response.status == 200

    assert dispatcher.calls == []
    assert fake.called("chat.postMessage") == []


async def test_send_to_a_member_opens_the_dm_once(
    adapter: SlackAdapter, fake: FakeSlackAPI
) -> None:
    reply = Reply(title="Day 3 <!everyone>", lines=["Read & <b>attend</b>"], ephemeral=False)

    first = await adapter.send(f"dm:{ADA}", reply)
    second = await adapter.send(f"user:{ADA}", reply)

    assert len(fake.called("conversations.open")) == 1
    posts = fake.called("chat.postMessage")
    assert [p.args["channel"] for p in posts] == ["D0ADA0001", "D0ADA0001"]
    assert first != second
    blocks = posts[0].args["blocks"]
    assert blocks[0]["text"]["text"] == "Day 3 @\u200beveryone"
    assert blocks[1]["text"]["text"] == "Read &amp; &lt;b&gt;attend&lt;/b&gt;"
    assert_no_pings(posts[0].args)


async def test_send_to_a_channel(adapter: SlackAdapter, fake: FakeSlackAPI) -> None:
    await adapter.send("C0DAILY01", Reply(title="Today's plan", ephemeral=False))

    (posted,) = fake.called("chat.postMessage")
    assert posted.args["channel"] == "C0DAILY01"
    assert posted.args["text"] == "Today's plan"
    assert fake.called("conversations.open") == []


async def test_send_refuses_a_malformed_target(adapter: SlackAdapter) -> None:
    with pytest.raises(ValueError, match="not a Slack target"):
        await adapter.send("dm:<!here>", Reply(title="x"))


@pytest.mark.parametrize(
    ("slack_text", "typed"),
    [
        ("log 1h Q&amp;A on &lt;attention&gt;", "log 1h Q&A on <attention>"),
        (
            "log 1h read <https://jalammar.github.io/|jalammar.github.io>",
            "log 1h read https://jalammar.github.io/",
        ),
        ("channel daily <#C0DAILY01|daily-plan>", "channel daily C0DAILY01"),
        ("note <mailto:ada@example.com|ada@example.com>", "note ada@example.com"),
        ("kick <@U0ADA0001|ada>", "kick <@U0ADA0001|ada>"),
        ("literal &amp;lt;", "literal &lt;"),
    ],
)
def test_slack_formatting_is_turned_back_into_what_was_typed(slack_text: str, typed: str) -> None:
    assert plain_text(slack_text) == typed


async def test_escaped_command_text_reaches_the_core_unescaped(
    adapter: SlackAdapter, fake: FakeSlackAPI, dispatcher: TinyDispatcher
) -> None:
    await slash(adapter, fake, "log 1h Q&amp;A <https://x.dev/a|x.dev/a>", user_id=ADA)

    assert dispatcher.calls[-1][1] == "log 1h Q&A https://x.dev/a"


async def test_a_refused_upload_still_answers_the_command(
    adapter: SlackAdapter, fake: FakeSlackAPI
) -> None:
    fake.fail_next["files.getUploadURLExternal"] = (
        200,
        {"ok": False, "error": "missing_scope"},
        {},
    )

    sent = await slash(adapter, fake, "export", user_id=ADA)

    assert sent["blocks"][1]["text"]["text"] == (
        "I couldn't send you pathbot.json (Slack refused the upload; ask an admin)."
    )
    assert fake.called("upload") == []
