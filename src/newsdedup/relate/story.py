"""The figures that tell whether two articles report the same story, from the two texts alone.

Two articles give no corpus statistics, so rarity comes from general English: each content word
weighs ``9 - zipf`` (its Zipf frequency in wordfreq's lists, so roughly -log10 of its share of
all words; unknown words weigh 9), which makes "Samarkand" count four times "meeting". The
figures are:

- ``similarity``: cosine of the two weighted content-word vectors, ``(1 + log tf) * weight``;
- shared *names*: words of capitalised sequences (people, places, organisations), and the rare
  ones among them (below ``rare_zipf``), the event's own names rather than its actors';
- shared *dates*: weekdays and month-day dates the texts mention ("Thursday", "September 15"),
  which pin the event in time, and shared numbers of two digits or more;
- ``days_apart`` of the publication dates, when both are known.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from newsdedup.config import RelationConfig
from newsdedup.fingerprint.stopwords import stopwords
from newsdedup.fingerprint.terms import dates_of

__all__ = ["StoryFigures", "story_figures"]

_STOP = frozenset(stopwords("en"))
_WORD = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)?")
_POSSESSIVE = re.compile(r"['\u2019]s$")
_NAME = re.compile(
    r"\b[A-Z][\w'\u2019.-]*(?:\s+(?:of|de|del|la|van|von|al|bin)?\s*[A-Z][\w'\u2019.-]*)*"
)
_SENTENCE_START = re.compile(r"(?:^|[.!?:]\s+|\n\s*|[\"“'\u2018(-]\s*)$")
_NUMBER = re.compile(r"\d[\d,.]*\d")
_UNKNOWN_ZIPF = 0.0
_MAX_ZIPF = 9.0


@dataclass(frozen=True, slots=True, kw_only=True)
class StoryFigures:
    """What two articles share beyond copied text. Names are spelled as in the first text;
    ``days_apart`` is None unless both publication dates are known."""

    similarity: float
    shared_names: tuple[str, ...]
    rare_names: tuple[str, ...]
    shared_dates: tuple[str, ...]
    shared_numbers: tuple[str, ...]
    days_apart: float | None


def story_figures(
    a: str,
    b: str,
    config: RelationConfig,
    published_a: datetime | None = None,
    published_b: datetime | None = None,
) -> StoryFigures:
    """The story figures of two texts (symmetric in ``a`` and ``b``)."""
    zipf = _zipf_function(config.weights)
    words_a, words_b = Counter(content_words(a)), Counter(content_words(b))
    names_a = names_of(a)
    names = sorted(names_a.keys() & names_of(b).keys())
    return StoryFigures(
        similarity=_cosine(words_a, words_b, zipf),
        shared_names=tuple(names_a[n] for n in names),
        rare_names=tuple(names_a[n] for n in names if zipf(n) < config.rare_zipf),
        shared_dates=tuple(sorted(dates_of(a) & dates_of(b))),
        shared_numbers=tuple(sorted(numbers_of(a) & numbers_of(b))),
        days_apart=_days_apart(published_a, published_b),
    )


def content_words(text: str) -> list[str]:
    """Lower-cased words of three letters or more, not stopwords, without a possessive 's."""
    words = (_POSSESSIVE.sub("", m.group().lower()) for m in _WORD.finditer(text))
    return [w for w in words if len(w) >= 3 and w not in _STOP]


def names_of(text: str) -> dict[str, str]:
    """Words of capitalised sequences, less a capitalised stopword opening a sentence ("The",
    "But"): the people, places and organisations a text names, lower-cased, each mapped to its
    first spelling in the text."""
    out: dict[str, str] = {}
    for m in _NAME.finditer(text):
        tokens = m.group().strip(" .'\u2019-").split()
        opens = m.start() == 0 or bool(
            _SENTENCE_START.search(text[max(0, m.start() - 3) : m.start()])
        )
        if opens and tokens and tokens[0].lower() in _STOP:
            tokens = tokens[1:]
        for token in tokens:
            surface = _POSSESSIVE.sub("", token.strip(".'\u2019-"))
            word = surface.lower()
            if len(word) > 1 and word not in _STOP:
                out.setdefault(word, surface)
    return out


def numbers_of(text: str) -> set[str]:
    """Numbers of two digits or more, thousands separators removed ("3,000" -> "3000")."""
    return {m.group().replace(",", "").rstrip(".") for m in _NUMBER.finditer(text)}


def _cosine(a: Counter[str], b: Counter[str], zipf: Callable[[str], float]) -> float:
    va = {w: (1.0 + math.log(c)) * (_MAX_ZIPF - zipf(w)) for w, c in a.items()}
    vb = {w: (1.0 + math.log(c)) * (_MAX_ZIPF - zipf(w)) for w, c in b.items()}
    dot = sum(v * vb[w] for w, v in va.items() if w in vb)
    norm = math.sqrt(sum(v * v for v in va.values()) * sum(v * v for v in vb.values()))
    return min(1.0, dot / norm) if norm else 0.0


def _days_apart(a: datetime | None, b: datetime | None) -> float | None:
    if a is None or b is None:
        return None
    if (a.tzinfo is None) != (b.tzinfo is None):  # compare naive and aware dates by wall clock
        a, b = a.replace(tzinfo=None), b.replace(tzinfo=None)
    return abs((a - b).total_seconds()) / 86400.0


def _zipf_function(weights: str) -> Callable[[str], float]:
    if weights == "uniform":
        return _uniform_zipf
    return _wordfreq_zipf()


def _uniform_zipf(word: str) -> float:
    """Every word equally rare: the weight is 9 for all, and every name counts as rare."""
    return _UNKNOWN_ZIPF


@functools.cache
def _wordfreq_zipf() -> Callable[[str], float]:
    from wordfreq import zipf_frequency

    @functools.lru_cache(maxsize=1 << 18)
    def zipf(word: str) -> float:
        return float(zipf_frequency(word, "en"))

    return zipf
