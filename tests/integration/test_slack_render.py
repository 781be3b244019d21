"""Block Kit stays inside Slack's limits and can never ping, whatever the core says."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.adapters.slack.render import CommandSpelling, render
from bot.replies import ActionStyle, Reply, ReplyAction, ReplyField

# Any Slack control sequence at all (<!here>, <@U1>, <#C1>, <https://…>) would mean
# member text reached Slack unescaped.
SLACK_MARKUP = re.compile(r"<[!@#a-z]", re.IGNORECASE)
BROADCAST = re.compile(r"@(everyone|here|channel)", re.IGNORECASE)
tokens = ["<!here>", "<!channel>", "<@U123|ada>", "<!subteam^S1>", "@channel", "<https://x.y>", "&"]
words = st.one_of(st.text(max_size=40), st.sampled_from(tokens))
text = st.lists(words, max_size=30).map(" ".join)
replies = st.builds(
    Reply,
    title=text,
    lines=st.lists(text, max_size=40),
    fields=st.lists(st.builds(ReplyField, name=text, value=text), max_size=30),
    ephemeral=st.booleans(),
    ok=st.booleans(),
    actions=st.lists(
        st.builds(
            ReplyAction,
            label=text.map(lambda t: t[:80]).filter(bool),
            command=st.sampled_from(["/checkin done", "/today", "/log 1h " + "x" * 82]),
            style=st.sampled_from(ActionStyle),
        ),
        max_size=30,
    ),
)


@settings(max_examples=40, deadline=None)
@given(replies)
def test_blocks_fit_slack_and_never_ping(reply: Reply) -> None:
    message = render(reply)

    assert message.ephemeral is reply.ephemeral
    assert len(message.blocks) <= 50
    header = message.blocks[0]
    assert header["type"] == "header"
    assert 1 <= len(header["text"]["text"]) <= 150
    for block in message.blocks[1:]:
        if "text" in block:
            assert len(block["text"]["text"]) <= 3000
        for field in block.get("fields", []):
            assert len(field["text"]) <= 2000
        assert len(block.get("fields", [])) <= 10
    # Button labels are plain_text (shown literally), like the header.
    sections = [block for block in message.blocks[1:] if block["type"] != "actions"]
    mrkdwn = json.dumps([message.text, sections], ensure_ascii=False)
    assert not SLACK_MARKUP.search(mrkdwn)
    assert not BROADCAST.search(json.dumps(message.blocks, ensure_ascii=False))
    buttons = [e for b in message.blocks if b["type"] == "actions" for e in b["elements"]]
    assert len(buttons) <= 25
    for button in buttons:
        assert 1 <= len(button["text"]["text"]) <= 75
        assert button["value"].startswith("/")


@pytest.mark.parametrize(
    ("text", "slack"),
    [
        ("See /today, then /log 1h30.", "See /pathbot today, then /pathbot log 1h30."),
        ("(/help log)", "(/pathbot help log)"),
        ("/lb is short for /leaderboard", "/pathbot lb is short for /pathbot leaderboard"),
        ("https://x.com/log and a/log stay", "https://x.com/log and a/log stay"),
        ("/logbook and /unknown stay", "/logbook and /unknown stay"),
    ],
)
def test_command_hints_use_the_slack_spelling(text: str, slack: str) -> None:
    spelling = CommandSpelling("/pathbot", ["log", "today", "help", "leaderboard", "lb"])

    reply = spelling.reply(
        Reply(title=text, lines=[text], fields=[ReplyField(name=text, value=text)])
    )

    assert reply.title == reply.lines[0] == reply.fields[0].name == reply.fields[0].value == slack


def test_no_command_names_means_no_rewriting() -> None:
    reply = Reply(title="/log")
    assert CommandSpelling("/pathbot", []).reply(reply) is reply
