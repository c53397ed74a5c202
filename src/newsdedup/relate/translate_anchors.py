"""Translation candidates by anchor keys (relate/translate.py, step 1), counted where they can
come from.

A candidate is a pair of articles in two known languages that share a key held by 2 to
``max_anchor_df`` articles, scored by the rarity-weighted cosine of their keys (``log(n / df)``
squared, over all n articles). Every such key is held in two languages, so it is a key of an
article outside the commonest language (the *minority*): a corpus in nearly one language (a few
of a generated English corpus's texts guessed as another) has few such keys. So the pairs come
from the minority's keys (their counts over all articles), and the norms from the keys of the
articles in a pair; the other keys are counted only where an article in a pair holds them.
Each step adds the same numbers in the same order as counting every key of every article (the
sort of all keys that came before), so the candidates and overlaps are bit for bit the same
(tests/relate/test_translate_anchors.py, against that code).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

import numba as nb
import numpy as np
from numpy.typing import NDArray

from newsdedup.arrays import unique
from newsdedup.config import TranslateConfig

__all__ = ["KeySets", "anchor_candidates", "gather", "language_codes"]

_T = TypeVar("_T", bound=np.generic)


@dataclass(frozen=True, slots=True)
class KeySets:
    """Articles' anchor keys in one array: article i's are ``flat[offsets[i]:offsets[i + 1]]``,
    in increasing order (as ``anchor_keys`` gives them; ``of`` sorts any others)."""

    flat: NDArray[np.uint64]
    sizes: NDArray[np.int64]

    @property
    def offsets(self) -> NDArray[np.int64]:
        offsets: NDArray[np.int64] = np.r_[0, np.cumsum(self.sizes)].astype(np.int64)
        return offsets

    def __len__(self) -> int:
        return len(self.sizes)

    @classmethod
    def of(cls, keys: Sequence[NDArray[np.uint64]] | KeySets) -> KeySets:
        """The key sets of one array per article (each sorted here where it is not)."""
        if isinstance(keys, KeySets):
            return keys
        sizes = np.fromiter((len(k) for k in keys), np.int64, len(keys))
        if not sizes.any():
            return cls(flat=np.empty(0, np.uint64), sizes=sizes)
        flat = np.concatenate([np.asarray(k, np.uint64) for k in keys])
        owner = np.repeat(np.arange(len(keys), dtype=np.int64), sizes)
        falls = (flat[1:] < flat[:-1]) & (owner[1:] == owner[:-1])
        if falls.any():
            flat = flat[np.lexsort((flat, owner))]
        return cls(flat=flat, sizes=sizes)


def gather(values: NDArray[_T], starts: NDArray[np.int64], sizes: NDArray[np.int64]) -> NDArray[_T]:
    """``values[starts[i]:starts[i] + sizes[i]]`` for each i, one after the other, in one
    indexing (no slice a row)."""
    first = np.cumsum(sizes) - sizes  # where each row's values start in the result
    return values[np.repeat(starts - first, sizes) + np.arange(int(sizes.sum()))]


def language_codes(langs: Sequence[str] | NDArray[np.object_]) -> NDArray[np.int64]:
    """Each article's language as a small integer (the languages in sorted order)."""
    codes = {lang: k for k, lang in enumerate(sorted(set(langs)))}
    return np.array([codes[lang] for lang in langs], np.int64)


def anchor_candidates(
    keys: Sequence[NDArray[np.uint64]] | KeySets,
    langs: Sequence[str],
    config: TranslateConfig,
) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """Every pair (i < j) of articles in two known languages that shares anchor keys, with its
    anchor overlap (``translation_pairs`` keeps those among both sides' best few)."""
    sets = KeySets.of(keys)
    n = len(sets)
    lang_of = language_codes(langs)
    known = np.array([bool(lang) for lang in langs])
    none: tuple[NDArray[np.int64], NDArray[np.float64]] = (np.empty((0, 2), np.int64), np.empty(0))
    if n < 2 or not sets.sizes.any():
        return none
    offsets = sets.offsets
    owner, starts, df = _minority_runs(sets, offsets, lang_of, known)
    idf = np.log(n / df)
    shared = (df >= 2) & (df <= config.max_anchor_df) & _mixed(owner, starts, lang_of, known)
    codes, weights = _key_pairs(owner, starts[shared], df[shared], (idf**2)[shared], lang_of, known)
    if not len(codes):
        return none
    code, inverse = np.unique(codes, return_inverse=True)
    a, b = code // n, code % n
    norms = _norms(sets, offsets, np.union1d(a, b))
    overlap = np.bincount(inverse, weights=weights) / np.maximum(norms[a] * norms[b], 1e-12)
    return np.column_stack((a, b)), overlap


