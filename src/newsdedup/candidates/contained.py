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

from newsdedup.arrays import run_counts, unique
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
    unsampled = np.uint32(SAMPLE - 1)
    vocabulary = unique(_short_sample(sets, set_offsets, is_short, unsampled))
    report.shingles = len(vocabulary)
    runs = _runs(n, len(vocabulary))
    keys, holders, held = _matches(
        vocabulary, sets, set_offsets, eligible, unsampled, max_bucket, runs
    )
    report.oversized = int((held > max_bucket).sum())
    docs, starts, ends = _group(keys, holders, len(vocabulary))
    del keys, holders
    found = bucket_pairs(docs, starts, ends, max_bucket, is_short, 0)
    report.raw_pairs = len(found)
    if not len(found):
        return np.empty((0, 2), np.int64), report
    codes = found[:, 0] * n + found[:, 1]
    del found
    codes.sort()
    # a pair under min_shared fails short_pair_filter whatever its sizes: most do (20.4 of 24.7
    # million matches at 1,000,000 generated articles are pairs sharing one or two shingles),
    # so only the others are split into documents and sized
    codes, shared = run_counts(codes, min_shared)
    a, b = codes // n, codes % n
    del codes
    keep = short_pair_filter(
        shared,
        _sample_sizes_of(sets, set_offsets, a, unsampled),
        _sample_sizes_of(sets, set_offsets, b, unsampled),
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
    return (shared >= min_shared) & (shared >= min_containment * short_size)


#: A free slot of ``_table`` (no vocabulary position is 2**32 - 1).
_FREE = np.uint64(0xFFFFFFFFFFFFFFFF)


@nb.njit(cache=True)
def _table(vocabulary, live):  # type: ignore[no-untyped-def]
    """An open-addressing table of the ``live`` shingles of ``vocabulary``, at most two thirds
    full: a probe per shingle instead of a binary search (3.5 s of 6 at 100,000 documents).
    Each slot holds the shingle and its position (value << 32 | position), so a probe reads
    one place in memory, not a slot and then the vocabulary: at 1,000,000 documents neither
    fits a cache, and most of a long document's sampled shingles are found there."""
    count = 0
    for k in range(vocabulary.size):
        count += live[k]
    size = 16
    while size < count + (count >> 1):
        size <<= 1
    table = np.full(size, _FREE, np.uint64)
    mask = np.uint64(size - 1)
    for k in range(vocabulary.size):
        if live[k]:
            i = _slot(vocabulary[k], mask)
            while table[i] != _FREE:
                i = (i + np.uint64(1)) & mask
            table[i] = (np.uint64(vocabulary[k]) << np.uint64(32)) | np.uint64(k)
    return table


@nb.njit(inline="always")
def _slot(value, mask):  # type: ignore[no-untyped-def]
    return (np.uint64(value) * np.uint64(0x9E3779B97F4A7C15) >> np.uint64(32)) & mask


@nb.njit(inline="always")
def _find(table, value):  # type: ignore[no-untyped-def]
    mask = np.uint64(table.size - 1)
    i = _slot(value, mask)
    while True:
        slot = table[i]
        if slot == _FREE:
            return -1
        if (slot >> np.uint64(32)) == np.uint64(value):
            return np.int64(slot & np.uint64(0xFFFFFFFF))
        i = (i + np.uint64(1)) & mask


@nb.njit(cache=True)
def _short_sample(sets, set_offsets, is_short, unsampled):  # type: ignore[no-untyped-def]
    """The sampled shingles of the short documents (with repeats)."""
    total = 0
    for d in range(set_offsets.size - 1):
        if is_short[d]:
            for e in range(set_offsets[d], set_offsets[d + 1]):
                total += (sets[e] & unsampled) == 0
    out = np.empty(total, np.uint32)
    k = 0
    for d in range(set_offsets.size - 1):
        if is_short[d]:
            for e in range(set_offsets[d], set_offsets[d + 1]):
                if (sets[e] & unsampled) == 0:
                    out[k] = sets[e]
                    k += 1
    return out


@nb.njit(parallel=True, cache=True)
def _sample_sizes_of(sets, set_offsets, docs, unsampled):  # type: ignore[no-untyped-def]
    """How many of each of ``docs``' shingles are in the sample (the few documents of the
    pairs that share enough: a pass over every set was 0.6 s at 1,000,000 documents)."""
    out = np.zeros(docs.size, np.int64)
    for i in nb.prange(docs.size):
        d = docs[i]
        for e in range(set_offsets[d], set_offsets[d + 1]):
            out[i] += (sets[e] & unsampled) == 0
    return out


#: Bits of the membership filter probed before the hash table (2 MiB: it stays in cache, while
#: the table does not). Generated news shares its frequent bigrams with the short documents:
#: at 1,000,000 articles 58% of the sampled shingles pass the first pass's filter, 22% the
#: second's.
FILTER_BITS = 1 << 24


@nb.njit(cache=True)
def _filter(vocabulary, live):  # type: ignore[no-untyped-def]
    bits = np.zeros(FILTER_BITS // 64, np.uint64)
    for k in range(vocabulary.size):
        if live[k]:
            h = (vocabulary[k] >> 1) & (FILTER_BITS - 1)
            bits[h >> 6] |= np.uint64(1) << np.uint64(h & 63)
    return bits


@nb.njit(inline="always")
def _position(bits, table, value, unsampled):  # type: ignore[no-untyped-def]
    if (value & unsampled) != 0:
        return -1
    h = (value >> 1) & (FILTER_BITS - 1)
    if (bits[h >> 6] >> np.uint64(h & 63)) & np.uint64(1) == 0:
        return -1
    return _find(table, value)


#: Shingle counts ``_matches`` keeps per run of documents, at most (int32: 256 MiB).
_RUN_COUNTS = 1 << 26


def _runs(n: int, n_vocab: int) -> int:
    """Runs of documents ``_matches`` counts in parallel: one a thread, fewer where their
    shingle counts would pass _RUN_COUNTS. The result does not depend on it."""
    most = max(1, _RUN_COUNTS // max(n_vocab, 1))
    return max(1, min(int(nb.get_num_threads()), most, n))


@nb.njit(cache=True)
def _matches(vocabulary, sets, set_offsets, eligible, unsampled, cap, runs):  # type: ignore[no-untyped-def]
    """(position in ``vocabulary``, document) of every sampled shingle of the eligible documents
    that a short document holds and 2 to ``cap`` documents hold, in document order, and how
    many documents hold each shingle of ``vocabulary``. Two passes over ``runs`` runs of
    documents (count, then fill) keep memory to the matches kept: a shingle array's worth of
    positions was a third of the run's peak, and the shingles over the cap (frequent phrases:
    16.3 million matches at 200,000 Zipf-1.3 documents, 27,000 of them under the cap) are not
    stored. The second pass looks shingles up in a table and filter of those kept alone (at
    1,000,000 generated articles 17 of the first pass's 66 million finds; the filter passes
    22% of the shingles where it passed 58%); a shingle held once, by its short document,
    makes no pair and is not stored. The two passes are parallel kernels of their own
    (``_count_runs``, ``_fill_runs``): with the array steps between them inside one parallel
    function, numba made each a parallel loop, and a first compile took about 1.5 s more."""
    every = np.ones(vocabulary.size, np.bool_)
    table, bits = _table(vocabulary, every), _filter(vocabulary, every)
    counts = np.zeros((runs, vocabulary.size), np.int32)
    _count_runs(sets, set_offsets, eligible, unsampled, bits, table, counts)
    held = np.zeros(vocabulary.size, np.int64)
    for r in range(runs):
        held += counts[r]
    live = (held >= 2) & (held <= cap)
    at = np.zeros(runs + 1, np.int64)
    for r in range(runs):
        at[r + 1] = at[r] + np.sum(np.where(live, counts[r], 0))
    counts = np.zeros((0, 0), np.int32)  # let go before the second table is made
    table, bits = _table(vocabulary, live), _filter(vocabulary, live)
    keys = np.empty(at[runs], np.int32)
    docs = np.empty(at[runs], np.int64)
    _fill_runs(sets, set_offsets, eligible, unsampled, bits, table, at, keys, docs)
    return keys, docs, held


@nb.njit(parallel=True, cache=True)
def _count_runs(sets, set_offsets, eligible, unsampled, bits, table, counts):  # type: ignore[no-untyped-def]
    """``_matches``' first pass: run r of the eligible documents counts into ``counts[r]``."""
    n, runs = set_offsets.size - 1, counts.shape[0]
    for r in nb.prange(runs):
        for d in range(r * n // runs, (r + 1) * n // runs):
            if eligible[d]:
                for e in range(set_offsets[d], set_offsets[d + 1]):
                    v = _position(bits, table, sets[e], unsampled)
                    if v >= 0:
                        counts[r, v] += 1


@nb.njit(parallel=True, cache=True)
def _fill_runs(sets, set_offsets, eligible, unsampled, bits, table, at, keys, docs):  # type: ignore[no-untyped-def]
    """``_matches``' second pass: run r writes its matches from ``at[r]`` on."""
    n, runs = set_offsets.size - 1, at.size - 1
    for r in nb.prange(runs):
        k = at[r]
        for d in range(r * n // runs, (r + 1) * n // runs):
            if eligible[d]:
                for e in range(set_offsets[d], set_offsets[d + 1]):
                    v = _position(bits, table, sets[e], unsampled)
                    if v >= 0:
                        keys[k] = v
                        docs[k] = d
                        k += 1


@nb.njit(cache=True)
def _group(keys, holders, n_vocab):  # type: ignore[no-untyped-def]
    """The documents of each shingle ``keys`` holds, grouped by shingle (a stable counting
    sort: documents stay in order). ``_matches`` keeps only the shingles 2 to the cap
    documents hold, so every group it makes is a bucket to pair."""
    counts = np.zeros(n_vocab, np.int64)
    for e in range(keys.size):
        counts[keys[e]] += 1
    place = np.full(n_vocab, -1, np.int64)
    starts = np.empty(n_vocab, np.int64)
    ends = np.empty(n_vocab, np.int64)
    b = total = 0
    for k in range(n_vocab):
        if counts[k] > 0:
            place[k] = starts[b] = total
            total += counts[k]
            ends[b] = total
            b += 1
    docs = np.empty(total, np.int64)
    for e in range(keys.size):
        k = keys[e]
        docs[place[k]] = holders[e]
        place[k] += 1
    return docs, starts[:b], ends[:b]


def union_pairs(a: NDArray[np.int64], b: NDArray[np.int64], n: int) -> NDArray[np.int64]:
    """The sorted unique pairs of two (m, 2) pair arrays over ``n`` documents (``b``, the
    smaller, is looked up in ``a``: no sort of the whole union's duplicates)."""
    codes_a = np.sort(a[:, 0] * n + a[:, 1])
    codes_b = unique(b[:, 0] * n + b[:, 1])
    at = np.minimum(np.searchsorted(codes_a, codes_b), max(len(codes_a) - 1, 0))
    new = codes_b if not len(codes_a) else codes_b[codes_a[at] != codes_b]
    codes = np.sort(np.concatenate((codes_a, new)))
    return np.stack((codes // n, codes % n), axis=1)
