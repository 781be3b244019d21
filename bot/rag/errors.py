"""The one error the RAG explains to people; importing it loads nothing heavy.

The core's /ask catches it without the `rag` extra installed (bot/services/ask.py).
"""

from __future__ import annotations


class RagError(RuntimeError):
    """A problem the learner or operator can act on; the message is one friendly line."""
