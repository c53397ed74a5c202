"""The second candidate stage: a pair goes to verification only if its shingle sets overlap.

The LSH bands and the short-document path propose pairs; before any of them is aligned, the
exact containment of the two shingle sets (shared shingles over the smaller set, the figure
verification computes first) must reach ``verify.min_pair_containment``. It is one sorted merge
of two sets, about a microsecond a pair, against the alignment that verification runs on every
pair over ``verify.min_candidate_containment``.

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

from newsdedup.relate.verify import _intersection

__all__ = ["enough_overlap", "pair_containment"]


@nb.njit(parallel=True, cache=True)
def _containments(pairs, sets, set_offsets):  # type: ignore[no-untyped-def]
    out = np.zeros(pairs.shape[0])
    for p in nb.prange(pairs.shape[0]):
        x, y = pairs[p, 0], pairs[p, 1]
        lo_x, hi_x, lo_y, hi_y = (
            set_offsets[x],
            set_offsets[x + 1],
            set_offsets[y],
            set_offsets[y + 1],
        )
        smaller = min(hi_x - lo_x, hi_y - lo_y)
        if smaller > 0:
            out[p] = _intersection(sets, lo_x, hi_x, lo_y, hi_y) / smaller
    return out


def pair_containment(
    pairs: NDArray[np.int64], sets: NDArray[np.uint32], set_offsets: NDArray[np.int64]
) -> NDArray[np.float64]:
    """Each pair's shingle containment: shared shingles over the smaller set (0 when a set is
    empty), exactly verification's ``containment`` column."""
    pairs = np.ascontiguousarray(pairs, dtype=np.int64).reshape(-1, 2)
    if len(pairs) == 0:
        return np.zeros(0)
    return _containments(pairs, sets, set_offsets)  # type: ignore[no-any-return]


def enough_overlap(
    containment: NDArray[np.float64], *, min_containment: float
) -> NDArray[np.bool_]:
    """Which candidate pairs go on to verification: those whose shingle containment reaches
    ``min_containment`` (``verify.min_pair_containment``). Written once: the local engine, the
    living index (adds and queries) and Spark call it."""
    keep: NDArray[np.bool_] = containment >= min_containment
    return keep
