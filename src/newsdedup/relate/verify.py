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

__all__ = ["SCORE_COLUMNS", "score_pairs"]

#: Columns of the score matrix ``score_pairs`` returns.
SCORE_COLUMNS = ("jaccard", "containment", "coverage_a", "coverage_b", "block_a", "block_b")


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


@nb.njit(inline="always")
def _before(x, y, seq_off, exact):  # type: ignore[no-untyped-def]
    """A content-based order of two documents, longer first: aligning in this order makes scores
    symmetric, and anchors (unique in the second text) are then unique in the shorter one, which
    an excerpt or a rewrite repeats less than the longer text it came from."""
    lx, ly = seq_off[x + 1] - seq_off[x], seq_off[y + 1] - seq_off[y]
    if lx != ly:
        return lx > ly
    if exact[x, 0] != exact[y, 0]:
        return exact[x, 0] < exact[y, 0]
    return exact[x, 1] <= exact[y, 1]


@nb.njit(parallel=True, cache=True)
def _score(pairs, sets, set_off, seq, seq_off, n_content, exact, size, min_containment):  # type: ignore[no-untyped-def]
    m = pairs.shape[0]
    out = np.zeros((m, 6))
    for p in nb.prange(m):
        x, y = pairs[p, 0], pairs[p, 1]
        a = sets[set_off[x] : set_off[x + 1]]
        b = sets[set_off[y] : set_off[y + 1]]
        if a.size == 0 or b.size == 0:
            continue
        inter = _intersection(a, b)
        out[p, 0] = inter / (a.size + b.size - inter)
        out[p, 1] = inter / min(a.size, b.size)
        if out[p, 1] < min_containment:
            continue
        # anchors are shingles unique in the second text: fix which text that is by content,
        # so that score(x, y) mirrors score(y, x) and results never depend on input order
        u, v = (x, y) if _before(x, y, seq_off, exact) else (y, x)
        cu, cv, bu, bv = ordered_coverage(
            seq[seq_off[u] : seq_off[u + 1]],
            seq[seq_off[v] : seq_off[v + 1]],
            n_content[u],
            n_content[v],
            size,
        )
        if u == x:
            out[p, 2], out[p, 3], out[p, 4], out[p, 5] = cu, cv, bu, bv
        else:
            out[p, 2], out[p, 3], out[p, 4], out[p, 5] = cv, cu, bv, bu
    return out


def score_pairs(
    fp: Fingerprints, pairs: NDArray[np.int64], *, size: int, min_containment: float
) -> NDArray[np.float64]:
    """An (m, 6) matrix of scores, one row per pair of ``pairs``, columns SCORE_COLUMNS."""
    pairs = np.ascontiguousarray(pairs, dtype=np.int64).reshape(-1, 2)
    return _score(  # type: ignore[no-any-return]
        pairs,
        fp.sets,
        fp.set_offsets,
        fp.seq,
        fp.seq_offsets,
        fp.n_content,
        fp.exact,
        size,
        min_containment,
    )
