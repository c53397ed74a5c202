"""In-order alignment of two shingle sequences, and the share of each text it covers.

Anchors are shingles that occur exactly once in the other text; the longest chain of anchors
increasing in both texts (patience LIS, O(m log m)) is the alignment. Text reused in order
(copies, rewrites, excerpts) yields long chains, while articles that merely share names or one
quoted statement cover little of each other: on the seeds the rewritten copy covers 0.57 of the
original and every other pair at most 0.03.
"""

from __future__ import annotations

import numba as nb
import numpy as np

__all__ = ["BLOCK_GAP", "anchor_chain", "ordered_coverage"]

#: Largest step, in shingles, between consecutive anchors of one verbatim block.
BLOCK_GAP = 2


@nb.njit(cache=True)
def _anchors(sa, sb):  # type: ignore[no-untyped-def]
    """Positions (i, j) where sa[i] == sb[j] and the shingle occurs once in sb."""
    order = np.argsort(sb, kind="mergesort")
    sorted_b = sb[order]
    ai = np.empty(sa.size, np.int64)
    bj = np.empty(sa.size, np.int64)
    k = 0
    for i in range(sa.size):
        p = np.searchsorted(sorted_b, sa[i])
        if p >= sorted_b.size or sorted_b[p] != sa[i]:
            continue
        if p + 1 < sorted_b.size and sorted_b[p + 1] == sa[i]:
            continue
        ai[k] = i
        bj[k] = order[p]
        k += 1
    return ai[:k], bj[:k]


@nb.njit(cache=True)
def anchor_chain(sa, sb):  # type: ignore[no-untyped-def]
    """The longest chain of anchors increasing in both sequences, as index arrays (ia, jb)."""
    ai, bj = _anchors(sa, sb)
    m = ai.size
    tails = np.empty(m, np.int64)  # value of the smallest tail of a chain of each length
    tail_at = np.empty(m, np.int64)  # anchor index of that tail
    prev = np.full(m, -1, np.int64)
    length = 0
    for x in range(m):
        p = np.searchsorted(tails[:length], bj[x])
        tails[p] = bj[x]
        tail_at[p] = x
        prev[x] = tail_at[p - 1] if p > 0 else -1
        if p == length:
            length += 1
    ia = np.empty(length, np.int64)
    jb = np.empty(length, np.int64)
    x = tail_at[length - 1] if length > 0 else -1
    for r in range(length - 1, -1, -1):
        ia[r] = ai[x]
        jb[r] = bj[x]
        x = prev[x]
    return ia, jb


@nb.njit(inline="always")
def _covered(pos, width):  # type: ignore[no-untyped-def]
    """Tokens covered by the union of [p, p + width) over increasing positions."""
    total = 0
    end = -1
    for p in pos:
        start = max(p, end)
        end = p + width
        total += end - start
    return total


@nb.njit(cache=True)
def _longest_block(ia, jb, wa, wb):  # type: ignore[no-untyped-def]
    """Tokens covered, in each text, by the largest block of the chain.

    A block is a run of chain anchors each at most BLOCK_GAP shingles after the previous one in
    both texts (so one substituted word does not split it): verbatim reuse of one passage.
    """
    best_a = best_b = 0
    start = 0
    for r in range(1, ia.size + 1):
        if r < ia.size and ia[r] - ia[r - 1] <= BLOCK_GAP and jb[r] - jb[r - 1] <= BLOCK_GAP:
            continue
        ca = _covered(ia[start:r], wa)
        if ca > best_a:
            best_a, best_b = ca, _covered(jb[start:r], wb)
        start = r
    return best_a, best_b


@nb.njit(cache=True)
def ordered_coverage(sa, sb, tokens_a, tokens_b, size):  # type: ignore[no-untyped-def]
    """Share of each text's content words inside the in-order alignment of the two, and the
    share inside its largest verbatim block alone (see ``_longest_block``)."""
    if sa.size == 0 or sb.size == 0:
        return 0.0, 0.0, 0.0, 0.0
    ia, jb = anchor_chain(sa, sb)
    wa = min(size, tokens_a)
    wb = min(size, tokens_b)
    block_a, block_b = _longest_block(ia, jb, wa, wb)
    return (
        _covered(ia, wa) / tokens_a,
        _covered(jb, wb) / tokens_b,
        block_a / tokens_a,
        block_b / tokens_b,
    )
