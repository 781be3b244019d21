"""Words as the keyword index sees them: lower-cased, stop words dropped, Snowball-stemmed.

The benchmark uses the same functions to decide mechanically whether a question
shares a content word with the block that answers it.
"""

from __future__ import annotations

import re
from functools import lru_cache

import Stemmer

# Letters/digits with inner hyphens or dots kept together first ("t-sne", "ci/cd" is split
# later by the acronym table), then split on the rest.
_WORD_RE = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")

#: Function words and the filler of questions ("what should I read about…").
_STOPWORD_TEXT = """
    a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each etc few for
    from further had has have having he her here hers herself him himself his how i if in into
    is it its itself just let lets like me more most my myself no nor not now of off on once
    only or other our ours ourselves out over own same she should so some such than that the
    their theirs them themselves then there these they this those through to too under until
    up very was we were what when where which while who whom why will with would you your
    yours yourself yourselves s t ll re ve d m don doesn didn isn aren wasn weren won wouldn
    shouldn couldn cant im whats theres thats vs versus via eg ie
    anything something everything thing things way ways get got gets go goes going went really
    actually want wants need needs know tell please help explain explained good best better
    read reading readings learn learning study studying resource resources recommend suggest
    everyone everybody someone somebody anyone anybody nobody whatever whenever wherever
    say says said saying
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english")


def words(text: str) -> list[str]:
    """Lower-cased words, hyphenated words split into their parts plus the joined form."""
    out: list[str] = []
    for token in _WORD_RE.findall(text.lower()):
        token = token.replace("'", "")
        if "-" in token:
            parts = [p for p in token.split("-") if p]
            out.extend(parts)
            out.append("".join(parts))
        else:
            out.append(token)
    return out


def stem(word: str) -> str:
    return str(_stemmer().stemWord(word))


def content_terms(text: str) -> list[str]:
    """Stemmed content words, in order, duplicates kept (BM25 counts them)."""
    return [stem(w) for w in words(text) if w not in STOPWORDS and len(w) > 1]


def content_set(text: str) -> set[str]:
    return set(content_terms(text))
