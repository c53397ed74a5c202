"""The words of a text that story vectors are made of, and how rare each is in general English.

``content_terms`` counts a text's content words; ``dates_of`` finds the days it names;
``background_probability`` says how likely a ~300-word general-English document holds a term:
a word of Zipf frequency ``z`` (wordfreq; unknown words 0) with probability
``min(1, 300 * 10**(z - 9))``. group/stories/vectors.py weighs terms by ``-ln`` of it, a rarity
that needs no corpus statistics.
"""

from __future__ import annotations

import functools
import re
import string
from collections import Counter
from collections.abc import Callable

from newsdedup.fingerprint.stopwords import stopwords

__all__ = ["background_probability", "content_terms", "dates_of"]

_STOP = frozenset(stopwords("en"))
_WORD = re.compile(r"[^\W\d_]{3,}(?:['\u2019][^\W\d_]+)?")
_POSSESSIVES = frozenset(("'s", "\u2019s"))
#: Characters no ``_WORD`` match holds (punctuation, not the apostrophes, which one may hold
#: inside), stripped from a token's ends before the letters test.
_EDGE = "".join(c for c in string.punctuation if c != "'") + (
    "\u00a0\u00ab\u00bb\u2013\u2014\u2018\u201c\u201d\u2026"
)
# a lookahead on the first letters lets the regex engine skip most positions
_WEEKDAY = re.compile(r"(?=[MTWFS])\b(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b")
# the month opens the pattern: an alternation of literals, whose first letters the regex
# engine scans for in C (2.3x sooner than a lookahead tried at every position); the word
# boundary before it is the lookbehind after it (every abbreviation is three letters)
_MONTH_DAY = re.compile(
    r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)(?<!\w...)"
    r"[a-z]*\.?\s+(\d{1,2})\b(?!\s*[,.]?\d)"
)
_DOC_WORDS = 300.0  # words of a typical article, for the background document probability


def content_terms(text: str) -> dict[str, int]:
    """Counts of lower-cased content words (3+ letters, no stopwords, possessive 's dropped);
    the same words as relate/story.py's ``content_words``, in order of first appearance.

    ``_WORD`` never matches across white space, so its words are those of each distinct
    whitespace token, counted once per token in C (``Counter``). Most tokens are a run of
    letters between punctuation that no word holds (``_EDGE``): that run is the token's one
    word, with no regex call; the rest go through ``_WORD`` (1.4% of a news text's distinct
    tokens). The regex over the whole text took about 70% of this function's time.
    """
    out: dict[str, int] = {}
    get = out.get
    for token, n in Counter(text.lower().split()).items():
        core = token.strip(_EDGE)
        if core.isalpha():  # every letter is in _WORD's class, no apostrophe: one word
            if len(core) >= 3 and core not in _STOP:
                out[core] = get(core, 0) + n
            continue
        for word in _WORD.findall(core):
            if word[-2:] in _POSSESSIVES:
                word = word[:-2]
                if len(word) < 3:
                    continue
            if word not in _STOP:
                out[word] = get(word, 0) + n
    return out


def dates_of(text: str) -> set[str]:
    """Weekdays ("thursday") and month-day dates ("sep 15") mentioned in the text (a weekday
    needs "day" in the text, which skips most texts without one)."""
    found = {m.lower() for m in _WEEKDAY.findall(text)} if "day" in text else set()
    found.update(f"{month.lower()} {int(day)}" for month, day in _MONTH_DAY.findall(text))
    return found


def background_probability(kind: str) -> Callable[[str], float]:
    """How likely a ~300-word general-English document holds a term ("wordfreq"; 0 for
    "uniform")."""
    if kind == "uniform":
        return _uniform
    return _wordfreq_probability()


def _uniform(term: str) -> float:
    return 0.0


@functools.cache
def _wordfreq_zipf() -> Callable[[str], float]:
    from wordfreq import get_frequency_dict, zipf_frequency

    listed = get_frequency_dict("en")

    @functools.lru_cache(maxsize=1 << 20)
    def zipf(term: str) -> float:
        if term.isascii() and term.isalpha() and term.islower() and term not in listed:
            return 0.0  # one token, not in the list: what zipf_frequency says, 100x sooner
        return float(zipf_frequency(term, "en"))

    return zipf


@functools.cache
def _wordfreq_probability() -> Callable[[str], float]:
    zipf = _wordfreq_zipf()

    @functools.lru_cache(maxsize=1 << 20)
    def probability(term: str) -> float:
        z = zipf(term)
        return 0.0 if z <= 0 else min(1.0, _DOC_WORDS * 10.0 ** (z - 9.0))

    return probability
