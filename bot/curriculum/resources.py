"""Turn one Markdown resource bullet into a structured Resource.

The rules follow how learning paths are usually written:
`"Title" by A, B, and C (Chapters 1-3)`, `TensorFlow or PyTorch tutorials (beginner level)`,
`Vector database documentation (Pinecone, Weaviate, Qdrant)`, `"Title" by X: [text](url)`.
A trailing parenthesis is a list of options when it has a comma or "or", otherwise the scope
(which part, level or form to use: "Chapters 1-3", "beginner level", "online book").
"""

from __future__ import annotations

import re

from bot.curriculum.models import Resource, ResourceKind

_LINK = re.compile(r"\[(?P<text>[^\]]*)\]\((?P<url>[^)\s]+)\)")
_TRAILING_PAREN = re.compile(r"\s*\((?P<inner>[^()]*)\)\s*$")
_QUOTED = re.compile(r'^(?P<pre>[^"]*)"(?P<title>[^"]+)"(?P<post>[^"]*)$')
_BY = re.compile(r"^(?P<desc>.*?)\s*\bby\s+(?P<names>\S.*)$")
_NAME_SPLIT = re.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+|\s*&\s*")
_OPTION_SPLIT = re.compile(r"\s*,\s*(?:or\s+|and\s+)?|\s+or\s+")

#: Checked in order on the words around the title; the first match wins.
_KIND_RULES: tuple[tuple[re.Pattern[str], ResourceKind], ...] = (
    (re.compile(r"\b(documentation|docs)\b"), ResourceKind.DOCS),
    (re.compile(r"\bpapers?\b"), ResourceKind.PAPER),
    (re.compile(r"\b(courses?|lessons?)\b"), ResourceKind.COURSE),
    (re.compile(r"\bblog( posts?)?\b|\bblogs\b"), ResourceKind.BLOG),
    (re.compile(r"\b(tutorials?|guides?|examples?)\b"), ResourceKind.TUTORIAL),
    (re.compile(r"\bcase stud(y|ies)\b"), ResourceKind.CASE_STUDY),
    (re.compile(r"\bbooks?\b"), ResourceKind.BOOK),
)

#: Sentence-case words that can open an "A or B" phrase without being part of option A.
_NOT_A_NAME = frozenset({"Official", "The", "Either", "Any", "Both", "Free", "Online"})


def parse_resource(text: str) -> Resource:
    """Parse one bullet's text (without the `- `); `text` is kept exactly as given."""
    original = text
    rest = text.strip()
    url: str | None = None
    link = _LINK.search(rest)
    if link:
        url = link.group("url")
        before, after = rest[: link.start()], rest[link.end() :]
        rest = (before.rstrip().rstrip(":–—-").rstrip() + " " + after.strip()).strip()
        if not rest:
            rest = link.group("text").strip()

    scope: str | None = None
    options: list[str] = []
    paren = _TRAILING_PAREN.search(rest)
    if paren and paren.start() > 0:
        inner = paren.group("inner").strip()
        rest = rest[: paren.start()].rstrip()
        if "," in inner or re.search(r"\sor\s", inner):
            options = _split(_OPTION_SPLIT, inner)
        elif inner:
            scope = inner

    authors: list[str] = []
    quoted = _QUOTED.match(rest)
    if quoted:
        title = quoted.group("title").strip()
        pre = quoted.group("pre").strip()
        post = quoted.group("post").strip()
        by = _BY.match(post)
        descriptor = post
        if by:
            authors = _split(_NAME_SPLIT, by.group("names"))
            descriptor = by.group("desc")
        elif pre:
            # 'Fast.ai "Practical Deep Learning for Coders"': the name before the title
            # is who made it.
            authors = [pre]
        kind = _kind(f"{descriptor} {scope or ''}") or (
            ResourceKind.BOOK if authors and not pre else ResourceKind.OTHER
        )
    else:
        title = rest
        if not options:
            options = _or_options(rest)
        kind = _kind(f"{rest} {scope or ''}") or ResourceKind.OTHER

    return Resource(
        title=title or original.strip(),
        authors=authors,
        kind=kind,
        scope=scope,
        options=options,
        url=url,
        text=original,
    )


def _split(pattern: re.Pattern[str], text: str) -> list[str]:
    return [part.strip() for part in pattern.split(text.strip()) if part.strip()]


def _kind(words: str) -> ResourceKind | None:
    lowered = words.lower()
    for pattern, kind in _KIND_RULES:
        if pattern.search(lowered):
            return kind
    return None


def _is_name(word: str) -> bool:
    return word[:1].isupper() or any(ch.isupper() for ch in word[1:])


def _or_options(title: str) -> list[str]:
    """'Official TensorFlow or PyTorch documentation' -> ['TensorFlow', 'PyTorch'].

    The options are the capitalised names on either side of " or "; the lower-case
    words after them ("documentation") describe the resource, not an option.
    """
    parts = re.split(r"\s+or\s+", title)
    if len(parts) < 2:
        return []
    options: list[str] = []
    for index, part in enumerate(parts):
        words = part.split()
        if index == 0:
            picked: list[str] = []
            for word in reversed(words):
                if not _is_name(word) or word in _NOT_A_NAME:
                    break
                picked.insert(0, word)
        else:
            picked = []
            for word in words:
                if not _is_name(word):
                    break
                picked.append(word)
        if not picked:
            return []
        options.append(" ".join(picked))
    return options
