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
import heapq
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable

from newsdedup.fingerprint.stopwords import stopwords
from newsdedup.relate.story import dates_of

__all__ = [
    "DocumentFrequencies",
    "Vector",
    "content_terms",
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
_DOC_WORDS = 300.0  # words of a typical article, for the background document probability


def content_terms(text: str) -> Counter[str]:
    """Counts of lower-cased content words (3+ letters, no stopwords, possessive 's dropped);
    the same words as relate/story.py's ``content_words``, counted in C before filtering."""
    out: Counter[str] = Counter()
    for word, n in Counter(_WORD.findall(text.lower())).items():
        if word[-2:] in _POSSESSIVES:
            word = word[:-2]
        if word not in _STOP and len(word) >= 3:
            out[word] += n
    return out


def name_words(text: str) -> dict[str, str]:
    """Words of capitalised sequences, less stopwords, lower-cased -> first spelling: the same
    words as relate/story.py's ``names_of`` (a sequence's connectors and a capitalised stopword
    opening a sentence are stopwords), in one regex pass."""
    out: dict[str, str] = {}
    for token in _CAPITALISED.findall(text):
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
    out.update({f"@{d}": d for d in dates_of(text)})
    return out


def _is_rare(rare_zipf: float, background: str) -> Callable[[str], bool]:
    if background == "uniform":
        return lambda _: True
    zipf = _wordfreq_zipf()
    return lambda w: zipf(w) < rare_zipf


def dot(a: Vector, b: Vector) -> float:
    """The dot product of two sparse vectors (the shared terms are found in C)."""
    return sum([a[t] * b[t] for t in a.keys() & b.keys()])


def top_terms(vector: Vector, k: int) -> list[str]:
    """The ``k`` heaviest terms, heaviest first (ties in the vector's order, so stable)."""
    if len(vector) <= k:
        return sorted(vector, key=vector.__getitem__, reverse=True)
    return heapq.nlargest(k, vector, key=vector.__getitem__)


class DocumentFrequencies:
    """Online document frequencies over the voices seen so far, smoothed by a background.

    ``smoothed`` holds ``df + prior_docs * p_background + 0.5`` per term seen, so the idf of a
    term is one lookup and one logarithm.
    """

    __slots__ = ("_background", "docs", "prior_docs", "smoothed")

    def __init__(self, *, prior_docs: float, background: str) -> None:
        self.prior_docs = prior_docs
        self.docs = 0
        self.smoothed: dict[str, float] = {}
        self._background = _background_probability(background)

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
        weights = {t: (1.0 + log(c)) * (total - log(smoothed[t])) for t, c in counts.items()}
        if len(weights) > max_terms:
            weights = {
                t: weights[t] for t in heapq.nlargest(max_terms, weights, key=weights.__getitem__)
            }
        return unit(weights)


def unit(vector: Vector) -> Vector:
    """``vector`` scaled to length 1 (an empty or zero vector stays as it is)."""
    norm = math.sqrt(sum(v * v for v in vector.values()))
    return {t: v / norm for t, v in vector.items()} if norm > 0 else vector


def _background_probability(kind: str) -> Callable[[str], float]:
    if kind == "uniform":
        return _uniform
    return _wordfreq_probability()


def _uniform(term: str) -> float:
    return 0.0


@functools.cache
def _wordfreq_zipf() -> Callable[[str], float]:
    from wordfreq import zipf_frequency

    @functools.lru_cache(maxsize=1 << 20)
    def zipf(term: str) -> float:
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
