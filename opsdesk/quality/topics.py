"""What customers write about, in five languages, with libraries that run here (docs/adr/0034-feedback-topics.md):
a comment's words are cut to their stems with the Snowball stemmers ("återbetalningen" and "återbetalningar" →
"återbetalning", "возвраты" → "возврат"), stop words (stopwordsiso) and short or numeric tokens dropped; a topic is
a stem in one language, counted once per comment, and shown as the word customers wrote most often for it.
Rising and falling topics compare each topic's share of the period's comments with the period before.

Stems, not a lemmatiser's base forms: simplemma's dictionaries for the five languages took 4.8 s to load and 650 MB
of memory, too much for a web process; the stemmers take 22 MB and no time. Finnish consonant gradation splits a
few words ("hyvitys" and "hyvityksen" are two stems).

Sentiment is the customer's own: the rating the comment came with (negative as in `actions.is_negative`), not a
model's guess; no maintained sentiment model for Finnish and Greek runs locally at a size a help desk carries.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import snowballstemmer
import stopwordsiso

LANGUAGES = ("en", "fi", "sv", "ru", "el")
MIN_LENGTH = 3
MIN_COUNT = 2  # a topic mentioned fewer times in the period is not shown


STEMMERS = {"en": "english", "fi": "finnish", "sv": "swedish", "ru": "russian", "el": "greek"}
_WORD = re.compile(r"[^\W\d_]+")


@functools.cache
def _stop(language: str) -> frozenset[str]:
    return frozenset(word.lower() for word in stopwordsiso.stopwords(language))


@functools.cache
def _stemmer(language: str) -> snowballstemmer.stemmer:
    return snowballstemmer.stemmer(STEMMERS[language])


def words(text: str, language: str) -> dict[str, str]:
    """Each stem a comment is about, with the word it was written as (each stem once)."""
    language = language if language in LANGUAGES else "en"
    stop, stemmer = _stop(language), _stemmer(language)
    found: dict[str, str] = {}
    for match in _WORD.finditer(text or ""):
        word = match.group().lower()
        if len(word) < MIN_LENGTH or word in stop:
            continue
        stem = stemmer.stemWord(word)
        if len(stem) >= MIN_LENGTH:
            found.setdefault(stem, word)
    return found


def terms(text: str, language: str) -> set[str]:
    """The stems a comment is about (each once)."""
    return set(words(text, language))


@dataclass(frozen=True)
class Comment:
    language: str
    text: str
    negative: bool
    found: Mapping[str, str] | None = None  # its `words`, when stored with the answer (the text is then not read)


@dataclass(frozen=True)
class Topic:
    language: str
    term: str  # the stem
    word: str  # the form customers wrote most often
    count: int  # comments in the period that mention it
    share: float  # of the period's comments in that language, %
    before: float  # the same share in the period before, %
    negative: float  # of the comments mentioning it, % with a negative rating

    @property
    def change(self) -> float:
        return self.share - self.before


Key = tuple[str, str]


def _count(comments: Iterable[Comment]) -> tuple[Counter[Key], Counter[Key], Counter[str], dict[Key, Counter[str]]]:
    mentions: Counter[Key] = Counter()
    negative: Counter[Key] = Counter()
    per_language: Counter[str] = Counter()
    forms: dict[Key, Counter[str]] = {}
    for comment in comments:
        language = comment.language if comment.language in LANGUAGES else "en"
        per_language[language] += 1
        found = comment.found if comment.found is not None else words(comment.text, language)
        for stem, word in found.items():
            key = (language, stem)
            mentions[key] += 1
            negative[key] += comment.negative
            forms.setdefault(key, Counter())[word] += 1
    return mentions, negative, per_language, forms


def topics(now: Iterable[Comment], before: Iterable[Comment], *, limit: int = 10) -> tuple[list[Topic], list[Topic]]:
    """The period's rising and falling topics, the largest change first (at least MIN_COUNT mentions now, for
    rising; at least MIN_COUNT before, for falling)."""
    mentions, negative, sizes, forms = _count(now)
    earlier, _negative_before, sizes_before, forms_before = _count(before)
    found = []
    for key in set(mentions) | set(earlier):
        language, term = key
        share = 100 * mentions[key] / sizes[language] if sizes[language] else 0.0
        was = 100 * earlier[key] / sizes_before[language] if sizes_before[language] else 0.0
        found.append(
            Topic(
                language,
                term,
                (forms.get(key) or forms_before[key]).most_common(1)[0][0],
                mentions[key],
                share,
                was,
                100 * negative[key] / mentions[key] if mentions[key] else 0.0,
            )
        )
    rising = sorted(
        (t for t in found if t.count >= MIN_COUNT and t.change > 0), key=lambda t: (-t.change, -t.count, t.term)
    )
    falling = sorted(
        (t for t in found if earlier[(t.language, t.term)] >= MIN_COUNT and t.change < 0),
        key=lambda t: (t.change, t.term),
    )
    return rising[:limit], falling[:limit]
