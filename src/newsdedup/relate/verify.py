"""Verification of candidate pairs on the real shingle sets and their positions.

No pair is accepted on the sketch alone: Jaccard and containment are exact over the (32-bit
hashed) shingle sets, and the in-order coverage comes from aligning the two texts (see
relate/align.py). Coverage is reported as 0 for pairs whose containment is below
``min_candidate_containment``: they cannot reach any copy threshold. Every figure is symmetric:
scoring (y, x) gives the a/b columns of (x, y) swapped, because every pair is aligned in one
orientation (the larger set first) whichever way it is asked.
"""

from __future__ import annotations

import numba as nb
import numpy as np
from numpy.typing import NDArray

from newsdedup.candidates.overlap import intersection_size
from newsdedup.fingerprint.batch import Fingerprints
from newsdedup.relate.align import ALIGN_FIGURES, align_sets

__all__ = ["EXACT_SCORES", "SCORE_COLUMNS", "SWAP", "score_pairs", "score_shingles"]

#: Columns of the score matrix ``score_pairs`` returns.
SCORE_COLUMNS = ("jaccard", "containment", *ALIGN_FIGURES)
#: Column order of the same scores seen from the other document (a and b swapped).
SWAP = [
    SCORE_COLUMNS.index(c.replace("_a", "_?").replace("_b", "_a").replace("_?", "_b"))
    for c in SCORE_COLUMNS
]
_SWAP_ARRAY = np.array(SWAP, np.int64)
#: The scores of an exact copy against its head: all 1, but no part of it is told quotation.
EXACT_SCORES = np.array([0.0 if c == "quoted" else 1.0 for c in SCORE_COLUMNS])


@nb.njit(inline="always")
def _after(sets, positions, lo_x, hi_x, lo_y, hi_y):  # type: ignore[no-untyped-def]
    """Whether set x orders after set y (larger first, then by its values, then by where its
    shingles stand): a fixed orientation for the alignment of any pair. Equal sets in another
    order (repeated words) differ only in their positions, and align differently each way."""
    if hi_x - lo_x != hi_y - lo_y:
        return hi_x - lo_x > hi_y - lo_y
    for k in range(hi_x - lo_x):
        if sets[lo_x + k] != sets[lo_y + k]:
            return sets[lo_x + k] > sets[lo_y + k]
    for k in range(hi_x - lo_x):
        if positions[lo_x + k] != positions[lo_y + k]:
            return positions[lo_x + k] > positions[lo_y + k]
    return False


@nb.njit(parallel=True, cache=True)
def _score(pairs, sets, positions, set_off, n_content, size, min_containment, swap):  # type: ignore[no-untyped-def]
    m = pairs.shape[0]
    out = np.zeros((m, 2 + len(ALIGN_FIGURES)))
    for p in nb.prange(m):
        _score_pair(
            pairs[p, 0], pairs[p, 1], sets, positions, set_off, n_content, size,
            min_containment, swap, out[p],
        )  # fmt: skip
    return out


@nb.njit(cache=True)
def _score_pair(x0, y0, sets, positions, set_off, n_content, size, min_containment, swap, row):  # type: ignore[no-untyped-def]
    """One row of ``_score``. A function of its own, called with the pair's documents and its
    row (not the loop's index, whose type numba's parallel passes change): they then do not
    go through the alignment, and the first compile takes less time (docs/benchmarks.md)."""
    x, y = x0, y0
    lo_x, hi_x, lo_y, hi_y = set_off[x], set_off[x + 1], set_off[y], set_off[y + 1]
    size_x, size_y = hi_x - lo_x, hi_y - lo_y
    if size_x == 0 or size_y == 0:
        return
    shared = intersection_size(sets, lo_x, hi_x, lo_y, hi_y)
    row[0] = shared / (size_x + size_y - shared)
    row[1] = shared / min(size_x, size_y)
    if row[1] < min_containment:
        return  # most candidates stop here, before any alignment
    if _after(sets, positions, lo_x, hi_x, lo_y, hi_y):  # align in one orientation: ties in the
        x, y = y, x  # chain would make the figures depend on which text came first
        lo_x, hi_x, lo_y, hi_y = lo_y, hi_y, lo_x, hi_x
    _, figures = align_sets(
        sets[lo_x:hi_x],
        positions[lo_x:hi_x],
        sets[lo_y:hi_y],
        positions[lo_y:hi_y],
        n_content[x],
        n_content[y],
        size,
        True,
    )
    for k in range(2, row.size):  # a loop, not a slice: no broadcasting code to compile
        row[k] = figures[swap[k] - 2] if x != x0 else figures[k - 2]


def score_pairs(
    fp: Fingerprints, pairs: NDArray[np.int64], *, size: int, min_containment: float
) -> NDArray[np.float64]:
    """An (m, len(SCORE_COLUMNS)) matrix of scores, one row per pair of ``pairs``."""
    return score_shingles(
        pairs,
        fp.sets,
        fp.positions,
        fp.set_offsets,
        fp.n_content,
        size=size,
        min_containment=min_containment,
    )


def score_shingles(
    pairs: NDArray[np.int64],
    sets: NDArray[np.uint32],
    positions: NDArray[np.int32],
    set_offsets: NDArray[np.int64],
    n_content: NDArray[np.int64],
    *,
    size: int,
    min_containment: float,
) -> NDArray[np.float64]:
    """``score_pairs`` over the shingle columns alone (``Fingerprints``' layout), for callers
    that hold only some documents' shingles, such as a Spark partition (spark/stages.py)."""
    pairs = np.ascontiguousarray(pairs, dtype=np.int64).reshape(-1, 2)
    return _score(  # type: ignore[no-any-return]
        pairs, sets, positions, set_offsets, n_content, size, min_containment, _SWAP_ARRAY
    )
