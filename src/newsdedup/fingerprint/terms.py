"""Sparse weighted term vectors for story grouping, with document frequencies kept online.

A stream has no corpus statistics at its start, so each word's document frequency is smoothed
by a background of ``prior_docs`` pseudo-documents drawn from general English: a word of Zipf
frequency ``z`` (wordfreq; unknown words 0) occurs in a document of ~300 words with probability
``min(1, 300 * 10**(z - 9))``. The inverse document frequency is then

    idf(w) = ln((N + prior_docs + 1) / (df(w) + prior_docs * p_background(w) + 0.5))

so at the start "Samarkand" weighs twice "meeting" (as in relate/story.py's ``9 - zipf``), and
once the stream has seen a few thousand voices its own frequencies decide (the generated
corpus's made-up words are all unknown to wordfreq: only the online counts tell them apart).
Vectors are dicts term -> weight, ``(1 + ln tf) * idf``, cut to their ``max_terms`` heaviest
terms and scaled to unit length.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable
from itertools import repeat
from operator import add, mul

from newsdedup.fingerprint.stopwords import stopwords
from newsdedup.relate.story import _MONTH_DAY as _MONTH_DAY_PATTERN
from newsdedup.relate.story import _WEEKDAY as _WEEKDAY_PATTERN

__all__ = [
    "DocumentFrequencies",
    "Vector",
    "background_probability",
    "content_terms",
    "dates_of",
    "dot",
    "entity_terms",
    "name_words",
    "top_terms",
    "unit",
]

Vector = dict[str, float]

_STOP = frozenset(stopwords("en"))
_WORD = re.compile(r"[^\W\d_]{3,}(?:['\u2019][^\W\d_]+)?")
_POSSESSIVES = frozenset(("'s", "\u2019s"))
_CAPITALISED = re.compile(r"\b[A-Z][\w'\u2019.-]*")
_WEEKDAY = re.compile(r"(?=[MTWFS])" + _WEEKDAY_PATTERN.pattern)
_MONTH_DAY = re.compile(r"(?=[JFMASOND][aceopu][bcglnprtvy])" + _MONTH_DAY_PATTERN.pattern)
_DOC_WORDS = 300.0  # words of a typical article, for the background document probability


def content_terms(text: str) -> dict[str, int]:
    """Counts of lower-cased content words (3+ letters, no stopwords, possessive 's dropped);
    the same words as relate/story.py's ``content_words``, counted in C before filtering, in
    order of first appearance."""
    low = text.lower()
    counts = Counter(_WORD.findall(low))
    if "'" not in low and "\u2019" not in low:  # no possessives: one C-speed filter
        return {w: n for w, n in counts.items() if w not in _STOP}
    out: dict[str, int] = {}
    get = out.get
    for word, n in counts.items():
        if word[-2:] in _POSSESSIVES:
            word = word[:-2]
            if len(word) < 3:
                continue
        if word not in _STOP:
            out[word] = get(word, 0) + n
    return out


def name_words(text: str) -> dict[str, str]:
    """Words of capitalised sequences, less stopwords, lower-cased -> first spelling: the same
    words as relate/story.py's ``names_of`` (a sequence's connectors and a capitalised stopword
    opening a sentence are stopwords), in one regex pass."""
    out: dict[str, str] = {}
    for token in dict.fromkeys(_CAPITALISED.findall(text)):  # a repeat adds nothing
        surface = token.strip(".'\u2019-")
        if surface[-2:] in _POSSESSIVES:
            surface = surface[:-2].strip(".'\u2019-")
        word = surface.lower()
        if len(word) > 1 and word not in _STOP and word not in out:
            out[word] = surface
    return out


def entity_terms(text: str, *, rare_zipf: float, background: str) -> dict[str, str]:
    """The event's own names and days: name words (``name_words``) rarer than ``rare_zipf`` in
    general English ("Samarkand", "SCO", not "Putin" or "Russia", which stay in the content
    words), and the weekdays and month-days it names ("thursday", "sep 15"). Maps each to how
    it is written."""
    rare = _is_rare(rare_zipf, background)
    out = {w: s for w, s in name_words(text).items() if rare(w)}
    out.update({f"@{d}": d for d in sorted(dates_of(text))})  # not in string-hash order
    return out


def dates_of(text: str) -> set[str]:
    """relate/story.py's ``dates_of`` (same set), faster: a weekday needs "day" in the text,
    and a lookahead on the first letters lets the regex engine skip most positions."""
    found = {m.lower() for m in _WEEKDAY.findall(text)} if "day" in text else set()
    found.update(f"{month.lower()} {int(day)}" for month, day in _MONTH_DAY.findall(text))
    return found


def _is_rare(rare_zipf: float, background: str) -> Callable[[str], bool]:
    if background == "uniform":
        return lambda _: True
    zipf = _wordfreq_zipf()
    return lambda w: zipf(w) < rare_zipf


def dot(a: Vector, b: Vector) -> float:
    """The dot product of two sparse vectors (the shared terms are found and summed in C)."""
    shared = a.keys() & b.keys()
    total: float = sum(map(mul, map(a.__getitem__, shared), map(b.__getitem__, shared)))
    return total


def top_terms(vector: Vector, k: int) -> list[str]:
    """The ``k`` heaviest terms, heaviest first (ties in the vector's order, so stable).
    ``heapq.nlargest``'s result, which a C sort of a few hundred terms finds sooner."""
    return sorted(vector, key=vector.__getitem__, reverse=True)[:k]


class DocumentFrequencies:
    """Online document frequencies over the voices seen so far, smoothed by a background.

    ``smoothed`` holds ``df + prior_docs * p_background + 0.5`` per term seen, so the idf of a
    term is one lookup and one logarithm.
    """

    __slots__ = ("_background", "background", "docs", "prior_docs", "smoothed")

    def __init__(self, *, prior_docs: float, background: str) -> None:
        self.prior_docs = prior_docs
        self.background = background
        self.docs = 0
        self.smoothed: dict[str, float] = {}
        self._background = background_probability(background)

    def __getstate__(self) -> tuple[float, str, int, dict[str, float]]:
        """The counts, not the background function (a closure): pickles for snapshots and
        for the story worker (story_features.py)."""
        return self.prior_docs, self.background, self.docs, self.smoothed

    def __setstate__(self, state: tuple[float, str, int, dict[str, float]]) -> None:
        self.prior_docs, self.background, self.docs, self.smoothed = state
        self._background = background_probability(self.background)

    def add(self, terms: Iterable[str]) -> None:
        """Count one more document holding ``terms`` (each distinct term once)."""
        smoothed, prior, background = self.smoothed, self.prior_docs, self._background
        for t in terms:
            d = smoothed.get(t)
            smoothed[t] = (prior * background(t) + 1.5) if d is None else d + 1.0
        self.docs += 1

    def df(self, term: str) -> int:
        """How many documents so far held ``term``."""
        d = self.smoothed.get(term)
        return 0 if d is None else round(d - 0.5 - self.prior_docs * self._background(term))

    def idf(self, term: str) -> float:
        d = self.smoothed.get(term)
        if d is None:
            d = self.prior_docs * self._background(term) + 0.5
        return math.log(self.docs + self.prior_docs + 1.0) - math.log(d)

    def vector(self, counts: Counter[str] | dict[str, int], max_terms: int) -> Vector:
        """The unit ``(1 + ln tf) * idf`` vector of ``counts`` (terms already ``add``-ed),
        cut to ``max_terms`` terms."""
        log, smoothed = math.log, self.smoothed
        total = log(self.docs + self.prior_docs + 1.0)
        tf = _TF
        weights = {
            t: (tf[c] if c < _TF_SIZE else 1.0 + log(c)) * (total - log(smoothed[t]))
            for t, c in counts.items()
        }
        return _cut_unit(weights, max_terms)

    def add_vector(self, counts: dict[str, int], max_terms: int) -> Vector:
        """``add(counts)`` then ``vector(counts, max_terms)`` (the same floats), with the
        per-term work done by C iterators: only new terms take a Python step."""
        smoothed, terms = self.smoothed, counts.keys()
        # one lookup per term for the old counts and one update for the new: a big dict's
        # lookups are memory-bound, so they are what costs (the same floats as ``add``)
        seen = list(map(smoothed.get, terms))
        fresh = [i for i, d in enumerate(seen) if d is None]
        for i in fresh:
            seen[i] = 0.0
        smoothed_now = list(map(add, seen, repeat(1.0)))  # d + 1 for each term seen before
        if fresh:
            prior, background = self.prior_docs, self._background
            listed = list(terms)
            for i in fresh:
                smoothed_now[i] = prior * background(listed[i]) + 1.5
        smoothed.update(zip(terms, smoothed_now, strict=True))
        self.docs += 1
        total = math.log(self.docs + self.prior_docs + 1.0)
        if max(counts.values(), default=0) >= _TF_SIZE:
            return self.vector(counts, max_terms)
        idf = map(total.__sub__, map(math.log, smoothed_now))
        tfs = map(_TF.__getitem__, counts.values())
        weights = dict(zip(terms, map(mul, tfs, idf), strict=True))
        return _cut_unit(weights, max_terms)

    def peek_vector(self, counts: dict[str, int], max_terms: int) -> Vector:
        """The vector ``add_vector(counts, max_terms)`` would return (the same floats), without
        counting the document: a query against a live index must leave it as it was."""
        smoothed, prior, background = self.smoothed, self.prior_docs, self._background
        log = math.log
        total = log(self.docs + 1 + prior + 1.0)
        weights: Vector = {}
        for t, c in counts.items():
            d = smoothed.get(t)
            d = prior * background(t) + 1.5 if d is None else d + 1
            weights[t] = (_TF[c] if c < _TF_SIZE else 1.0 + log(c)) * (total - log(d))
        return _cut_unit(weights, max_terms)


_TF_SIZE = 1024
_TF = [0.0] + [1.0 + math.log(c) for c in range(1, _TF_SIZE)]  # 1 + ln tf for small counts


def _cut_unit(weights: Vector, max_terms: int) -> Vector:
    if len(weights) > max_terms:
        weights = {t: weights[t] for t in top_terms(weights, max_terms)}
    return unit(weights)


def unit(vector: Vector) -> Vector:
    """``vector`` scaled to length 1 (an empty or zero vector stays as it is)."""
    values = vector.values()
    norm = math.sqrt(sum(map(mul, values, values)))
    return {t: v / norm for t, v in vector.items()} if norm > 0 else vector


def background_probability(kind: str) -> Callable[[str], float]:
    """How likely a ~300-word general-English document holds a term ("wordfreq"; 0 for
    "uniform"), as ``DocumentFrequencies`` smooths by it."""
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
