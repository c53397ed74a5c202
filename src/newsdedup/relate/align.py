"""In-order alignment of two shingled texts, and the share of each text it covers.

Each document keeps its shingle set sorted, with each shingle's first position in the text and
whether it repeats (``fingerprint.kernels.index_shingles``). Anchors are shingles the two texts
share that occur once in at least one of them, placed at their first occurrence; the longest
chain of anchors increasing in both texts (patience LIS, O(m log m)) is the alignment. A merge
of the two sorted sets finds the anchors and the set intersection in one linear pass.

Text reused in order (copies, rewrites, excerpts) yields long chains, while articles that merely
share names or one quoted statement cover little of each other: on the seeds the rewritten copy
covers 0.59 of the original and every other pair at most 0.03.
"""

from __future__ import annotations

import numba as nb
import numpy as np

from newsdedup.fingerprint.kernels import index_shingles

__all__ = ["BLOCK_GAP", "align_sets", "anchor_chain", "ordered_coverage"]

#: Largest step, in shingles, between consecutive anchors of one verbatim block.
BLOCK_GAP = 2

_S32 = np.uint64(32)
_LOW32 = np.uint64(0xFFFFFFFF)


@nb.njit(cache=True)
def _anchors(set_a, pos_a, set_b, pos_b):  # type: ignore[no-untyped-def]
    """Merge two sorted shingle sets: the shared count and the anchors (i, j), sorted by i.

    ``pos`` packs a shingle's first position and a repeat flag as ``(first << 1) | repeats``.
    Anchors are packed as ``i << 32 | j`` so one vectorised sort orders them.
    """
    packed = np.empty(min(set_a.size, set_b.size), np.uint64)
    i = j = k = shared = 0
    while i < set_a.size and j < set_b.size:
        if set_a[i] < set_b[j]:
            i += 1
        elif set_a[i] > set_b[j]:
            j += 1
        else:
            shared += 1
            if (pos_a[i] & 1) == 0 or (pos_b[j] & 1) == 0:
                packed[k] = (np.uint64(pos_a[i] >> 1) << _S32) | np.uint64(pos_b[j] >> 1)
                k += 1
            i += 1
            j += 1
    anchors = packed[:k]
    anchors.sort()
    ai = (anchors >> _S32).astype(np.int64)
    bj = (anchors & _LOW32).astype(np.int64)
    return shared, ai, bj


@nb.njit(cache=True)
def _chain(ai, bj):  # type: ignore[no-untyped-def]
    """The longest chain of anchors increasing in both texts (patience LIS)."""
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
def align_sets(set_a, pos_a, set_b, pos_b, tokens_a, tokens_b, size, with_chain):  # type: ignore[no-untyped-def]
    """Shared shingle count, and (when ``with_chain``) each text's in-order coverage and the
    share inside its largest verbatim block: (shared, cov_a, cov_b, block_a, block_b)."""
    shared, ai, bj = _anchors(set_a, pos_a, set_b, pos_b)
    if not with_chain or ai.size == 0 or tokens_a == 0 or tokens_b == 0:
        return shared, 0.0, 0.0, 0.0, 0.0
    ia, jb = _chain(ai, bj)
    wa = min(size, tokens_a)
    wb = min(size, tokens_b)
    block_a, block_b = _longest_block(ia, jb, wa, wb)
    return (
        shared,
        _covered(ia, wa) / tokens_a,
        _covered(jb, wb) / tokens_b,
        block_a / tokens_a,
        block_b / tokens_b,
    )


@nb.njit(cache=True)
def anchor_chain(sa, sb):  # type: ignore[no-untyped-def]
    """The alignment of two shingle sequences, as index arrays (ia, jb) increasing in both."""
    set_a, pos_a = index_shingles(sa)
    set_b, pos_b = index_shingles(sb)
    _, ai, bj = _anchors(set_a, pos_a, set_b, pos_b)
    return _chain(ai, bj)


@nb.njit(cache=True)
def ordered_coverage(sa, sb, tokens_a, tokens_b, size):  # type: ignore[no-untyped-def]
    """(cov_a, cov_b, block_a, block_b) of two shingle sequences; see ``align_sets``."""
    set_a, pos_a = index_shingles(sa)
    set_b, pos_b = index_shingles(sb)
    _, ca, cb, ba, bb = align_sets(set_a, pos_a, set_b, pos_b, tokens_a, tokens_b, size, True)
    return ca, cb, ba, bb
