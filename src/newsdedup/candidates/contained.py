"""Candidate pairs for short texts: documents that share shingles with a short document.

A brief of 60 words cut from a 450-word wire story shares most of its own shingles with the
story but few of the story's, so its Jaccard is tiny (about 0.1) and the LSH bands, tuned to
Jaccard, miss it a third of the time. Containment is what matters for a short text, so every
document of at most ``short_words`` content words is matched directly on its shingles: an
inverted index over the shingles of the short documents alone (every document's shingles are
looked up in a hash table of them, then grouped by a counting sort), and a pair is a candidate
when the shared shingles reach ``min_containment`` of the short document's set (and at least
``min_shared``). A shingle found in more than ``max_bucket`` documents (a formulaic phrase, a
name in every report of a story) is no evidence of reuse: it is skipped and counted, which
bounds the pairs a shingle can make. A corpus without short documents pays one comparison.
"""

from __future__ import annotations

from dataclasses import dataclass

import numba as nb
import numpy as np
from numpy.typing import NDArray

from newsdedup.candidates.lsh import bucket_pairs

#: Only shingles whose hash is a multiple of SAMPLE take part (a fixed sample, the same in every
#: document and every executor): containment is estimated on it at a fraction of the cost.
SAMPLE = 2  #: a power of two

__all__ = ["ContainedReport", "contained_pairs", "short_pair_filter", "union_pairs"]


@dataclass(slots=True)
class ContainedReport:
    short_documents: int = 0  #: documents matched on their shingles
    shingles: int = 0  #: distinct shingles of the short documents
    oversized: int = 0  #: shingles in more than max_bucket documents, skipped
    raw_pairs: int = 0  #: (short document, document) shingle matches before counting
    pairs: int = 0  #: candidate pairs kept


def contained_pairs(
    sets: NDArray[np.uint32],
    set_offsets: NDArray[np.int64],
    eligible: NDArray[np.bool_],
    *,
    short_words: NDArray[np.bool_],
    max_bucket: int,
    min_containment: float,
    min_shared: int = 3,
) -> tuple[NDArray[np.int64], ContainedReport]:
    """Unique pairs (i < j) of eligible documents, one of them short (``short_words`` marks the
    short documents), sharing enough of the short one's shingles (rule in the docstring)."""
    report = ContainedReport()
    sizes = np.diff(set_offsets)
    is_short = short_words & eligible & (sizes > 0)
    report.short_documents = int(is_short.sum())
    if report.short_documents == 0 or int(eligible.sum()) < 2:
        return np.empty((0, 2), np.int64), report
    n = len(sizes)
    sampled = (sets & np.uint32(SAMPLE - 1)) == 0
    vocabulary = np.unique(sets[np.repeat(is_short, sizes) & sampled])
    report.shingles = len(vocabulary)
    found_at = _lookup(_table(vocabulary), vocabulary, sets, set_offsets, eligible, SAMPLE - 1)
    docs, starts, ends, report.oversized = _group(
        found_at, set_offsets, len(vocabulary), max_bucket
    )
    del found_at
    found = bucket_pairs(docs, starts, ends, max_bucket, is_short)
    report.raw_pairs = len(found)
    if not len(found):
        return np.empty((0, 2), np.int64), report
    codes = np.sort(found[:, 0] * n + found[:, 1])
    del found
    first = np.flatnonzero(np.concatenate(([True], codes[1:] != codes[:-1])))
    shared = np.diff(np.concatenate((first, [len(codes)])))
    a, b = codes[first] // n, codes[first] % n
    running = np.concatenate(([0], np.cumsum(sampled, dtype=np.int64)))
    sample_sizes = running[set_offsets[1:]] - running[set_offsets[:-1]]
    keep = short_pair_filter(
        shared,
        sample_sizes[a],
        sample_sizes[b],
        is_short[a],
        is_short[b],
        min_containment,
        min_shared,
    )
    report.pairs = int(keep.sum())
    return np.stack((a[keep], b[keep]), axis=1), report