def _minority_runs(
    sets: KeySets,
    offsets: NDArray[np.int64],
    lang_of: NDArray[np.int64],
    known: NDArray[np.bool_],
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
    """Every holder of each key of an article outside the commonest known language (only such
    keys are held in two languages): the holders key by key (keys in increasing order, holders
    by index, one entry per time a set holds the key), each run's start and length."""
    empty = np.empty(0, np.int64)
    if not known.any():
        return empty, empty, empty
    minority = np.repeat(_minority(lang_of, known), sets.sizes)
    wanted = unique(sets.flat[minority])
    if not len(wanted):
        return empty, empty, empty
    at, which = _occurrences(sets.flat, wanted)
    owner = np.searchsorted(offsets, at, side="right") - 1
    order = np.argsort(which, kind="stable")  # by key, each key's holders in index order
    owner, which = owner[order], which[order]
    starts = np.flatnonzero(np.r_[True, which[1:] != which[:-1]])
    df = np.diff(np.r_[starts, len(which)])
    return owner, starts, df


def _minority(lang_of: NDArray[np.int64], known: NDArray[np.bool_]) -> NDArray[np.bool_]:
    """Which articles are in a known language other than the commonest known one (some is)."""
    minority: NDArray[np.bool_] = known & (lang_of != np.bincount(lang_of[known]).argmax())
    return minority


def _norms(
    sets: KeySets, offsets: NDArray[np.int64], articles: NDArray[np.int64]
) -> NDArray[np.float64]:
    """The norm of each of ``articles``' weight vectors (0 for the others): its keys' idf
    squared, counted over every set, added in key order."""
    n = len(sets)
    sizes = sets.sizes[articles]
    local = np.repeat(np.arange(len(articles), dtype=np.int64), sizes)
    held = gather(sets.flat, offsets[articles], sizes)
    wanted = unique(held)
    df = _counts(sets.flat, wanted)
    idf = np.log(n / df)
    weight = (idf**2)[np.searchsorted(wanted, held)]
    norms = np.zeros(n)
    norms[articles] = np.sqrt(np.bincount(local, weights=weight, minlength=len(articles)))
    return norms


def _key_pairs(
    owner: NDArray[np.int64],
    starts: NDArray[np.int64],
    df: NDArray[np.int64],
    weight: NDArray[np.float64],
    lang_of: NDArray[np.int64],
    known: NDArray[np.bool_],
) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """Each pair (i < j, code ``i * n + j``) of the articles that hold a key (a run of
    ``owner`` from ``starts``, ``df`` long) in two known languages, with that key's
    ``weight``, the keys in order (``bincount`` then sums each pair's keys in key order).

    A pair in two languages has an article outside the commonest one, so only those holders'
    pairs are walked: a key of one German and 199 English articles costs 199 steps, not the
    19,701 of every pair of its holders (the family's `real` corpus)."""
    if not len(df):
        return np.empty(0, np.int64), np.empty(0)
    codes, key = _cross_pairs(owner, starts, df, _minority(lang_of, known)[owner], lang_of, known)
    return codes, weight[key]


@nb.njit(cache=True)
def _cross_pairs(
    owner: NDArray[np.int64],
    starts: NDArray[np.int64],
    df: NDArray[np.int64],
    minority: NDArray[np.bool_],
    lang_of: NDArray[np.int64],
    known: NDArray[np.bool_],
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:  # pragma: no cover
    """The codes of ``_key_pairs`` and each one's key (run), runs in order. Each unordered pair
    of places in a run is met once: from its minority place, or from the first of two."""
    n = lang_of.size
    total = 0
    for step in range(2):
        if step == 1:
            codes = np.empty(total, np.int64)
            keys = np.empty(total, np.int64)
        k = 0
        for r in range(starts.size):
            lo = starts[r]
            hi = lo + df[r]
            for p in range(lo, hi):
                if not minority[p]:
                    continue
                a = owner[p]
                for q in range(lo, hi):
                    if q == p or (q < p and minority[q]):
                        continue
                    b = owner[q]
                    if not known[b] or lang_of[a] == lang_of[b]:
                        continue
                    if step == 1:
                        codes[k] = owner[min(p, q)] * n + owner[max(p, q)]
                        keys[k] = r
                    k += 1
        total = k
    return codes, keys


def _mixed(
    owner: NDArray[np.int64],
    starts: NDArray[np.int64],
    lang_of: NDArray[np.int64],
    known: NDArray[np.bool_],
) -> NDArray[np.bool_]:
    """Whether each key (a run of ``owner`` from ``starts``) is in articles of two known
    languages: only those make pairs."""
    if not len(starts):
        return np.zeros(0, bool)
    code = lang_of[owner]
    low = np.minimum.reduceat(np.where(known[owner], code, np.iinfo(np.int64).max), starts)
    high = np.maximum.reduceat(np.where(known[owner], code, -1), starts)
    return high > low


@nb.njit(inline="always")
def _slot(value: np.uint64, mask: int) -> int:  # pragma: no cover
    """A key's first slot in an open-addressing table (keys are hashes: a multiply mixes)."""
    mixed: int = int((value * np.uint64(0x9E3779B97F4A7C15)) >> np.uint64(32))
    return mixed & mask


@nb.njit(cache=True)
def _table(wanted: NDArray[np.uint64]) -> tuple[NDArray[np.int64], int]:  # pragma: no cover
    """An open-addressing table of ``wanted`` (distinct): each slot's index there, or -1."""
    size = 2
    while size < 2 * len(wanted):
        size *= 2
    mask = size - 1
    slots = np.full(size, -1, np.int64)
    for k in range(len(wanted)):
        h = _slot(wanted[k], mask)
        while slots[h] >= 0:
            h = (h + 1) & mask
        slots[h] = k
    return slots, mask


@nb.njit(inline="always")
def _find(
    value: np.uint64, wanted: NDArray[np.uint64], slots: NDArray[np.int64], mask: int
) -> int:  # pragma: no cover
    """``value``'s index in ``wanted``, or -1."""
    h = _slot(value, mask)
    while True:
        k: int = slots[h]
        if k < 0 or wanted[k] == value:
            return k
        h = (h + 1) & mask


@nb.njit(cache=True)
def _occurrences(
    flat: NDArray[np.uint64], wanted: NDArray[np.uint64]
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:  # pragma: no cover
    """Where ``flat`` holds one of ``wanted`` (in order), and which one."""
    slots, mask = _table(wanted)
    at = np.empty(1024, np.int64)
    which = np.empty(1024, np.int64)
    m = 0
    for i in range(len(flat)):
        k = _find(flat[i], wanted, slots, mask)
        if k >= 0:
            if m == len(at):  # grow (a few keys of a few articles: mostly small)
                at = np.concatenate((at, np.empty(m, np.int64)))
                which = np.concatenate((which, np.empty(m, np.int64)))
            at[m], which[m] = i, k
            m += 1
    return at[:m].copy(), which[:m].copy()


@nb.njit(cache=True)
def _counts(
    flat: NDArray[np.uint64], wanted: NDArray[np.uint64]
) -> NDArray[np.int64]:  # pragma: no cover
    """How many times ``flat`` holds each of ``wanted``."""
    slots, mask = _table(wanted)
    out = np.zeros(len(wanted), np.int64)
    for i in range(len(flat)):
        k = _find(flat[i], wanted, slots, mask)
        if k >= 0:
            out[k] += 1
    return out
