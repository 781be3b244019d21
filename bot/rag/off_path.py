"""Everyday questions the path does not cover: the scope decision's off-path anchors.

They live in `bot/rag/assets/off_path.txt`, area of life by area of life, deliberately
rich in words the path also uses in another sense (a sales pipeline, troops deployed, a
car model, a snow drift, a child's attention, a bathroom scale, a kernel of corn…), with
technology the path does not teach (web pages, spreadsheets, SQL, Wi-Fi…), careers, and
questions about the study group and the bot itself: a question lands nearer one of these
than any block of the path when it is not about what the path teaches.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

ANCHORS_FILE = Path(__file__).with_name("assets") / "off_path.txt"


@cache
def off_path_examples() -> tuple[str, ...]:
    """The anchors, in file order: one per line; blank lines and lines starting with '#'
    (after any indentation) are skipped."""
    lines = (line.strip() for line in ANCHORS_FILE.read_text(encoding="utf-8").splitlines())
    return tuple(line for line in lines if line and not line.startswith("#"))
