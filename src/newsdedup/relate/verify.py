"""Verification of candidate pairs on the real shingle sets and sequences.

No pair is accepted on the sketch alone: Jaccard and containment are exact over the (32-bit
hashed) shingle sets, and the in-order coverage comes from aligning the shingle sequences.
Alignment is skipped for pairs whose containment is below ``min_candidate_containment``: they
cannot reach any copy threshold.
"""

from __future__ import annotations

import numba as nb
import numpy as np
from numpy.typing import NDArray

from newsdedup.fingerprint.batch import Fingerprints
from newsdedup.relate.align import ordered_coverage

__all__ = ["PairScores", "score_pairs"]

PairScores = tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]


@nb.njit(inline="always")
def _intersection(a, b):  # type: ignore[no-untyped-def]
    i = j = k = 0
    while i < a.size and j < b.size:
        if a[i] < b[j]:
            i += 1
        elif a[i] > b[j]:
            j += 1
        else:
            k += 1
            i += 1
            j += 1
    return k


@nb.njit(parallel=True, cache=True)
def _score(pairs, sets, set_off, seq, seq_off, n_content, size, min_containment):  # type: ignore[no-untyped-def]
    m = pairs.shape[0]
    jac = np.zeros(m)
    con = np.zeros(m)
    cov_a = np.zeros(m)
    cov_b = np.zeros(m)
    for p in nb.prange(m):
        x, y = pairs[p, 0], pairs[p, 1]
        a = sets[set_off[x] : set_off[x + 1]]
        b = sets[set_off[y] : set_off[y + 1]]
        if a.size == 0 or b.size == 0:
            continue
        inter = _intersection(a, b)
        jac[p] = inter / (a.size + b.size - inter)
        con[p] = inter / min(a.size, b.size)
        if con[p] >= min_containment:
            cov_a[p], cov_b[p] = ordered_coverage(
                seq[seq_off[x] : seq_off[x + 1]],
                seq[seq_off[y] : seq_off[y + 1]],
                n_content[x],
                n_content[y],
                size,
            )
    return jac, con, cov_a, cov_b


def score_pairs(
    fp: Fingerprints, pairs: NDArray[np.int64], *, size: int, min_containment: float
) -> PairScores:
    """Jaccard, containment and both in-order coverages for each pair (rows of ``pairs``)."""
    pairs = np.ascontiguousarray(pairs, dtype=np.int64).reshape(-1, 2)
    return _score(  # type: ignore[no-any-return]
        pairs, fp.sets, fp.set_offsets, fp.seq, fp.seq_offsets, fp.n_content, size, min_containment
    )
