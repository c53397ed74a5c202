"""The generator's own vocabulary: pseudo-words built from syllables, plus real function words.

Generated text must be nobody's text, yet look like English to a deduplicator: about 45% of the
tokens are function words at realistic relative frequencies, and content words follow a
Zipf-Mandelbrot law (rank ``r`` has weight ``(r + 8) ** -1.07``), with short words frequent and
long words rare. Function and content words come in alternating runs (mean lengths 1.45 and 1.65),
so "the the the" is rare and most function words sit next to a content word, as in English.
A synonym table pairs each content word with one of similar frequency, for rewritten copies.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from newsdedup.synth.rand import Draws, derive

__all__ = ["FUNCTION_WORDS", "Vocabulary", "make_vocabulary"]

#: Real English function words with rough per-million frequencies in news text.
FUNCTION_WORDS: dict[str, int] = {
    "the": 52000, "of": 25000, "and": 23000, "to": 22000, "a": 20000, "in": 17500,
    "that": 9000, "is": 8000, "for": 8000, "was": 7500, "it": 7000, "on": 6500,
    "with": 6000, "said": 5500, "as": 5500, "he": 5200, "by": 4500, "at": 4500, "from": 4000,
    "his": 4000, "be": 4000, "have": 3800, "has": 3600, "are": 3500, "but": 3500,
    "not": 3000, "this": 3000, "they": 3000, "an": 3000, "had": 2800, "which": 2500,
    "were": 2500, "or": 2500, "will": 2500, "their": 2300, "been": 2200, "its": 2200,
    "who": 2200, "would": 2000, "more": 1800, "one": 1800, "after": 1600, "there": 1500,
    "also": 1500, "we": 1500, "about": 1400, "when": 1400, "she": 1400, "her": 1400,
    "up": 1300, "out": 1200, "than": 1100, "into": 1000, "can": 1000, "all": 1000,
    "other": 900, "two": 900, "last": 800, "over": 800, "so": 800, "if": 800, "some": 700,
    "could": 700, "what": 700, "them": 700, "only": 700, "most": 600, "first": 600,
    "just": 500, "because": 500, "before": 500, "under": 400, "while": 400, "since": 400,
    "through": 400, "during": 400, "those": 400, "these": 400, "where": 400, "against": 350,
    "then": 350, "between": 350, "many": 350, "any": 300, "such": 300, "should": 300,
    "may": 300, "both": 300, "each": 250, "very": 250, "how": 250, "us": 250, "our": 250,
    "him": 250, "being": 250, "did": 250, "do": 250, "no": 250, "does": 200, "until": 200,
    "without": 200, "across": 150, "however": 150, "although": 150, "whether": 150,
    "still": 150, "three": 150, "now": 300, "even": 200, "according": 150, "told": 400,
}  # fmt: skip

#: Function-word paraphrases a machine rewriter makes.
_FUNCTION_SYNONYMS: dict[str, str] = {
    "said": "stated", "told": "informed", "while": "whereas", "but": "however", "about": "around",
    "after": "following", "before": "prior to", "because": "as", "since": "as",
    "although": "though", "during": "throughout", "until": "till", "also": "too",
    "many": "numerous", "most": "the majority of", "could": "might", "would": "will",
    "against": "versus", "between": "among", "into": "in", "over": "more than", "only": "just",
    "just": "only", "still": "yet", "very": "really", "first": "initial", "last": "final",
    "than": "then", "which": "that", "that": "which", "an": "a", "the": "a", "a": "the",
    "is": "was", "was": "is", "has": "had", "have": "had", "will": "would", "may": "might",
}  # fmt: skip

_ONSETS = (
    "", "", "b", "c", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "r", "s", "t", "v",
    "w", "z", "br", "cr", "dr", "fr", "gr", "pr", "tr", "st", "sl", "pl", "bl", "cl", "ch",
    "sh", "th", "sp", "sk", "kr", "gl", "qu",
)  # fmt: skip
_NUCLEI = ("a", "e", "i", "o", "u", "a", "e", "i", "o", "ai", "ea", "ou", "ie", "oo", "y")
_CODAS = ("", "", "", "", "n", "r", "s", "t", "l", "m", "nd", "st", "ck", "ng", "rt", "x", "sh")
_SYLLABLE_COUNTS = (1, 2, 3, 4)
_SYLLABLE_WEIGHTS = (0.22, 0.46, 0.25, 0.07)

_FUNCTION_RUN_MEAN = 1.45
_CONTENT_RUN_MEAN = 1.65
_ZIPF_OFFSET = 8.0
_ZIPF_EXPONENT = 1.07
_SYNONYM_WINDOW = 6
_FUNCTION_SHARE = _FUNCTION_RUN_MEAN / (_FUNCTION_RUN_MEAN + _CONTENT_RUN_MEAN)
_F_BITS = 16  # sampling tables: a uniform integer indexes a table of word ids (inverse CDF)
_C_BITS = 21  # 2M slots: the rarest content word still owns about four of them
_MASK_SIZE = 1 << 20
_POOL = 1 << 16


@dataclass(frozen=True, slots=True, eq=False)
class Vocabulary:
    """Sampling tables of one seed; build it with ``make_vocabulary`` (cached per seed).

    Words are drawn by table look-up rather than a CDF search, and the function/content pattern
    is a window of one long precomputed run sequence, 65,536 tokens at a time.
    """

    given: tuple[str, ...]  # capitalised pseudo-words of 1-2 syllables: first names
    names: tuple[str, ...]  # of 2-3 syllables: surnames, places, organisations
    words: np.ndarray  # object array: function words by frequency, then content words by rank
    caps: dict[str, str]  # word -> capitalised, for sentence starts
    n_function: int
    function_table: np.ndarray  # 2**16 word ids
    content_table: np.ndarray  # 2**21 word ids
    mask: np.ndarray  # a long run pattern, True at function words
    synonyms: dict[str, str]  # word (lower and capitalised) -> paraphrase
    known: frozenset[str]  # every word and its capitalised form, to tell words from entities
    function: frozenset[str]  # the function words

    def tokens(self, d: Draws, n: int) -> list[str]:
        """``n`` running-text tokens.

        Served from a pool of 65,536 tokens kept in ``d.state``: one numpy pass per pool
        instead of eight small calls per article.
        """
        pool = d.state.get("tokens")
        if not isinstance(pool, _TokenPool) or pool.vocab is not self:
            pool = d.state["tokens"] = _TokenPool(self, d.gen)
        return pool.take(n)

    def content_word(self, rank: int) -> str:
        return str(self.words[self.n_function + min(rank, len(self.words) - self.n_function - 1)])

    def word(self, d: Draws) -> str:
        """One running-text word, function or content, at corpus frequency."""
        u = d.u()
        if u < _FUNCTION_SHARE:
            return str(self.words[self.function_table[int(u / _FUNCTION_SHARE * (1 << _F_BITS))]])
        v = (u - _FUNCTION_SHARE) / (1.0 - _FUNCTION_SHARE)
        return str(self.words[self.content_table[int(v * (1 << _C_BITS))]])

    def name(self, d: Draws) -> str:
        """A capitalised pseudo-word for a surname, place or organisation."""
        return d.pick(self.names)


class _TokenPool:
    """Running text drawn 65,536 tokens at a time, handed out in slices."""

    __slots__ = ("_gen", "_pos", "_words", "vocab")

    def __init__(self, vocab: Vocabulary, gen: np.random.Generator) -> None:
        self.vocab = vocab
        self._gen = gen
        self._words: list[str] = []
        self._pos = 0

    def take(self, n: int) -> list[str]:
        if self._pos + n > len(self._words):
            self._refill(n)
        a, b = self._pos, self._pos + n
        self._pos = b
        return self._words[a:b]

    def _refill(self, n: int) -> None:
        size = max(_POOL, n)
        v = self.vocab
        raw = self._gen.bit_generator.random_raw(size)
        function = v.function_table[raw & ((1 << _F_BITS) - 1)]
        content = v.content_table[raw >> (64 - _C_BITS)]
        start = int(raw[0] % (len(v.mask) - size)) if size <= len(v.mask) // 2 else -1
        mask = v.mask[start : start + size] if start >= 0 else _run_mask(self._gen, size)
        ids = np.where(mask, function, content)
        self._words = self._words[self._pos :] + v.words.take(ids).tolist()
        self._pos = 0


def _run_mask(gen: np.random.Generator, n: int) -> np.ndarray:
    """Alternating runs of content (False) and function (True) words, geometric lengths."""
    pairs = n // 2 + 8
    runs = np.empty(2 * pairs, dtype=np.int64)
    runs[0::2] = gen.geometric(1.0 / _CONTENT_RUN_MEAN, pairs)
    runs[1::2] = gen.geometric(1.0 / _FUNCTION_RUN_MEAN, pairs)
    states = np.zeros(2 * pairs, dtype=bool)
    states[1::2] = True
    return np.repeat(states, runs)[:n]


def _names(
    gen: np.random.Generator,
    syllables: tuple[str, ...],
    n: int,
    syllables_per_name: tuple[int, int],
    avoid: set[str],
) -> tuple[str, ...]:
    """A pool of up to ``n`` proper names, none of them a word of the text (so a name tells
    stories apart), drawn once so that naming an entity costs one draw."""
    lo, hi = syllables_per_name
    counts = gen.integers(lo, hi + 1, size=n).tolist()
    picks = gen.integers(0, len(syllables), size=(n, hi)).tolist()
    names = ("".join(syllables[j] for j in p[:c]) for p, c in zip(picks, counts, strict=True))
    return tuple(name.capitalize() for name in names if name not in avoid)


def _syllables() -> tuple[str, ...]:
    return tuple(sorted({o + n + c for o in _ONSETS for n in _NUCLEI for c in _CODAS}))


def _pseudo_words(gen: np.random.Generator, syllables: tuple[str, ...], size: int) -> list[str]:
    """``size`` distinct pseudo-words, shortest first (with noise), so short words are frequent."""
    n = int(size * 1.4) + 100
    counts = gen.choice(_SYLLABLE_COUNTS, size=n, p=_SYLLABLE_WEIGHTS)
    picks = gen.integers(0, len(syllables), size=(n, max(_SYLLABLE_COUNTS))).tolist()
    order = np.argsort(counts + gen.random(n) * 1.6, kind="stable").tolist()
    seen = set(FUNCTION_WORDS) | {w for v in _FUNCTION_SYNONYMS.values() for w in v.split()}
    words: list[str] = []
    for i in order:
        word = "".join(syllables[j] for j in picks[i][: counts[i]])
        if len(word) > 1 and word not in seen:
            seen.add(word)
            words.append(word)
    if len(words) < size:  # 2,500 syllables make collisions rare; fail loudly if they are not
        raise RuntimeError(f"only {len(words)} distinct pseudo-words for a vocabulary of {size}")
    return words[:size]


def _table(weights: np.ndarray, bits: int, offset: int) -> np.ndarray:
    """Inverse-CDF look-up table: slot ``i`` holds the word owning quantile (i + 0.5) / 2**bits."""
    cdf = np.cumsum(weights, dtype=np.float64)
    cdf /= cdf[-1]
    slots = (np.arange(1 << bits, dtype=np.float64) + 0.5) / (1 << bits)
    ids = np.searchsorted(cdf, slots, side="right") + offset
    small = offset + len(weights) <= np.iinfo(np.uint16).max
    return ids.astype(np.uint16 if small else np.int32)  # uint16: half the cache misses


def _synonyms(gen: np.random.Generator, words: list[str]) -> dict[str, str]:
    """Pair each content word with another of similar rank (a ring inside windows of 6)."""
    table: dict[str, str] = {}
    for start in range(0, len(words) - _SYNONYM_WINDOW + 1, _SYNONYM_WINDOW):
        window = [words[start + i] for i in gen.permutation(_SYNONYM_WINDOW).tolist()]
        for i, word in enumerate(window):
            table[word] = window[(i + 1) % _SYNONYM_WINDOW]
    table.update(_FUNCTION_SYNONYMS)
    table.update({k.capitalize(): v.capitalize() for k, v in list(table.items())})
    return table


@lru_cache(maxsize=4)
def make_vocabulary(seed: int, size: int = 40_000) -> Vocabulary:
    """The vocabulary of ``seed``: same seed, same words, same frequencies, same synonyms."""
    gen = derive(seed, 0)
    syllables = _syllables()
    content = _pseudo_words(gen, syllables, size)
    function = sorted(FUNCTION_WORDS, key=lambda w: -FUNCTION_WORDS[w])
    # Fresh string objects in rank order, so that frequent words sit together in memory: the
    # hot loop turns word ids into str references, and each one touches the string object.
    words = [w.encode().decode() for w in function + content]
    ranks = np.arange(size, dtype=np.float64)
    f_weights = np.array([FUNCTION_WORDS[w] for w in function], dtype=np.float64)
    return Vocabulary(
        given=_names(gen, syllables, 4_000, (1, 2), set(words)),
        names=_names(gen, syllables, 60_000, (2, 3), set(words)),
        words=np.array(words, dtype=object),
        caps={w: w.capitalize() for w in words},
        n_function=len(function),
        function_table=_table(f_weights, _F_BITS, 0),
        content_table=_table((ranks + _ZIPF_OFFSET) ** -_ZIPF_EXPONENT, _C_BITS, len(function)),
        mask=_run_mask(gen, _MASK_SIZE),
        synonyms=_synonyms(gen, content),
        known=frozenset(words + [w.capitalize() for w in words]),
        function=frozenset(function),
    )
