"""A long reply on Slack is split into sections, never cut off, never mid-sentence."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.adapters.slack.render import SECTION_TEXT_LIMIT, escape, render_blocks, sections
from bot.replies import Reply

WORDS = st.text(alphabet="abcdefghij<&>", min_size=1, max_size=12)
SENTENCES = st.lists(WORDS, min_size=1, max_size=12).map(lambda words: " ".join(words) + ".")
LINES = st.lists(SENTENCES, min_size=0, max_size=6).map(" ".join)
#: At most 5 words of 6 letters: under a third of the 120-character sections below.
SHORT_SENTENCES = st.lists(
    st.text(alphabet="abc", min_size=1, max_size=6), min_size=1, max_size=5
).map(lambda words: " ".join(words) + ".")


@settings(max_examples=300, deadline=None)
# Sections longer than any word (12 characters, each escaped to at most 4, and a stop).
@given(st.lists(LINES, max_size=12), st.integers(min_value=50, max_value=200))
def test_sections_keep_every_word_within_the_limit(lines: list[str], limit: int) -> None:
    texts = sections(lines, limit)

    assert all(len(text) <= limit for text in texts)
    # Nothing lost or reordered: the same words, in the same order.
    assert " ".join(texts).split() == " ".join(escape(line) for line in lines).split()


@settings(max_examples=200, deadline=None)
@given(st.lists(SHORT_SENTENCES, min_size=5, max_size=40))
def test_a_long_line_is_split_after_a_sentence(sentences: list[str]) -> None:
    texts = sections([" ".join(sentences)], 120)
    # Every section has a sentence ending in its second half: the cut is there.
    assert all(text.endswith(".") for text in texts)


def test_a_twelve_thousand_character_answer_is_all_there() -> None:
    paragraph = "Read the HNSW paper first. Then build the index and time it. " * 200
    reply = Reply(title="From the path", lines=[paragraph, "", "Sources: week 6."])
    blocks = render_blocks(reply)
    texts = [b["text"]["text"] for b in blocks if b["type"] == "section" and "text" in b]

    assert len(texts) >= 4
    assert all(len(text) <= SECTION_TEXT_LIMIT for text in texts)
    assert all(text.endswith(".") for text in texts)
    assert " ".join(texts).split() == (paragraph + " Sources: week 6.").split()
