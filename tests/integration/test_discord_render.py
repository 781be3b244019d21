"""Embeds stay inside Discord's limits and never ping, whatever the core says."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.adapters.discord.render import render
from bot.replies import ActionStyle, Attachment, Reply, ReplyAction, ReplyField

PINGING = re.compile(r"@(everyone|here)|<@[!&]?\d+>", re.IGNORECASE)
words = st.one_of(st.text(max_size=40), st.sampled_from(["@everyone", "<@123>", "<@&9>", "@here"]))
text = st.lists(words, max_size=30).map(" ".join)
replies = st.builds(
    Reply,
    title=text,
    lines=st.lists(text, max_size=40),
    fields=st.lists(st.builds(ReplyField, name=text, value=text), max_size=40),
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
def test_embed_fits_discord_and_pings_nobody(reply: Reply) -> None:
    rendered = render(reply)
    embed = rendered.embed.to_dict()

    assert rendered.ephemeral is reply.ephemeral
    assert 1 <= len(embed["title"]) <= 256
    assert len(embed.get("description", "")) <= 4096
    fields = embed.get("fields", [])
    assert len(fields) <= 25
    for field in fields:
        assert 1 <= len(field["name"]) <= 256
        assert 1 <= len(field["value"]) <= 1024
    total = len(embed["title"]) + len(embed.get("description", ""))
    total += sum(len(f["name"]) + len(f["value"]) for f in fields)
    assert total <= 6000
    assert not PINGING.search(str(embed))
    components = rendered.view.to_components() if rendered.view is not None else []
    buttons = [button for row in components for button in row["components"]]
    assert len(components) <= 5
    assert len(buttons) == min(len(reply.actions), 25)
    for button in buttons:
        assert 1 <= len(button["label"]) <= 80
        assert len(button["custom_id"]) <= 100
        assert button["custom_id"].startswith("pathbot:/")
        assert not PINGING.search(button["label"])


def test_attachment_becomes_a_file() -> None:
    reply = Reply(
        title="Export",
        attachment=Attachment(filename="me.json", content_type="application/json", content="{}"),
    )

    rendered = render(reply)

    (file,) = rendered.files
    assert file.filename == "me.json"
    assert file.fp.read() == b"{}"
