"""The second candidate stage: a pair goes to verification only if its shingle sets overlap.

The LSH bands and the short-document path propose pairs; before any of them is aligned, the
exact containment of the two shingle sets (shared shingles over the smaller set, the figure
verification computes first) must reach ``verify.min_pair_containment``. Most pairs under it
are told without a merge: one set of a run of pairs is hashed into a 4 KiB bit filter, and the
count of the other's shingles found there bounds the intersection from above; only pairs whose
bound reaches the floor are merged exactly. Verification then aligns only the pairs kept.

Why: in a corpus whose frequent words no stop-word list removes (a Zipf law of exponent 1.3, a
language the tables do not know), two unrelated articles share the frequent word bigrams. Their
containment is 0.10 to 0.25, so they collide in the bands and pass the old alignment floor by
the hundred thousand, while real copies contain 0.31 or more of the smaller text (the ECB+
labelled copies and the seeds' rewrite, eval/candidate_bands.py). A pure per-pair rule: no
corpus statistics, so the local engine, the living index and Spark apply it identically.
"""

from __future__ import annotations

import numba as nb
import numpy as np
from numpy.typing import NDArray

from newsdedup.arrays import least_count
from newsdedup.prefetch import LINE_ITEMS, prefetch

__all__ = ["enough_overlap", "intersection_size"]


#: bits of the filter a run's first set is hashed into (4 KiB, in L1): for a set of 500
#: shingles 1.5% of another set's shingles look shared that are not, so the count is a bound
_BITS = 1 << 15


@nb.njit(inline="always")
def intersection_size(sets, i, end_i, j, end_j):  # type: ignore[no-untyped-def]
    """Size of the intersection of sets[i:end_i] and sets[j:end_j], both sorted: a branchless
    merge on indices (slicing inside a parallel loop costs atomic reference counts). The one
    kernel of the floor here and of relate/verify's scores."""
    k = 0
    while i < end_i and j < end_j:
        va, vb = sets[i], sets[j]
        k += va == vb
        i += va <= vb
        j += vb <= va
    return k


@nb.njit(inline="always")
def _slots(sets, lo, hi, bits):  # type: ignore[no-untyped-def]
    """Set the filter bit of each shingle of ``sets[lo:hi]``."""
    for i in range(lo, hi):
        h = sets[i] & (_BITS - 1)
        bits[h >> 6] |= np.uint64(1) << np.uint64(h & 63)


@nb.njit(inline="always")
def _reaches(sets, i, end_i, j, end_j, need):  # type: ignore[no-untyped-def]
    """Whether sorted sets[i:end_i] and sets[j:end_j] share ``need`` shingles or more:
    ``intersection_size``'s merge, left once the count is reached or out of reach."""
    k = 0
    while i < end_i and j < end_j:
        if k >= need or k + min(end_i - i, end_j - j) < need:
            break
        va, vb = sets[i], sets[j]
        k += va == vb
        i += va <= vb
        j += vb <= va
    return k >= need


@nb.njit(inline="always")
def _ask(sets, offsets, d):  # type: ignore[no-untyped-def]
    """Start reading document ``d``'s set into the caches (``prefetch``)."""
    for i in range(offsets[d], offsets[d + 1], LINE_ITEMS):
        prefetch(sets, i)  # type: ignore[call-arg]


#: shingles ``_bound`` counts between its checks of whether it may stop
_BLOCK = 32


@nb.njit(inline="always")
def _bound(sets, lo, hi, bits, need):  # type: ignore[no-untyped-def]
    """How many of ``sets[lo:hi]`` the filter ``bits`` holds (at least the set's intersection
    with the filter's), counted a block at a time and left once the count reaches ``need`` or
    cannot reach it. Checked after every shingle, the count was a chain of branches; a block
    has none (10% of the floor's time at 200,000 Zipf-1.3 documents)."""
    bound = np.int64(0)
    j = lo
    while j < hi and bound < need and bound + hi - j >= need:
        end = min(j + _BLOCK, hi)
        for q in range(j, end):
            h = sets[q] & (_BITS - 1)
            bound += np.int64((bits[h >> 6] >> np.uint64(h & 63)) & np.uint64(1))
        j = end
    return bound