def short_pair_filter(
    shared: NDArray[np.int64],
    size_a: NDArray[np.int64],
    size_b: NDArray[np.int64],
    short_a: NDArray[np.bool_],
    short_b: NDArray[np.bool_],
    min_containment: float,
    min_shared: int = 3,
) -> NDArray[np.bool_]:
    """Which pairs keep: the shared shingles reach ``min_shared`` and ``min_containment`` of the
    short document's set (of the smaller one when both are short)."""
    short_size = np.where(short_a & (~short_b | (size_a <= size_b)), size_a, size_b)
    return (shared >= min_shared) & (shared >= min_containment * short_size)  # type: ignore[no-any-return]


def _table(vocabulary: NDArray[np.uint32]) -> NDArray[np.int64]:
    """An open-addressing table of ``vocabulary``'s positions (-1: a free slot), at most half
    full: a probe per shingle instead of a binary search (3.5 s of 6 at 100,000 documents)."""
    table = np.full(1 << max(4, int(2 * len(vocabulary)).bit_length()), -1, np.int64)
    _fill(table, vocabulary)
    return table


@nb.njit(inline="always")
def _slot(value, mask):  # type: ignore[no-untyped-def]
    return (np.uint64(value) * np.uint64(0x9E3779B97F4A7C15) >> np.uint64(32)) & mask


@nb.njit(inline="always")
def _find(table, vocabulary, value, mask):  # type: ignore[no-untyped-def]
    i = _slot(value, mask)
    while table[i] >= 0:
        if vocabulary[table[i]] == value:
            return table[i]
        i = (i + np.uint64(1)) & mask
    return -1


@nb.njit(cache=True)
def _fill(table, vocabulary):  # type: ignore[no-untyped-def]
    mask = np.uint64(table.size - 1)
    for k in range(vocabulary.size):
        i = _slot(vocabulary[k], mask)
        while table[i] >= 0:
            i = (i + np.uint64(1)) & mask
        table[i] = k


@nb.njit(parallel=True, cache=True)
def _lookup(table, vocabulary, sets, set_offsets, eligible, unsampled):  # type: ignore[no-untyped-def]
    """The position in ``vocabulary`` of every sampled shingle of the eligible documents (-1:
    absent, or not in the sample)."""
    mask = np.uint64(table.size - 1)
    out = np.full(sets.size, -1, np.int32)
    for d in nb.prange(set_offsets.size - 1):
        if eligible[d]:
            for e in range(set_offsets[d], set_offsets[d + 1]):
                if (sets[e] & unsampled) == 0:
                    out[e] = _find(table, vocabulary, sets[e], mask)
    return out


@nb.njit(cache=True)
def _group(found, set_offsets, n_vocab, cap):  # type: ignore[no-untyped-def]
    """The documents of each shingle held by 2 to ``cap`` of them, grouped by shingle (a
    counting sort), and how many shingles were held by more than ``cap``."""
    counts = np.zeros(n_vocab, np.int64)
    for e in range(found.size):
        if found[e] >= 0:
            counts[found[e]] += 1
    place = np.full(n_vocab, -1, np.int64)
    starts = np.empty(n_vocab, np.int64)
    ends = np.empty(n_vocab, np.int64)
    b = total = oversized = 0
    for k in range(n_vocab):
        if counts[k] > cap:
            oversized += 1
        elif counts[k] >= 2:
            place[k] = starts[b] = total
            total += counts[k]
            ends[b] = total
            b += 1
    docs = np.empty(total, np.int64)
    for d in range(set_offsets.size - 1):
        for e in range(set_offsets[d], set_offsets[d + 1]):
            k = found[e]
            if k >= 0 and place[k] >= 0:
                docs[place[k]] = d
                place[k] += 1
    return docs, starts[:b], ends[:b], oversized


def union_pairs(a: NDArray[np.int64], b: NDArray[np.int64], n: int) -> NDArray[np.int64]:
    """The sorted unique pairs of two (m, 2) pair arrays over ``n`` documents (``b``, the
    smaller, is looked up in ``a``: no sort of the whole union's duplicates)."""
    codes_a = np.sort(a[:, 0] * n + a[:, 1])
    codes_b = np.unique(b[:, 0] * n + b[:, 1])
    at = np.minimum(np.searchsorted(codes_a, codes_b), max(len(codes_a) - 1, 0))
    new = codes_b if not len(codes_a) else codes_b[codes_a[at] != codes_b]
    codes = np.sort(np.concatenate((codes_a, new)))
    return np.stack((codes // n, codes % n), axis=1)
