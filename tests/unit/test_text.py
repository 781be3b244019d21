"""Mention neutralizing and clipping: examples and properties."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.text import ZWSP, clip, neutralize_mentions

# What Discord or Slack would turn into a notification.
PINGING = [
    re.compile(r"@(everyone|here|channel)", re.IGNORECASE),
    re.compile(r"<@[!&]?\d+>"),  # Discord user / nickname / role
    re.compile(r"<@[A-Z0-9]+(\|[^>]*)?>", re.IGNORECASE),  # Slack user
    re.compile(r"<!(here|channel|everyone|subteam\^)[^>]*>", re.IGNORECASE),  # Slack special
]


def pings(text: str) -> bool:
    return any(pattern.search(text) for pattern in PINGING)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hello @everyone", f"hello @{ZWSP}everyone"),
        ("@here look", f"@{ZWSP}here look"),
        ("@channel", f"@{ZWSP}channel"),
        ("@Everyone", f"@{ZWSP}Everyone"),
        ("hi <@123>", f"hi @{ZWSP}user"),
        ("hi <@!123>", f"hi @{ZWSP}user"),
        ("ping <@&456>", f"ping @{ZWSP}role"),
        ("hi <@U123ABC>", f"hi @{ZWSP}user"),
        ("hi <@U123ABC|ada>", f"hi @{ZWSP}ada"),
        ("<!here>", f"@{ZWSP}here"),
        ("<!channel>", f"@{ZWSP}channel"),
        ("<!everyone>", f"@{ZWSP}everyone"),
        ("<!here|here>", f"@{ZWSP}here"),
        ("<!subteam^S123>", f"@{ZWSP}team"),
        ("<!subteam^S123|@mentors>", f"@{ZWSP}mentors"),
        ("<@U1|<@123>>", f"@{ZWSP}user"),
    ],
)
def test_neutralize_examples(text: str, expected: str) -> None:
    assert neutralize_mentions(text) == expected
    assert not pings(neutralize_mentions(text))


@pytest.mark.parametrize(
    "text",
    [
        "plain text stays plain",
        "**bold** _italic_ `code` > quote ~~strike~~ <https://example.com>",
        "mail me at ada@example.com",
        "<#C123> channel links do not ping",
        "1 < 2 and 3 > 2",
    ],
)
def test_neutralize_leaves_other_text_alone(text: str) -> None:
    assert neutralize_mentions(text) == text


MENTION_TOKENS = [
    "@everyone",
    "@here",
    "@channel",
    "@EVERYONE",
    "<@123>",
    "<@!123>",
    "<@&123>",
    "<@U123>",
    "<@W9|x>",
    "<!here>",
    "<!channel>",
    "<!everyone>",
    "<!subteam^S1>",
    "<!subteam^S1|@team>",
    "<",
    ">",
    "@",
    "!",
    "|",
    "&",
    ZWSP,
]
mixed_text = st.lists(
    st.one_of(st.text(max_size=8), st.sampled_from(MENTION_TOKENS)), max_size=12
).map("".join)


@settings(max_examples=300, deadline=None)
@given(mixed_text)
def test_neutralized_text_never_pings(text: str) -> None:
    assert not pings(neutralize_mentions(text))


@settings(max_examples=300, deadline=None)
@given(mixed_text)
def test_neutralize_is_idempotent(text: str) -> None:
    once = neutralize_mentions(text)
    assert neutralize_mentions(once) == once


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("short", 10, "short"),
        ("exactly10!", 10, "exactly10!"),
        ("this is too long", 10, "this is t…"),
        ("this is long", 9, "this is…"),
        ("abc", 1, "…"),
    ],
)
def test_clip(text: str, limit: int, expected: str) -> None:
    assert clip(text, limit) == expected


@settings(max_examples=100, deadline=None)
@given(st.text(), st.integers(min_value=1, max_value=50))
def test_clip_never_exceeds_limit(text: str, limit: int) -> None:
    clipped = clip(text, limit)
    assert len(clipped) <= limit
    if len(text) <= limit:
        assert clipped == text


def test_clip_refuses_zero_limit() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        clip("x", 0)