@nb.njit(parallel=True, cache=True)
def _reaching(pairs, sets, offsets, runs, floor):  # type: ignore[no-untyped-def]
    """Each pair's containment ``>= floor``, without the containments. Per run of pairs sharing
    their first document, that document's set is hashed into a bit filter; a pair's count of
    the other set's shingles found there bounds the intersection from above. The count stops
    once it reaches the shingles the floor needs (then the merge decides, and stops as soon as
    it knows) or once it cannot reach them. Half the pairs an LSH step proposes at 1,000,000
    generated articles reach the floor, almost all of them near copies whose count reaches
    it a fifth of the way through their sets. The pairs' second documents come in no order,
    so each pair asks for the next one's set before it counts its own (``prefetch``: the scan
    waited on main memory for most of its time, 3.2 -> 2.1 s at 200,000 Zipf-1.3 documents)."""
    out = np.zeros(pairs.shape[0], np.bool_)
    for r in nb.prange(runs.size - 1):
        bits = np.zeros(_BITS >> 6, np.uint64)
        x = pairs[runs[r], 0]
        lo_x, hi_x = offsets[x], offsets[x + 1]
        _slots(sets, lo_x, hi_x, bits)
        for p in range(runs[r], runs[r + 1]):
            y = pairs[p, 1]
            lo_y, hi_y = offsets[y], offsets[y + 1]
            smaller = min(hi_x - lo_x, hi_y - lo_y)
            if smaller == 0:
                out[p] = floor <= 0.0
                continue
            if p + 1 < pairs.shape[0]:
                _ask(sets, offsets, pairs[p + 1, 1])  # read while this pair is counted
            need = least_count(smaller, floor)
            bound = _bound(sets, lo_y, hi_y, bits, need)
            out[p] = bound >= need and _reaches(sets, lo_x, hi_x, lo_y, hi_y, need)
    return out


def _runs(first: NDArray[np.int64]) -> NDArray[np.int64]:
    """Where each run of equal values of ``first`` starts, and its end."""
    return np.flatnonzero(np.r_[True, first[1:] != first[:-1], True]).astype(np.int64)


def _reached(
    pairs: NDArray[np.int64],
    sets: NDArray[np.uint32],
    set_offsets: NDArray[np.int64],
    floor: float,
) -> NDArray[np.bool_]:
    """Whether each pair's shingle containment (shared shingles over the smaller set) reaches
    ``floor``, told without computing the containments."""
    pairs = np.ascontiguousarray(pairs, dtype=np.int64).reshape(-1, 2)
    if len(pairs) == 0:
        return np.zeros(0, np.bool_)
    return _reaching(pairs, sets, set_offsets, _runs(pairs[:, 0]), floor)  # type: ignore[no-any-return]


def enough_overlap(
    pairs: NDArray[np.int64],
    sets: NDArray[np.uint32],
    set_offsets: NDArray[np.int64],
    *,
    min_containment: float,
    measured: NDArray[np.bool_] | None = None,
) -> NDArray[np.bool_]:
    """Which candidate pairs go on to verification: those whose shingle containment
    (shared shingles over the smaller set, verification's ``containment``) reaches
    ``min_containment`` (``verify.min_pair_containment``). Only the pairs ``measured`` marks
    (default: all) are held to it; the others pass (the short-document path's pairs, which the
    floor does not apply to), and their containment is not computed. Written once: the local
    engine, the living index (adds and queries) and Spark call it."""
    if measured is None:  # all of them, without a copy of the pairs
        return _reached(pairs, sets, set_offsets, min_containment)
    keep: NDArray[np.bool_] = np.ones(len(pairs), np.bool_)
    if measured.any():
        keep[measured] = _reached(pairs[measured], sets, set_offsets, min_containment)
    return keep
